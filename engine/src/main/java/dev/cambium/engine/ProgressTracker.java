package dev.cambium.engine;

import dev.cambium.ProgressListener;

import java.util.Objects;

/**
 * Keeps the promises of {@link ProgressListener} for one operation: the first report is {@code 0}, {@code done} never
 * decreases nor passes {@code total}, no report repeats the one before it, and {@link #finish()} reports
 * {@code total}. What the listener throws reaches the operation's caller unchanged: it travels through the operation
 * wrapped in a {@link ListenerException}, which no {@code catch} of the engine's own failures (a check records those
 * as problems) mistakes for one, and the operation's entry point {@link ListenerException#unwrap() unwraps} it.
 *
 * <p>Threads: the thread running the operation.
 */
public final class ProgressTracker
{
    private final ProgressListener listener;
    private final long total;
    private long reported;

    /**
     * Reports {@code 0} of {@code total}.
     *
     * @param listener told of progress.
     * @param total    units of work in all, {@code >= 0}.
     */
    public ProgressTracker(final ProgressListener listener, final long total)
    {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.total = Math.max(0, total);
        report(0);
    }

    /**
     * @param done units done so far; clamped to what was reported before and to the total.
     */
    public void advance(final long done)
    {
        final long d = Math.min(Math.max(done, reported), total);
        if (d != reported)
        {
            reported = d;
            report(d);
        }
    }

    /**
     * Reports the work complete.
     */
    public void finish()
    {
        advance(total);
    }

    private void report(final long done)
    {
        try
        {
            listener.progress(done, total);
        }
        catch (final RuntimeException e)
        {
            throw new ListenerException(e);
        }
    }

    /**
     * A {@link ProgressListener}'s exception on its way out of the operation it ended.
     */
    public static final class ListenerException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private ListenerException(final RuntimeException cause)
        {
            super(cause.toString(), cause, false, false);
        }

        /**
         * @return the listener's exception, to be rethrown to the operation's caller.
         */
        public RuntimeException unwrap()
        {
            return (RuntimeException)getCause();
        }
    }
}
