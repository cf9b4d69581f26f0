package dev.cambium.failpoint;

/**
 * The exception a failpoint armed with {@link Action#throwing()} throws: a stand-in for any unexpected failure at
 * that point of the code. Unchecked, and deliberately not a {@code CambiumException}, so a test can tell the
 * injected failure from the engine's own reaction to it.
 */
public final class InjectedFailureException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final Failpoint failpoint;

    /**
     * @param failpoint where it was thrown.
     */
    public InjectedFailureException(final Failpoint failpoint)
    {
        super("injected failure at failpoint " + failpoint.name());
        this.failpoint = failpoint;
    }

    /**
     * @param failpoint where it was thrown.
     * @param message   what happened.
     */
    InjectedFailureException(final Failpoint failpoint, final String message)
    {
        super(message);
        this.failpoint = failpoint;
    }

    /**
     * @return the failpoint that threw it.
     */
    public Failpoint failpoint()
    {
        return failpoint;
    }
}
