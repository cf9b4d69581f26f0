package dev.cambium.engine.store;

/**
 * A database file's {@link Storage} together with the {@link DatabaseLock} that gives it the right to write: closing
 * it closes the file, then releases the lock, so the lock is held exactly as long as the file is open for writing,
 * whatever closes it (a normal close, or a failed open). Every other call is the file's own. Threads: as
 * {@link Storage}.
 */
final class LockedStorage extends ForwardingStorage
{
    private final DatabaseLock lock;

    /**
     * @param file the database file, opened while {@code lock} was held.
     * @param lock the lock, released by {@link #close}.
     */
    LockedStorage(final Storage file, final DatabaseLock lock)
    {
        super(file);
        this.lock = lock;
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
            delegate.close();
        }
        finally
        {
            lock.close();
        }
    }

    @Override
    public String toString()
    {
        return delegate + " (" + lock + ")";
    }
}
