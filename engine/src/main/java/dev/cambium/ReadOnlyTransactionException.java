package dev.cambium;

/**
 * A write was attempted through a read transaction, or through a tree or cursor obtained from one.
 */
public class ReadOnlyTransactionException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public ReadOnlyTransactionException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public ReadOnlyTransactionException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
