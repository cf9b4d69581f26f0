package dev.cambium;

import java.util.List;

/**
 * The database file holds no valid meta page for the revision named by
 * {@link DatabaseOptions.Builder#openRevision(long)}. The message and {@link #availableRevisions()} say which
 * revisions it does hold (at most two: the newest and, usually, the one before it).
 */
public class NoSuchRevisionException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    private final List<Long> availableRevisions;

    /**
     * @param message            what went wrong, for a person reading the log.
     * @param availableRevisions the revisions the file holds a valid meta page for, newest first.
     */
    public NoSuchRevisionException(final String message, final List<Long> availableRevisions)
    {
        super(message);
        this.availableRevisions = List.copyOf(availableRevisions);
    }

    /**
     * @return the revisions the file holds a valid meta page for, newest first; empty if it holds none (an
     * empty or missing file).
     */
    public List<Long> availableRevisions()
    {
        return availableRevisions;
    }
}
