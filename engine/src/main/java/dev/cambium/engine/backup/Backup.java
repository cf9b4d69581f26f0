package dev.cambium.engine.backup;

import dev.cambium.Cursor;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ProgressListener;
import dev.cambium.StorageException;
import dev.cambium.Tree;
import dev.cambium.engine.Engine;
import dev.cambium.engine.ProgressTracker;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.MetaCodec;
import dev.cambium.engine.store.PageStore;
import dev.cambium.engine.txn.ReadTxn;
import dev.cambium.engine.txn.WriteTxn;
import dev.cambium.failpoint.Failpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hot backup: a consistent copy of one revision, taken from a read transaction while writers go on; see
 * {@link dev.cambium.Database#backup(Path, boolean)} and docs/design.md ("Hot backup").
 *
 * <p>The copy is written to a temporary file next to the target (a dot, the target's name, {@code .backup-}, the
 * process id, a sequence number and {@code .tmp}), forced with its metadata, renamed to the target name
 * (atomically) and then the directory is forced, so the target name never names a partial copy: after a crash there
 * is either no file under it or the whole copy. A crash leaves the temporary file behind, for the operator to
 * delete; nothing opens it.
 *
 * <p>Threads: the calling thread; any number of backups may run beside the writer and the readers.
 */
public final class Backup
{
    /** Pages per read and write of a full backup. */
    private static final int CHUNK_PAGES = 256;
    /** Entries and bytes per transaction of a compact backup, so that a transaction's private pages stay bounded. */
    private static final int BATCH_ENTRIES = 50_000;
    private static final long BATCH_BYTES = 32L << 20;
    /** Entries between two progress reports of a compact backup. */
    private static final int PROGRESS_ENTRIES = 4096;
    /** Distinguishes the temporary files of backups running at once in this process. */
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Engine engine;

    /**
     * @param engine the open database.
     */
    public Backup(final Engine engine)
    {
        this.engine = engine;
    }

    /**
     * Writes the copy.
     *
     * @param target  the file to create; must not exist.
     * @param compact false for a page-for-page copy that opens at the same revision; true to write only the live
     *                data into a new file, as {@code mdb_copy -c} does.
     * @param listener told of progress, in pages (full) or entries (compact).
     * @return the revision copied.
     * @throws StorageException if the target exists or a file operation fails (the temporary file is removed).
     */
    public long run(final Path target, final boolean compact, final ProgressListener listener)
    {
        final Path absolute = target.toAbsolutePath();
        final Path directory = absolute.getParent();
        if (Files.exists(absolute))
        {
            throw new StorageException("backup target " + absolute + " exists; a backup never replaces a file");
        }
        final Path temp = directory.resolve("." + absolute.getFileName() + ".backup-" + ProcessHandle.current().pid() +
            "-" + SEQUENCE.incrementAndGet() + ".tmp");
        try (ReadTxn txn = engine.beginRead())
        {
            // a leftover of a crashed process that had this process id: never a file anyone uses
            Files.deleteIfExists(temp);
            if (compact)
            {
                copyEntries(txn, temp, listener);
            }
            else
            {
                copyPages(txn.meta(), temp, listener);
            }
            Failpoint.BACKUP_BEFORE_RENAME.hit();
            move(temp, absolute);
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
            {
                dir.force(true); // the rename is durable
            }
            return txn.revision();
        }
        catch (final IOException e)
        {
            deleteQuietly(temp, e);
            throw new StorageException("backup of " + engine.store().path() + " to " + absolute + " failed: " + e, e);
        }
        catch (final RuntimeException | Error e)
        {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /**
     * Every page below the revision's high-water mark, as it is in the file, and the revision's meta in both meta
     * slots. The pages the revision can see do not change while the read transaction pins it; the others may be
     * rewritten by the writer meanwhile, so their copies may be torn, but in the copy they are exactly the pages
     * the revision's free-space map lists as unused: nothing reads them before they are rewritten.
     */
    private void copyPages(final Meta meta, final Path temp, final ProgressListener listener) throws IOException
    {
        final ProgressTracker progress = new ProgressTracker(listener, meta.highWater());
        final PageStore store = engine.store();
        final int pageSize = store.pageSize();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final ByteBuffer metaPage = MetaCodec.encodePage(meta);
            writeFully(out, metaPage.duplicate(), 0);
            writeFully(out, metaPage.duplicate(), pageSize);
            final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_PAGES * pageSize);
            for (long page = Meta.FIRST_DATA_PAGE; page < meta.highWater(); page += CHUNK_PAGES)
            {
                Failpoint.BACKUP_PAGES.hit();
                final int pages = (int)Math.min(CHUNK_PAGES, meta.highWater() - page);
                chunk.clear().limit(pages * pageSize);
                store.readPages(page, chunk);
                chunk.flip();
                writeFully(out, chunk, page * pageSize);
                progress.advance(page + pages);
            }
            out.force(true);
        }
        progress.finish();
    }

    /**
     * Every entry of every tree, in key order, into a new database: only live pages, numbered from the start of
     * the file, nearly full (appending in key order splits only at the right edge).
     */
    private void copyEntries(final ReadTxn source, final Path temp, final ProgressListener listener) throws IOException
    {
        long entries = 0;
        for (final String name : source.treeNames())
        {
            entries += source.tree(name).size(); // O(1): counted trees
        }
        final ProgressTracker progress = new ProgressTracker(listener, entries);
        long copied = 0;
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(engine.store().pageSize())
            .durability(Durability.NO_SYNC) // forced once at the end, before the rename
            // Reclaimed inline after each commit (the copy has no readers): the next transaction reuses every page
            // the previous one replaced, so the copy's size does not depend on a background thread's timing.
            .backgroundCleaner(false)
            .build();
        try (Engine copy = Engine.open(temp, options))
        {
            for (final String name : source.treeNames())
            {
                try (Cursor c = source.tree(name).cursor())
                {
                    boolean more = c.first();
                    boolean created = false;
                    while (more || !created)
                    {
                        Failpoint.BACKUP_PAGES.hit();
                        try (WriteTxn txn = copy.beginWrite())
                        {
                            final Tree t = txn.openOrCreateTree(name);
                            created = true;
                            long bytes = 0;
                            for (int n = 0; more && n < BATCH_ENTRIES && bytes < BATCH_BYTES; n++)
                            {
                                final byte[] key = c.key();
                                final byte[] value = c.value();
                                t.put(key, value);
                                bytes += key.length + value.length;
                                more = c.next();
                                if (++copied % PROGRESS_ENTRIES == 0)
                                {
                                    progress.advance(copied);
                                }
                            }
                            txn.commit();
                            progress.advance(copied);
                        }
                        copy.runCleaner();
                    }
                }
            }
        }
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE))
        {
            out.force(true);
        }
        progress.finish();
    }

    private static void writeFully(final FileChannel out, final ByteBuffer src, final long position) throws IOException
    {
        long at = position;
        while (src.hasRemaining())
        {
            at += out.write(src, at);
        }
    }

    private static void move(final Path temp, final Path target) throws IOException
    {
        if (Files.exists(target))
        {
            throw new FileAlreadyExistsException(target.toString(), null, "created while the backup ran");
        }
        try
        {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            throw new IOException("cannot rename " + temp + " to " + target + " atomically", e);
        }
    }

    private static void deleteQuietly(final Path temp, final Throwable failure)
    {
        try
        {
            Files.deleteIfExists(temp);
        }
        catch (final IOException e)
        {
            failure.addSuppressed(e);
        }
    }
}
