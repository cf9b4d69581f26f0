package dev.cambium.engine.store;

import dev.cambium.CambiumException;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Opens a database file, creating it first if it is missing or empty, so that a crash at any moment of the creation
 * leaves either no database under the file's name or a complete one.
 *
 * <p>A file of 0 bytes can hold no data, so it opens as a new empty database (as with LMDB). Any other file must be
 * a database ({@link MetaSelector} decides). Writing the two initial meta pages into the file in place would leave,
 * after a power loss before the force, a file of partly written pages under the database's name that no open can
 * tell from damage or from someone else's file. So a new database is written under a temporary name in the same
 * directory ({@link #creationPath}), forced with its size, renamed over the database's name (atomic), and the
 * directory forced:
 * <ul>
 *     <li>a crash before the rename leaves the database's name as it was (missing, or 0 bytes): the next open
 *     creates the database again, and takes over the temporary file left behind (truncating it);</li>
 *     <li>a crash after the rename leaves a complete, forced file under the name, or, if the directory force had
 *     not happened, the name as it was (the rename is atomic in the file system's journal).</li>
 * </ul>
 * The caller holds the database's {@link DatabaseLock} (taken before the name is first looked at), so no other
 * opener, in this JVM or another process, can be creating or writing the same database meanwhile. The name is still
 * checked again once the temporary file exists, so that a database another program (one not taking the lock) put
 * under the name meanwhile is opened, not replaced.
 *
 * <p>Threads: called only by the thread opening a database.
 */
public final class DatabaseFile
{
    private DatabaseFile()
    {
    }

    /**
     * An open database file.
     *
     * @param storage     the file (the caller holds its lock).
     * @param createdMeta the revision-0 meta written into both meta pages if this open created the database, else
     *                    null (the caller selects the file's meta).
     */
    public record Opened(Storage storage, Meta createdMeta)
    {
    }

    /**
     * @param file a database file.
     * @return the name a new database is written under before it is renamed to {@code file}: {@code file}'s name
     * with {@code .creating} appended, in the same directory.
     */
    public static Path creationPath(final Path file)
    {
        final Path absolute = file.toAbsolutePath();
        return absolute.resolveSibling(absolute.getFileName() + ".creating");
    }

    /**
     * Opens {@code file}, creating a new database (both meta pages at revision 0, page size {@code pageSize}) if
     * it is missing or empty. The caller must hold the database's {@link DatabaseLock}.
     *
     * @param file      the database file.
     * @param pageSize  the page size of a new database.
     * @param directory the directory operations.
     * @return the open file.
     * @throws dev.cambium.CambiumException if the file is not a regular file, or an I/O operation fails.
     */
    public static Opened open(final Path file, final int pageSize, final StorageDirectory directory)
    {
        return open(file.toAbsolutePath(), pageSize, directory, 3);
    }

    private static Opened open(final Path target, final int pageSize, final StorageDirectory directory,
        final int attempts)
    {
        final Storage existing = directory.openExisting(target);
        if (existing != null && sizeOrClose(existing) > 0)
        {
            return new Opened(existing, null);
        }
        // Missing, or 0 bytes (the database's lock keeps other Cambium openers of the name out meanwhile).
        final Path temporary = creationPath(target);
        Storage created = null;
        try
        {
            created = directory.createEmpty(temporary);
            if (existing == null && directory.exists(target))
            {
                // Another program renamed a new database into place after the name was looked at (the temporary name
                // then named a file of our own): open that database instead of replacing it.
                directory.delete(temporary);
                created.close();
                created = null;
                if (attempts <= 1)
                {
                    throw new CambiumException(target + " keeps appearing while this open creates it; " +
                        "is another program creating it?");
                }
                return open(target, pageSize, directory, attempts - 1);
            }
            // Forced with the size before the name points at it: the name never shows a file shorter than two pages.
            final Meta meta = writeInitialMetas(created, pageSize);
            created = directory.rename(created, target);
            directory.sync(target);
            if (existing != null)
            {
                existing.close(); // the empty file it held is no longer under the name
            }
            return new Opened(created, meta);
        }
        catch (final RuntimeException | Error e)
        {
            closeQuietly(created, e);
            closeQuietly(existing, e);
            throw e;
        }
    }

    /**
     * Writes the revision-0 meta into both meta pages of an empty storage and forces it with metadata (the size).
     *
     * @param storage  an empty file.
     * @param pageSize the new database's page size.
     * @return the meta written.
     */
    static Meta writeInitialMetas(final Storage storage, final int pageSize)
    {
        final Meta meta = Meta.initial(pageSize, System.currentTimeMillis());
        final ByteBuffer page = MetaCodec.encodePage(meta);
        storage.write(page.duplicate(), 0);
        storage.write(page.duplicate(), meta.pageSize());
        storage.force(true);
        return meta;
    }

    private static long sizeOrClose(final Storage storage)
    {
        try
        {
            return storage.size();
        }
        catch (final RuntimeException | Error e)
        {
            closeQuietly(storage, e);
            throw e;
        }
    }

    /** Closes {@code storage} if not null, adding a failure to close to {@code primary}'s suppressed ones. */
    static void closeQuietly(final Storage storage, final Throwable primary)
    {
        if (storage == null)
        {
            return;
        }
        try
        {
            storage.close();
        }
        catch (final RuntimeException e)
        {
            if (primary != null)
            {
                primary.addSuppressed(e);
            }
        }
    }
}
