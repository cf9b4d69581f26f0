package dev.cambium.engine.store;

import dev.cambium.StorageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@link StorageDirectory} on the real file system, with {@link FileStorage} files. The rename is
 * {@code rename(2)} ({@link StandardCopyOption#ATOMIC_MOVE}), which replaces the target atomically on POSIX file
 * systems; the directory force is an {@code fsync} of the directory (Linux and macOS). Stateless.
 */
final class LocalDirectory implements StorageDirectory
{
    static final LocalDirectory INSTANCE = new LocalDirectory();

    private LocalDirectory()
    {
    }

    @Override
    public Storage openExisting(final Path file)
    {
        return FileStorage.openExisting(file);
    }

    @Override
    public Storage createEmpty(final Path file)
    {
        return FileStorage.createEmpty(file);
    }

    @Override
    public boolean exists(final Path file)
    {
        return Files.exists(file);
    }

    @Override
    public Storage rename(final Storage storage, final Path to)
    {
        final FileStorage file = (FileStorage)storage;
        try
        {
            Files.move(file.path(), to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot rename " + file.path() + " to " + to + ": " + e, e);
        }
        return file.renamed(to);
    }

    @Override
    public void delete(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot delete " + file + ": " + e, e);
        }
    }

    @Override
    public void sync(final Path file)
    {
        FileStorage.syncParentDirectory(file);
    }
}
