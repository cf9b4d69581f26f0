package dev.cambium;

/**
 * An I/O operation on the database file failed. If a force (fsync) failed, the database refuses further
 * writes until it is reopened, because the kernel may already have dropped the unsynced pages; likewise if a
 * commit failed once it had started writing its meta page, because the file may then hold a revision the
 * process does not know. Read transactions keep working in both cases.
 */
public class StorageException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public StorageException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public StorageException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
