package dev.cambium;

/**
 * Base of every exception the engine throws. Unchecked: a storage failure is not something a caller
 * can usually recover from at the call site, and the directory server above us maps it to an LDAP result code.
 */
public class CambiumException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a person reading the log.
     */
    public CambiumException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong, for a person reading the log.
     * @param cause   the underlying failure.
     */
    public CambiumException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
