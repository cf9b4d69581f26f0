package dev.cambium;

/**
 * The transaction (or a tree or cursor obtained from it) was used after commit, rollback or close.
 */
public class TransactionClosedException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public TransactionClosedException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public TransactionClosedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
