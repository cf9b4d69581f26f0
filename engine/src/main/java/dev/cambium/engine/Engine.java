package dev.cambium.engine;

import dev.cambium.CheckReport;
import dev.cambium.DatabaseClosedException;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ProgressListener;
import dev.cambium.ReadTransactionInfo;
import dev.cambium.TreeStats;
import dev.cambium.engine.backup.Backup;
import dev.cambium.btree.BTreeWriter;
import dev.cambium.engine.check.Checker;
import dev.cambium.engine.stats.TreeSurvey;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.MetaSelector;
import dev.cambium.engine.store.PageStore;
import dev.cambium.engine.store.Storage;
import dev.cambium.engine.store.StorageDirectory;
import dev.cambium.engine.txn.ForgottenReaderRelease;
import dev.cambium.engine.txn.ReadContext;
import dev.cambium.engine.txn.DeferredPages;
import dev.cambium.engine.txn.ReadPages;

import dev.cambium.engine.txn.ReadTxn;
import dev.cambium.engine.txn.CommitTarget;
import dev.cambium.engine.txn.GroupCommit;
import dev.cambium.engine.txn.WorkingMemory;
import dev.cambium.engine.txn.WriteTxn;
import dev.cambium.cleaner.Cleaner;
import dev.cambium.cleaner.PageReclaimer;
import dev.cambium.engine.space.FreeSpace;
import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.agrona.concurrent.AgentInvoker;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open database file: its page store, its revision list, the single-writer gate and the cleaner.
 *
 * <p>Threads: {@link #beginRead()} from any thread; the pin is lock-free and never waits for the writer
 * (registration for forgotten-reader release takes an uncontended lock of the thread's stripe, see
 * {@link ForgottenReaderRelease}). {@link #beginWrite()} from any thread;
 * a fair semaphore admits one write transaction at a time (a semaphore, not a lock, because the
 * transaction may be ended on another thread than began it). The write transaction reaches the engine only
 * through its {@link CommitTarget} (publication, durability, the end of the write gate). {@link #close()} from any thread, any number of times (see there).
 *
 * <p>Parts: the group commit leader's forces, meta write and publication are {@link GroupCommitDevice}; the
 * writer's side of the cleaner's hand-off of reusable pages is {@link CleanerHandOff}.
 */
public final class Engine implements AutoCloseable
{
    private final PageStore store;
    private final DatabaseOptions options;
    private final RevisionList<Meta> revisions;
    private final Cleaner<Meta> cleaner;
    private final PageReclaimer<Meta> reclaimer;
    private final FreeSpace freeSpace;
    private final CommitTarget commitTarget = new WriterTarget();
    /** Batches the forces of concurrent durable commits and publishes the revisions once durable. */
    private final GroupCommit groupCommit;
    /** The group commit's forces, meta writes and publication; counts the commits. */
    private final GroupCommitDevice device;
    /** Pages of queued revisions waiting for their batch's leader (group commit); null without it. */
    private final DeferredPages deferredPages;
    /**
     * The newest revision whose pages are written: the next write transaction's base. Durable and published only once
     * {@link #groupCommit} says so. Written under the write gate; volatile for {@link #writtenRevision()}.
     */
    private volatile Meta lastWritten;
    // One working memory and one tree writer serve every write transaction in turn (the write gate passes them
    // on): their maps, lists, nodes and scratch pages are built once, not per transaction.
    private final WorkingMemory workingMemory;
    private final BTreeWriter treeWriter;
    private final AgentInvoker cleanerInvoker;
    private final Semaphore writeGate = new Semaphore(1, true);
    private final LongAdder openReaders = new LongAdder();
    private final ReadTransactionTracker readers;
    /** Each reader thread's page reader and views, reused by its next read transaction. */
    private final ReadContext.Pool readContexts;
    private volatile Thread writerThread;
    /** Set by the one {@link #close()} call that wins it; from then on no transaction begins. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down when that close has finished, releasing concurrent {@link #close()} calls. */
    private final CountDownLatch closeDone = new CountDownLatch(1);

    private Engine(final PageStore store, final DatabaseOptions options)
    {
        this.store = store;
        this.options = options;
        this.readers = new ReadTransactionTracker(store.path().toString(), options, openReaders);
        this.readContexts = new ReadContext.Pool(store);
        final Meta meta = store.openedMeta();
        final MetaSelector.Selection selection = store.selection();
        if (selection != null && selection.newer() != null)
        {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                "opened " + store.path() + " at an older revision than its newest; revision " +
                    selection.newer().meta().revision() + " will be discarded by the first commit: "
                    + selection.describe());
        }
        else if (selection != null && !selection.bothValid())
        {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                "opened " + store.path() + " with one valid meta page: " + selection.describe());
        }
        this.revisions = new RevisionList<>(meta.revision(), meta);
        this.lastWritten = meta;
        this.reclaimer = new PageReclaimer<>(revisions, PageReclaimer.DEFAULT_QUEUE_CAPACITY,
            InternalOptions.oldestReaderReuse(options)
                ? PageReclaimer.Policy.OLDEST_READER
                : PageReclaimer.Policy.INTERVAL);
        // With a maximum read-transaction age, the cleaner thread looks for over-age readers about once a
        // second, so a forgotten reader is reported without anyone calling stats().
        final Runnable readerAges = options.maxReadTransactionAge() == null ? null : this::periodicReaderAgeCheck;
        // Built (no thread yet) before the hand-off and the group commit that refer to it; started last.
        this.cleaner = Cleaner.builder(revisions).reclaimer(reclaimer).housekeeping(readerAges).build();
        this.deferredPages = groupCommits(options) ? new DeferredPages(store.pageSize()) : null;
        this.device = new GroupCommitDevice(store, options.durability(), revisions, cleaner, deferredPages);
        this.groupCommit = new GroupCommit(device, meta.revision());
        final CleanerHandOff handOff = new CleanerHandOff(reclaimer, cleaner, revisions, options.backgroundCleaner(),
            InternalOptions.cleanerWait(options).toNanos());
        // Every page the opened revision does not reference is free: there are no readers yet.
        this.freeSpace = FreeSpace.load(new ReadPages(store, meta), meta, store.path().toString(), handOff);
        this.workingMemory = new WorkingMemory(store, freeSpace);
        this.treeWriter = new BTreeWriter(workingMemory);
        if (options.backgroundCleaner())
        {
            cleaner.start();
            this.cleanerInvoker = null;
        }
        else
        {
            this.cleanerInvoker = cleaner.invoker();
            cleanerInvoker.start(); // an AgentInvoker does no work until started
        }
    }

    /**
     * Opens (or creates) a database file.
     *
     * @param file    the file.
     * @param options the options.
     * @return the engine.
     */
    public static Engine open(final Path file, final DatabaseOptions options)
    {
        return start(PageStore.open(file, options), options);
    }

    /**
     * Opens (or creates) a database file through the given directory operations: the seam for tests that
     * simulate a power loss while a database file is created.
     *
     * @param file      the file.
     * @param options   the options.
     * @param directory the directory operations.
     * @return the engine.
     */
    public static Engine open(final Path file, final DatabaseOptions options,
        final StorageDirectory directory)
    {
        return start(PageStore.open(file, options, directory), options);
    }

    /**
     * Opens an engine over a given storage: the seam for fault-injection tests (a storage that fails
     * or loses writes). The storage's file is not locked and its directory not fsynced.
     *
     * @param storage the storage.
     * @param options the options.
     * @return the engine.
     */
    public static Engine open(final Storage storage, final DatabaseOptions options)
    {
        return start(PageStore.open(storage, options), options);
    }

    /**
     * Builds the engine over an open store; if that fails (e.g. a damaged free-space map found while loading it),
     * closes the store so that its file lock is released: otherwise a second open of the same path in this JVM
     * would report "already open" instead of the damage, until the store happened to be garbage collected.
     */
    private static Engine start(final PageStore store, final DatabaseOptions options)
    {
        try
        {
            return new Engine(store, options);
        }
        catch (final RuntimeException | Error e)
        {
            try
            {
                store.close();
            }
            catch (final RuntimeException suppressed)
            {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * @return the options the database was opened with.
     */
    public DatabaseOptions options()
    {
        return options;
    }

    /**
     * @return the page store.
     */
    public PageStore store()
    {
        return store;
    }

    /**
     * @return the revision list (for statistics and tests).
     */
    public RevisionList<Meta> revisions()
    {
        return revisions;
    }

    /**
     * Any thread.
     *
     * @throws DatabaseClosedException if {@link #close()} has been called.
     */
    public void checkOpen()
    {
        if (closed.get())
        {
            throw new DatabaseClosedException("database " + store.path() + " is closed");
        }
    }

    /**
     * Pins the newest revision. Never waits for the writer. Registers the transaction with
     * {@link ForgottenReaderRelease} (a short critical section on the calling thread's stripe) so that a transaction
     * never closed is released when it becomes unreachable; records its origin and adds it to the
     * registry of open readers only when the options ask for it.
     *
     * @return a read transaction.
     */
    public ReadTxn beginRead()
    {
        checkOpen();
        // The thread's own refcount stripe: reader threads do not contend on one cache line (RevisionNode).
        final int stripe = RevisionNode.stripeOfCurrentThread();
        final RevisionNode<Meta> node = revisions.pin(stripe);
        openReaders.increment();
        try
        {
            return new ReadTxn(store, node, stripe, readers, readContexts);
        }
        catch (final RuntimeException | Error e)
        {
            // The transaction's pin, created last, was never made: the revision is still this method's to release.
            node.unpin(stripe);
            openReaders.decrement();
            throw e;
        }
    }

    /**
     * Lists the read transactions open longer than {@link DatabaseOptions#maxReadTransactionAge()},
     * oldest first, and logs one {@code WARNING} per transaction (the first time it is found over age)
     * with the stack trace of where it was opened. Any thread, concurrently with everything; cost is
     * linear in the number of open read transactions and takes no lock.
     *
     * <p>Called by {@code Database.stats()} and {@code Database.checkReadTransactions()}, and about once a
     * second by the cleaner's duty cycle when a maximum age is set, so that forgotten readers are
     * reported without anyone asking (with {@code backgroundCleaner(false)}, only when
     * {@code runCleaner()} is called).
     *
     * @param nowNanos the current {@link System#nanoTime()}.
     * @return the over-age read transactions; empty if no maximum age is set.
     */
    public List<ReadTransactionInfo> checkReaderAges(final long nowNanos)
    {
        return readers.checkAges(nowNanos);
    }

    /** Cleaner thread only: at most once a second, log newly over-age read transactions. */
    private void periodicReaderAgeCheck()
    {
        final long now = System.nanoTime();
        if (now - lastReaderAgeCheck >= 1_000_000_000L)
        {
            lastReaderAgeCheck = now;
            readers.checkAges(now);
        }
    }

    private long lastReaderAgeCheck = System.nanoTime() - 1_000_000_000L; // the first duty cycle checks

    /**
     * @return read transactions since open that became unreachable without close and were released
     * by the cleaner's thread (each also logged as a warning). Any thread.
     */
    public long leakedReadTransactions()
    {
        return readers.leaked();
    }

    /**
     * @return the oldest revision pinned by an open read transaction, or -1 if none; a racy snapshot.
     * Any thread.
     */
    public long oldestPinnedRevision()
    {
        return revisions.oldestPinnedRevision();
    }

    /**
     * @param nowNanos the current {@link System#nanoTime()}.
     * @return how long the oldest open read transaction has been open, in nanoseconds; 0 if none is
     * open, or if open read transactions are not tracked (neither a maximum age nor origin tracking is
     * set). Any thread.
     */
    public long oldestReaderAgeNanos(final long nowNanos)
    {
        return readers.oldestAgeNanos(nowNanos);
    }

    /**
     * Waits until no other write transaction is open, then begins one on the newest revision.
     *
     * @return the write transaction.
     */
    public WriteTxn beginWrite()
    {
        checkOpen();
        if (writerThread == Thread.currentThread())
        {
            throw new IllegalStateException(
                "this thread already has an open write transaction; waiting for another would deadlock");
        }
        writeGate.acquireUninterruptibly();
        try
        {
            checkOpen();
            store.checkWritable(); // refused after a failed force or meta write: says which, until reopened
            writerThread = Thread.currentThread();
            // The newest written revision, durable or not: only the gate holder queues revisions, so it cannot move.
            final Meta base = lastWritten;
            final ReadPages committed = new ReadPages(store, base, deferredPages);
            freeSpace.release();
            workingMemory.begin(committed, base.highWater(), base.revision() + 1);
            return new WriteTxn(commitTarget, store, base, workingMemory, freeSpace, treeWriter);
        }
        catch (final RuntimeException | Error e)
        {
            writerThread = null;
            writeGate.release();
            throw e;
        }
    }

    /**
     * Whether commits share forces (group commit: {@link Durability#SYNC} without strict mode): a commit then opens
     * the write gate before its forces, and one queued behind a batch in flight leaves its pages to the batch's
     * leader ({@link DeferredPages}).
     */
    private static boolean groupCommits(final DatabaseOptions options)
    {
        return options.durability() == Durability.SYNC && !options.checkEveryCommit();
    }

    /** The engine as its write transactions see it. Writer thread, holding the write gate. */
    private final class WriterTarget implements CommitTarget
    {
        @Override
        public Durability durability()
        {
            return options.durability();
        }

        @Override
        public boolean checkEveryCommit()
        {
            return options.checkEveryCommit();
        }

        @Override
        public void written(
            final Meta meta, final ObsoletePages obsolete, final int pagesWritten,
            final DeferredPages.Revision deferred)
        {
            if (deferred != null)
            {
                deferredPages.register(deferred);
            }
            groupCommit.written(meta, obsolete, pagesWritten, deferred);
            lastWritten = meta;
        }

        @Override
        public DeferredPages deferredPages()
        {
            // A lone committer leads its own batch at once: no later revision of it can supersede a page, so the
            // copies would be pure cost. Measured: with one committing thread, leaving pages cost about 3 % of
            // the commits per second (design.md, "Group commit").
            return deferredPages != null && groupCommit.busy() ? deferredPages : null;
        }

        @Override
        public boolean opensGateBeforeForce()
        {
            return groupCommits(options);
        }

        @Override
        public void awaitDurable(final long revision)
        {
            groupCommit.awaitDurable(revision);
        }

        @Override
        public CheckReport check()
        {
            return checkHoldingWriteGate(ProgressListener.NONE);
        }

        @Override
        public long shrinkFile(final boolean holdingGate, final boolean exact)
        {
            if (!holdingGate && !writeGate.tryAcquire())
            {
                return 0; // another writer holds the gate: its commit, or close, shrinks
            }
            try
            {
                if (!holdingGate && closed.get())
                {
                    return 0; // close is waiting for the gate and shrinks exactly itself
                }
                // Nothing may be in flight: the slots' marks must be final, and no meta write may race.
                if (exact ? !drainHoldingWriteGate() : !groupCommit.idle())
                {
                    return 0;
                }
                return store.shrinkFile(lastWritten.highWater(), exact);
            }
            finally
            {
                if (!holdingGate)
                {
                    writeGate.release();
                }
            }
        }

        @Override
        public void writeEnded(final WriteTxn txn)
        {
            writerThread = null;
            writeGate.release();
        }
    }

    /**
     * Makes every written revision durable and published (leading a batch if needed); the caller holds the write
     * gate, so no revision is queued meanwhile. A failed batch is left failed: the store refuses writes.
     *
     * @return true if the head is the newest written revision; false after a failed batch.
     */
    private boolean drainHoldingWriteGate()
    {
        try
        {
            groupCommit.awaitDurable(lastWritten.revision());
            return true;
        }
        catch (final RuntimeException | Error e)
        {
            return false;
        }
    }

    /**
     * @return the newest revision whose pages are written: published, or queued for its batch's forces. Any thread.
     */
    public long writtenRevision()
    {
        return lastWritten.revision();
    }

    /**
     * @return durable batches since open (each one pair of forces in SYNC mode); {@link #commits()} minus this is
     * how many commits shared another's forces.
     */
    public long commitBatches()
    {
        return groupCommit.batches();
    }

    /**
     * @return the newest committed revision: durable (as the durability mode promises) and published.
     */
    public long revision()
    {
        return revisions.head().revision();
    }

    /**
     * @return read transactions open now.
     */
    public long openReaders()
    {
        return openReaders.sum();
    }

    /**
     * @return commits since open.
     */
    public long commits()
    {
        return device.commits();
    }

    /**
     * @return pages written by the last commit.
     */
    public long lastCommitPages()
    {
        return device.lastCommitPages();
    }

    /**
     * @return data pages written by the commits published since open. Any thread.
     */
    public long pagesWritten()
    {
        return device.pagesWritten();
    }

    /**
     * Checks the consistency of the newest revision and of the page accounting; see
     * {@link dev.cambium.Database#check()}. Waits for the open write transaction, then keeps writers out
     * while it runs.
     *
     * @return the report.
     */
    public CheckReport check()
    {
        return check(ProgressListener.NONE);
    }

    /**
     * {@link #check()}, telling {@code listener} of its progress; see
     * {@link dev.cambium.Database#check(ProgressListener)}.
     *
     * @param listener told of progress.
     * @return the report.
     */
    public CheckReport check(final ProgressListener listener)
    {
        checkOpen();
        if (writerThread == Thread.currentThread())
        {
            throw new IllegalStateException("cannot check while this thread has an open write transaction");
        }
        writeGate.acquireUninterruptibly();
        try
        {
            checkOpen();
            return checkHoldingWriteGate(listener);
        }
        catch (final ProgressTracker.ListenerException e)
        {
            throw e.unwrap(); // the listener cancelled the check
        }
        finally
        {
            writeGate.release();
        }
    }

    /** The check itself; the caller holds the write gate (a commit in strict mode, or {@link #check()}). */
    private CheckReport checkHoldingWriteGate(final ProgressListener listener)
    {
        // Revisions written but not yet durable first: the writer's free space describes the newest written one.
        final boolean caughtUp = drainHoldingWriteGate();
        freeSpace.release(); // what the cleaner released is free, as a writer would see it
        final RevisionNode<Meta> head = revisions.pin();
        try
        {
            // After a failed batch the writer's free space is ahead of the head (writes are refused until reopened):
            // check the published revision without it.
            return new Checker(store, revisions, caughtUp ? freeSpace : null).run(head, openReaders() + 1, listener);
        }
        finally
        {
            head.unpin();
        }
    }

    /**
     * Writes a consistent copy of the newest revision to {@code target}; see
     * {@link dev.cambium.Database#backup(Path, boolean)}. Any thread; never blocks the writer.
     *
     * @param target   the file to create.
     * @param compact  true to copy only the live data into a new, renumbered file.
     * @param listener told of progress.
     * @return the revision copied.
     */
    public long backup(final Path target, final boolean compact, final ProgressListener listener)
    {
        checkOpen();
        try
        {
            return new Backup(this).run(target, compact, listener);
        }
        catch (final ProgressTracker.ListenerException e)
        {
            throw e.unwrap(); // the listener cancelled the backup, which removed its temporary file
        }
    }

    /**
     * Walks every tree of the newest revision from a read transaction and counts its pages; see
     * {@link dev.cambium.Database#treeStats()}. Any thread; never blocks the writer.
     *
     * @return one entry per tree, in name order.
     */
    public List<TreeStats> treeStats()
    {
        try (ReadTxn txn = beginRead())
        {
            final Meta meta = txn.meta();
            return new TreeSurvey(new ReadPages(store, meta)).surveyCatalog(meta.catalogRoot(),
                meta.catalogRootRevision());
        }
    }

    /**
     * Runs one duty cycle of the cleaner on the calling thread: retire unpinned revisions, find the
     * pages no live revision can see, hand them to the writer.
     *
     * @return the amount of work done (0 if there was nothing to do).
     * @throws IllegalStateException if the database runs a background cleaner.
     */
    public synchronized int runCleaner()
    {
        checkOpen();
        if (cleanerInvoker == null)
        {
            throw new IllegalStateException("the database runs a background cleaner; " +
                "open it with DatabaseOptions.builder().backgroundCleaner(false) to run the cleaner by hand");
        }
        return cleanerInvoker.invoke();
    }

    /**
     * @return the writer's free space (writer thread; counters from any thread).
     */
    public FreeSpace freeSpace()
    {
        return freeSpace;
    }

    /**
     * @return the cleaner's page reclaimer.
     */
    public PageReclaimer<Meta> reclaimer()
    {
        return reclaimer;
    }

    /**
     * @return the cleaner.
     */
    public Cleaner<Meta> cleaner()
    {
        return cleaner;
    }

    /**
     * Refuses new transactions, waits for the open write transaction (if any) to end, stops the
     * cleaner and closes the file. A read transaction still open fails with
     * {@link DatabaseClosedException} at its next call. Idempotent.
     *
     * <p>Threads: any thread, any number of times, concurrently. Exactly one call (the first to flip
     * {@link #closed}) does the work; a concurrent call returns only once that work is done, so that whoever
     * sees {@code close()} return may reopen the file. The exception is the thread holding the open write
     * transaction: the closing call is waiting for that transaction to end, so a second close on that thread
     * returns at once instead of waiting for itself.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            if (writerThread != Thread.currentThread())
            {
                awaitClosed();
            }
            return;
        }
        try
        {
            final boolean waited = writerThread != Thread.currentThread();
            if (waited)
            {
                writeGate.acquireUninterruptibly();
            }
            try
            {
                drainHoldingWriteGate(); // commits waiting for their batch get their answer before the file closes
                cleaner.close();
                if (waited)
                {
                    shrinkAtClose();
                }
            }
            finally
            {
                store.close();
                if (waited)
                {
                    writeGate.release(); // let queued beginWrite calls fail with DatabaseClosedException
                }
            }
        }
        finally
        {
            closeDone.countDown();
        }
    }

    /**
     * Truncates the file's free end at close, exactly (down to the higher of the two meta slots' high-water marks),
     * holding the write gate; no new transaction can begin. A failure is logged, not thrown: the data is safe and
     * the file only stays longer.
     */
    private void shrinkAtClose()
    {
        if (store.writesRefused())
        {
            return;
        }
        try
        {
            store.shrinkFile(revisions.head().state().highWater(), true);
        }
        catch (final RuntimeException e)
        {
            System.getLogger(Engine.class.getName()).log(System.Logger.Level.WARNING,
                "could not truncate the free end of " + store.path() + " at close: " + e);
        }
    }

    private void awaitClosed()
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                closeDone.await();
                break;
            }
            catch (final InterruptedException e)
            {
                interrupted = true; // close() is not interruptible, like the write gate it waits for
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
