package dev.cambium.engine;

import dev.cambium.ProgressListener;

import java.util.Objects;

/**
 * Keeps the promises of {@link ProgressListener} for one operation: the first report is {@code 0}, {@code done} never
 * decreases nor passes {@code total}, no report repeats the one before it, and {@link #finish()} reports
 * {@code total}.
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
        listener.progress(0, this.total);
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
            listener.progress(d, total);
        }
    }

    /**
     * Reports the work complete.
     */
    public void finish()
    {
        advance(total);
    }
}
