package dev.cambium;

/**
 * A named tree does not exist in the transaction's revision.
 */
public class NoSuchTreeException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public NoSuchTreeException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public NoSuchTreeException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
