package dev.cambium;

/**
 * The file's content is inconsistent: a checksum does not match, a page id or length is out of range,
 * or a structure is malformed. The data read so far was not returned; nothing was guessed.
 */
public class CorruptDatabaseException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public CorruptDatabaseException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public CorruptDatabaseException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
