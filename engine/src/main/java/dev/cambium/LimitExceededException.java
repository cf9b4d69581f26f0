package dev.cambium;

/**
 * An argument is beyond a documented limit (key length, value length, tree name length); the message names the limit.
 */
public class LimitExceededException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public LimitExceededException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public LimitExceededException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
