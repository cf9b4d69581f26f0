package dev.cambium;

import dev.cambium.engine.Engine;
import dev.cambium.engine.JvmAccess;
import dev.cambium.engine.compact.Compaction;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.MetaCodec;
import dev.cambium.engine.store.MetaSelector;
import dev.cambium.engine.txn.WriteTxn;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An embedded database: many named B+trees in one file, changed by one atomic write transaction at
 * a time and read by any number of snapshot readers that never wait for the writer.
 *
 * <pre>{@code
 * try (Database db = Database.open(Path.of("directory.cambium"))) {
 *     db.write(txn -> {
 *         txn.openOrCreateTree("entries").put(id, entry);
 *         txn.openOrCreateTree("rdn").put(rdn, id);
 *     });                                   // both trees change together, or neither
 *     byte[] e = db.read(txn -> txn.tree("entries").get(id));
 * }
 * }</pre>
 *
 * <p>The JVM must be started with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (Agrona), or with
 * {@code --add-exports java.base/jdk.internal.misc=org.agrona} when Agrona is on the module path; {@link #open} names
 * the one that is missing.
 *
 * <p>While open, the database is registered with the platform MBean server as a {@link DatabaseMXBean} named
 * {@code dev.cambium:type=Database,name=<absolute path>} (see {@link DatabaseOptions.Builder#registerMBean}).
 *
 * <p>Threads: every method may be called from any thread. {@link #beginRead()} never blocks;
 * {@link #beginWrite()} waits while another write transaction is open.
 */
public final class Database implements AutoCloseable
{
    /** The version of the file format this library reads and writes (in every meta page). */
    public static final int FORMAT_VERSION = MetaCodec.FORMAT_VERSION;

    private final Engine engine;
    private final Path path;
    private final DatabaseMBean mbean;

    private Database(final Engine engine, final Path path, final boolean registerMBean)
    {
        this.engine = engine;
        this.path = path;
        this.mbean = registerMBean ? DatabaseMBean.register(this) : null;
    }

    /**
     * Opens a database file with default options, creating it if absent.
     *
     * @param file the database file.
     * @return the open database.
     * @throws DatabaseLockedException  if the database is already open, in this JVM or in another process.
     * @throws NotADatabaseException    if the file exists and is not a Cambium database.
     * @throws CorruptDatabaseException if both meta pages are damaged.
     * @throws StorageException         if the file cannot be opened.
     */
    public static Database open(final Path file)
    {
        return open(file, DatabaseOptions.DEFAULTS);
    }

    /**
     * Opens a database file, creating it if absent (unless {@link DatabaseOptions#openRevision()} is set). An
     * empty (0-byte) file is initialised as a new database. An existing file opens at its newest revision whose
     * meta page is valid: if the newest meta page is damaged, at the revision before it (logged as a warning).
     *
     * <p>One {@code Database} at a time may have a file open, in the whole machine: the open takes an exclusive lock
     * on a lock file beside the database ({@code <name>-lock}, created on first open and left in place; never
     * delete it while the database may be open) and holds it until {@link #close()}. Nothing the rest of the
     * process does with the database file itself (reading it, copying it, opening and closing channels to it)
     * releases that lock. A lock left by a process that died is released by the operating system with the process.
     *
     * @param file    the database file.
     * @param options how to open it.
     * @return the open database.
     * @throws DatabaseLockedException  if the database is already open, in this JVM or in another process
     *                                  ({@link DatabaseLockedException#heldInThisJvm()} says which).
     * @throws NotADatabaseException    if the file exists and is not a Cambium database.
     * @throws CorruptDatabaseException if both meta pages are damaged.
     * @throws NoSuchRevisionException  if {@link DatabaseOptions#openRevision()} names a revision the file does
     *                                  not hold.
     * @throws StorageException         if the file cannot be opened.
     */
    public static Database open(final Path file, final DatabaseOptions options)
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        JvmAccess.check();
        return new Database(Engine.open(file, options), file, options.registerMBean());
    }

    /**
     * Lists the revisions a database file can be opened at: those with a valid meta page. A file keeps the meta
     * pages of its last two commits, so this is normally the newest revision and the one before it (only one for
     * a file whose newest or older meta page is damaged, or a file that was never committed to). Reads the two
     * meta pages and nothing else, without locking or changing the file, so it also works on a file this JVM or
     * another process has open (a commit running meanwhile can only hide a revision, never invent one), and it never
     * weakens the lock of an open {@code Database} (it does not touch the lock file). Use it to choose
     * a revision for {@link DatabaseOptions.Builder#openRevision(long)}.
     *
     * @param file the database file.
     * @return the revisions, newest first; empty if the file is empty or both meta pages are damaged.
     * @throws NotADatabaseException if the file is not a Cambium database.
     * @throws StorageException      if the file does not exist or cannot be read.
     */
    public static List<StoredRevision> revisions(final Path file)
    {
        Objects.requireNonNull(file, "file");
        return MetaSelector.validMetas(file).stream()
            .map(m -> new StoredRevision(m.revision(), Instant.ofEpochMilli(m.commitTimeMillis())))
            .toList();
    }

    /**
     * Begins a read transaction on the newest committed revision. Never blocks and never delays
     * the writer. Close it promptly: an open read transaction keeps its revision's pages alive. One
     * that becomes unreachable without being closed is released when the garbage collector finds it,
     * with a warning in the log; see {@link DatabaseOptions.Builder#maxReadTransactionAge} and
     * {@link DatabaseOptions.Builder#trackReadTransactionOrigins} to find forgotten ones sooner.
     *
     * @return the transaction.
     * @throws DatabaseClosedException if the database is closed.
     */
    public ReadTransaction beginRead()
    {
        return engine.beginRead();
    }

    /**
     * Begins the write transaction, waiting while another is open.
     *
     * @return the transaction.
     * @throws DatabaseClosedException if the database is closed.
     * @throws IllegalStateException   if this thread already has an open write transaction.
     */
    public WriteTransaction beginWrite()
    {
        return engine.beginWrite();
    }

    /**
     * Runs {@code work} in a read transaction and closes it.
     *
     * @param work what to read.
     * @param <T>  the result type.
     * @return what {@code work} returned.
     */
    public <T> T read(final Function<? super ReadTransaction, ? extends T> work)
    {
        Objects.requireNonNull(work, "work");
        try (ReadTransaction txn = beginRead())
        {
            return work.apply(txn);
        }
    }

    /**
     * Runs {@code work} in a write transaction and commits it when {@code work} returns; rolls back
     * if it throws (the exception propagates). If {@code work} ends the transaction itself, nothing
     * more is done.
     *
     * @param work the changes.
     */
    public void write(final Consumer<? super WriteTransaction> work)
    {
        Objects.requireNonNull(work, "work");
        writeAndGet(txn ->
        {
            work.accept(txn);
            return null;
        });
    }

    /**
     * Like {@link #write(Consumer)}, returning {@code work}'s result after the commit.
     *
     * @param work the changes.
     * @param <T>  the result type.
     * @return what {@code work} returned.
     */
    public <T> T writeAndGet(final Function<? super WriteTransaction, ? extends T> work)
    {
        Objects.requireNonNull(work, "work");
        final WriteTxn txn = engine.beginWrite();
        try
        {
            final T result = work.apply(txn);
            if (txn.isOpen())
            {
                txn.commit();
            }
            return result;
        }
        finally
        {
            txn.close();
        }
    }

    /**
     * @return the newest committed revision: durable as the {@link Durability} mode promises, and the one a new read
     * transaction sees. With several threads committing in {@link Durability#SYNC} mode, a write transaction may
     * already build on a newer revision whose batch is still being forced.
     */
    public long revision()
    {
        return engine.revision();
    }

    /**
     * @return the database file.
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the page size of the file.
     */
    public int pageSize()
    {
        return engine.store().pageSize();
    }

    /**
     * Checks the database's consistency and returns a report rather than printing or throwing: every
     * page of the newest revision (catalog, trees, overflow chains, free-space map) is walked and its
     * checksum verified; keys must be in order and subtree counts exact; every page below the
     * high-water mark must be exactly one of reachable, free or pending (no leak, no page in two
     * states); no page visible to a revision a reader holds may be free; and the revision refcounts
     * must add up to the open read transactions. Revisions held by readers are walked too.
     *
     * <p>Waits for an open write transaction to end and keeps writers out while it runs; readers
     * continue. The refcount comparison is exact only if no read transaction begins or ends meanwhile.
     * Cost: O(pages) for each live revision.
     *
     * @return the report; {@link CheckReport#ok()} is true when nothing is wrong.
     * @throws IllegalStateException if this thread has an open write transaction.
     */
    public CheckReport check()
    {
        return check(ProgressListener.NONE);
    }

    /**
     * {@link #check()}, telling {@code listener} of its progress in pages: the total is the newest revision's
     * high-water mark ({@link CheckReport#pageCount()}); each page is counted when its checksum is verified, and the
     * pages the check does not read (meta pages, free pages) when it ends. Writers stay out while the listener runs.
     *
     * @param listener told of progress on the calling thread; an exception it throws ends the check and propagates.
     * @return the report; {@link CheckReport#ok()} is true when nothing is wrong.
     * @throws IllegalStateException if this thread has an open write transaction.
     */
    public CheckReport check(final ProgressListener listener)
    {
        Objects.requireNonNull(listener, "listener");
        return engine.check(listener);
    }

    /**
     * Runs one cleaner duty cycle on the calling thread, for databases opened with
     * {@code DatabaseOptions.builder().backgroundCleaner(false)}: retires revisions no reader pins and
     * hands the pages no live revision can see to the writer, which reuses them from its next write transaction.
     * Calls are serialised.
     *
     * <p>Supported, for applications that want page reclamation to happen at a time and on a thread of their
     * choosing (e.g. after each batch on the writer's thread, or in a maintenance window), or deterministically
     * (tests: the file's size then depends only on the calls made). Cost: proportional to the revisions retired and
     * pages released since the last call, a few hundred nanoseconds of CPU per page (design.md, "Cleaner cost").
     * Without a background cleaner and without calls, nothing is reclaimed and the file grows with every update
     * until the next open, which frees every page the opened revision does not use.
     *
     * @return the amount of work done (0 if there was nothing to do).
     * @throws IllegalStateException   if the database runs a background cleaner.
     * @throws DatabaseClosedException if the database is closed.
     */
    public int runCleaner()
    {
        return engine.runCleaner();
    }

    /**
     * Returns current counters. Also checks the ages of open read transactions, as
     * {@link #checkReadTransactions()} does, logging any newly over-age one.
     *
     * <p>Threads: any thread, concurrently with transactions.
     *
     * @return current counters.
     * @throws DatabaseClosedException if the database is closed.
     */
    public DatabaseStats stats()
    {
        engine.checkOpen();
        final long now = System.nanoTime();
        engine.checkReaderAges(now);
        final Meta head = engine.revisions().head().state();
        return new DatabaseStats(
            head.revision(),
            engine.store().pageSize(),
            head.highWater(),
            engine.store().fileSize(),
            engine.openReaders(),
            engine.revisions().size(),
            engine.commits(),
            engine.commitBatches(),
            engine.lastCommitPages(),
            engine.pagesWritten(),
            engine.oldestPinnedRevision(),
            engine.oldestReaderAgeNanos(now),
            engine.leakedReadTransactions(),
            engine.freeSpace().freeCount(),
            engine.freeSpace().pendingCount(),
            engine.cleaner().runs(),
            engine.reclaimer().reclaimedPages(),
            Math.max(0, engine.revisions().size() - 1 - engine.revisions().pinnedNodeCount()),
            engine.cleaner().errorCount());
    }

    /**
     * Writes a hot backup of the newest revision to {@code target}: a page-for-page copy that opens at exactly the
     * revision returned, taken from a read transaction while writers go on. Same as {@code backup(target, false)}.
     *
     * @param target the file to create; must not exist.
     * @return the revision copied.
     * @throws StorageException        if the target exists or the copy cannot be written.
     * @throws DatabaseClosedException if the database is closed.
     */
    public long backup(final Path target)
    {
        return backup(target, false);
    }

    /**
     * Writes a hot backup of the newest revision to {@code target}, taken from a read transaction: it never blocks
     * or delays the writer, which goes on committing while the copy is written, and the copy holds exactly the
     * revision the transaction pinned. The copy is written to a temporary file in the target's directory
     * ({@code .<name>.backup-<pid>-<n>.tmp}), forced, renamed to {@code target} and the directory forced: a crash
     * at any moment leaves either no file named {@code target} or the complete copy (and perhaps the temporary
     * file, which nothing opens).
     *
     * <p>{@code compact == false}: every page below the revision's high-water mark is copied and the revision's
     * meta page written to both meta slots; the copy opens at the returned revision, the same size as that
     * revision's part of the file. {@code compact == true} (like {@code mdb_copy -c}): every entry of every tree is
     * written in key order into a new file, which then holds only live pages, numbered from the start and nearly
     * full; it holds the returned revision's data but numbers its own revisions from 1.
     *
     * <p>Cost: reads every page below the high-water mark (full) or every entry (compact) once; the pinned
     * revision's obsolete pages are not reclaimed until the copy ends.
     *
     * @param target  the file to create; must not exist.
     * @param compact true to copy only the live data, renumbered.
     * @return the revision copied.
     * @throws StorageException        if the target exists or the copy cannot be written.
     * @throws DatabaseClosedException if the database is closed.
     */
    public long backup(final Path target, final boolean compact)
    {
        return backup(target, compact, ProgressListener.NONE);
    }

    /**
     * {@link #backup(Path, boolean)}, telling {@code listener} of its progress: in pages for a full copy (the total
     * is the revision's high-water mark, meta pages included) and in entries for a compact one (the total is the
     * sum of the trees' sizes).
     *
     * @param target   the file to create; must not exist.
     * @param compact  true to copy only the live data, renumbered.
     * @param listener told of progress on the calling thread; an exception it throws ends the backup (the temporary
     *                 file is deleted, {@code target} is not created) and propagates.
     * @return the revision copied.
     * @throws StorageException        if the target exists or the copy cannot be written.
     * @throws DatabaseClosedException if the database is closed.
     */
    public long backup(final Path target, final boolean compact, final ProgressListener listener)
    {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(listener, "listener");
        return engine.backup(target, compact, listener);
    }

    /**
     * Compacts the file online and gives its free end back to the file system; same as
     * {@code compact(Duration.ofSeconds(10), r -> { })}.
     *
     * @return what the compaction achieved.
     * @throws DatabaseClosedException if the database is closed.
     * @throws StorageException        if a write fails (the database is then at a committed revision).
     */
    public CompactionResult compact()
    {
        return compact(Duration.ofSeconds(10), r ->
        {
        });
    }

    /**
     * Compacts the file online: moves the live pages at the end of the file into free pages near its start (each
     * move is a copy on write, as in any commit), then truncates the emptied end. Docs: design.md, "Shrinking the
     * file".
     *
     * <p>Threads and blocking: runs on the calling thread as a series of ordinary write transactions of at most
     * 512 pages each; between them other writers go on, and each holds the write gate no longer than one commit of
     * that size. Readers never wait and keep exactly the snapshot they pinned. Pages at the end that an open read
     * transaction can still see are waited for, up to {@code maxWait} in all (polling, holding no lock); if they are
     * still pinned then, the compaction returns with {@link CompactionResult#complete()} false, having shrunk the
     * file as far as it could (a later commit or {@link #close()} gives back the rest once the readers are gone).
     * Must not be called on a thread holding an open write transaction.
     *
     * @param maxWait  how long to wait for read transactions pinning pages at the end of the file.
     * @param progress receives the result so far after each step (on the calling thread).
     * @return what the compaction achieved: file length before and after, live pages, pages moved, steps, time.
     * @throws DatabaseClosedException  if the database is closed.
     * @throws IllegalStateException    if this thread holds an open write transaction.
     * @throws StorageException         if a write fails (the database is then at a committed revision).
     */
    public CompactionResult compact(final Duration maxWait, final Consumer<CompactionResult> progress)
    {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(progress, "progress");
        engine.checkOpen();
        return new Compaction(engine, Compaction.DEFAULT_STEP_PAGES, maxWait, progress).run();
    }

    /**
     * Walks every tree of the newest revision and reports its entries, depth and pages by kind (branch, leaf,
     * overflow), as {@code mdb_stat} does per database. Runs in a read transaction of its own: never blocks or
     * delays the writer. Pages of the catalog and the free-space map are not counted here; {@link #stats()}
     * gives the file's totals.
     *
     * <p>Cost: one read of every page of every tree, O(pages).
     *
     * @return one entry per tree, in the order of {@link ReadTransaction#treeNames()}.
     * @throws DatabaseClosedException  if the database is closed.
     * @throws CorruptDatabaseException if a page cannot be read.
     */
    public List<TreeStats> treeStats()
    {
        return engine.treeStats();
    }

    /**
     * Finds read transactions open longer than {@link DatabaseOptions#maxReadTransactionAge()}: probably
     * forgotten, and keeping their revisions' pages from being reclaimed. Each one is also logged once,
     * at {@code WARNING} through {@link System.Logger} (logger {@code dev.cambium.engine.Engine}), with
     * the stack trace of where it was opened (so a health check can call this periodically).
     *
     * <p>Threads: any thread, concurrently with transactions; takes no lock.
     *
     * @return the over-age read transactions, oldest first; empty if no maximum age is set.
     */
    public List<ReadTransactionInfo> checkReadTransactions()
    {
        return engine.checkReaderAges(System.nanoTime());
    }

    /**
     * Closes the database: unregisters its {@link DatabaseMXBean}, refuses new transactions, waits for an open
     * write transaction to end, stops the cleaner and closes the file. Read transactions still open, their trees
     * and cursors fail with {@link DatabaseClosedException} at their next call (closing them is still allowed).
     * Idempotent: a call concurrent with another returns once the database is closed, except on the thread that
     * holds the open write transaction, where it returns at once.
     */
    @Override
    public void close()
    {
        if (mbean != null)
        {
            mbean.unregister();
        }
        engine.close();
    }

    @Override
    public String toString()
    {
        return "Database{" + path + ", revision=" + engine.revision() + '}';
    }
}
