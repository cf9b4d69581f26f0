package dev.cambium.engine.store;

import dev.cambium.DatabaseOptions;
import dev.cambium.NoSuchRevisionException;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Opening a {@link PageStore}: the file lock, the creation of a new file or the choice of an existing file's meta (the
 * newest valid one, or the one {@link DatabaseOptions#openRevision()} names), and the release of the lock and the file
 * when the open fails. Stateless; called once per open, by the opening thread, before any other thread sees the
 * store. The public entry points and their contracts are {@link PageStore#open(Path, DatabaseOptions)} and its
 * overloads.
 */
final class PageStoreOpener
{
    private PageStoreOpener()
    {
    }

    /** See {@link PageStore#open(Path, DatabaseOptions, StorageDirectory)}. */
    static PageStore open(final Path file, final DatabaseOptions options, final StorageDirectory directory)
    {
        // Taken before the file is created or opened for writing, and released when the storage closes.
        final DatabaseLock lock = DatabaseLock.acquire(file);
        final Storage storage;
        final Meta createdMeta;
        try
        {
            if (options.openRevision().isPresent())
            {
                // Recovery of a named revision never creates the file; an empty one is refused by open(Storage).
                final Storage existing = directory.openExisting(file.toAbsolutePath());
                if (existing == null)
                {
                    throw new NoSuchRevisionException(file + " is missing: it holds no revisions, so not revision " +
                        options.openRevision().getAsLong(), List.of());
                }
                storage = new LockedStorage(existing, lock);
                createdMeta = null;
            }
            else
            {
                final DatabaseFile.Opened opened = DatabaseFile.open(file, options.pageSize(), directory);
                storage = new LockedStorage(opened.storage(), lock);
                createdMeta = opened.createdMeta();
            }
        }
        catch (final RuntimeException | Error e)
        {
            releaseQuietly(lock, e);
            throw e;
        }
        try
        {
            return createdMeta != null
                ? new PageStore(storage, options, createdMeta, true, null)
                : open(storage, options);
        }
        catch (final RuntimeException | Error e)
        {
            DatabaseFile.closeQuietly(storage, e);
            throw e;
        }
    }

    private static void releaseQuietly(final DatabaseLock lock, final Throwable primary)
    {
        try
        {
            lock.close();
        }
        catch (final RuntimeException e)
        {
            primary.addSuppressed(e);
        }
    }

    /** See {@link PageStore#open(Storage, DatabaseOptions)}. */
    static PageStore open(final Storage storage, final DatabaseOptions options)
    {
        final OptionalLong revision = options.openRevision();
        if (storage.size() == 0)
        {
            if (revision.isPresent())
            {
                throw new NoSuchRevisionException(storage.path() + " is empty: it holds no revisions, so not " +
                    "revision " + revision.getAsLong(), List.of());
            }
            return new PageStore(storage, options, DatabaseFile.writeInitialMetas(storage, options.pageSize()), true,
                null);
        }
        final MetaSelector.Selection selection = revision.isPresent()
            ? MetaSelector.select(storage, revision.getAsLong())
            : MetaSelector.select(storage);
        return new PageStore(storage, options, selection.meta(), false, selection);
    }
}
