package dev.cambium;

/**
 * {@code createTree} was called for a name that already exists.
 */
public class TreeExistsException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public TreeExistsException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public TreeExistsException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
