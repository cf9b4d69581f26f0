package dev.cambium;

/**
 * The database was closed: no new transaction can begin, and every call on a transaction, tree or cursor
 * still open (other than closing it) throws this.
 */
public class DatabaseClosedException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public DatabaseClosedException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public DatabaseClosedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
