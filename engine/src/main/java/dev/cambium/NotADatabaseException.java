package dev.cambium;

/**
 * The file (or directory) at the given path is not a Cambium database: no valid meta page, wrong magic, an
 * unsupported format version, or not a regular file.
 */
public class NotADatabaseException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public NotADatabaseException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public NotADatabaseException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
