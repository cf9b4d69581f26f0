package dev.cambium.engine.store;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A database file's {@link Storage} together with the {@link DatabaseLock} that gives it the right to write: closing
 * it closes the file, then releases the lock, so the lock is held exactly as long as the file is open for writing,
 * whatever closes it (a normal close, or a failed open). Every other call is the file's own. Threads: as
 * {@link Storage}.
 */
final class LockedStorage implements Storage
{
    private final Storage file;
    private final DatabaseLock lock;

    /**
     * @param file the database file, opened while {@code lock} was held.
     * @param lock the lock, released by {@link #close}.
     */
    LockedStorage(final Storage file, final DatabaseLock lock)
    {
        this.file = file;
        this.lock = lock;
    }

    @Override
    public Path path()
    {
        return file.path();
    }

    @Override
    public long size()
    {
        return file.size();
    }

    @Override
    public void write(final ByteBuffer src, final long position)
    {
        file.write(src, position);
    }

    @Override
    public void read(final ByteBuffer dst, final long position)
    {
        file.read(dst, position);
    }

    @Override
    public void force(final boolean metadata)
    {
        file.force(metadata);
    }

    @Override
    public void truncate(final long size)
    {
        file.truncate(size);
    }

    @Override
    public MappedByteBuffer mapReadOnly(final long position, final long length)
    {
        return file.mapReadOnly(position, length);
    }

    /**
     * Closes the file, then releases the lock, even if closing the file failed: the file is as closed as it will
     * get, and a lock kept would refuse every later open in this JVM.
     */
    @Override
    public void close()
    {
        try
        {
            file.close();
        }
        finally
        {
            lock.close();
        }
    }

    @Override
    public String toString()
    {
        return file + " (" + lock + ")";
    }
}
