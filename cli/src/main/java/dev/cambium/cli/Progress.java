package dev.cambium.cli;

import java.io.PrintWriter;

/**
 * A one-line progress counter on standard error, rewritten in place, for long commands (dump, load, copy, check):
 * shown only when the JVM runs in a terminal ({@link System#console()} is not null), so that scripts and pipes see
 * nothing but the command's own output.
 *
 * <p>Threads: one thread.
 */
final class Progress implements AutoCloseable
{
    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final String task;
    private final boolean enabled;
    /** The first update is shown at once, so that even a short run in a terminal says what it did. */
    private long last = System.nanoTime() - INTERVAL_NANOS;
    private boolean shown;

    private Progress(final PrintWriter err, final String task, final boolean enabled)
    {
        this.err = err;
        this.task = task;
        this.enabled = enabled;
    }

    /**
     * @param err  standard error.
     * @param task what is counted, e.g. {@code "dump"}.
     * @param show false to stay quiet even in a terminal (e.g. while the output itself goes to the terminal).
     * @return a progress line, silent unless in a terminal.
     */
    static Progress start(final PrintWriter err, final String task, final boolean show)
    {
        return new Progress(err, task, show && System.console() != null);
    }

    /**
     * @param done   how many units are done.
     * @param detail what they are, e.g. {@code "entries"}.
     */
    void update(final long done, final String detail)
    {
        if (!enabled)
        {
            return;
        }
        final long now = System.nanoTime();
        if (now - last >= INTERVAL_NANOS)
        {
            last = now;
            err.print("\r" + task + ": " + done + " " + detail + "\u001B[K");
            err.flush();
            shown = true;
        }
    }

    /**
     * A {@link dev.cambium.ProgressListener} report: {@code "copy: 1200 of 5000 pages (24%)"}.
     *
     * @param done  how many units are done.
     * @param total how many there are.
     * @param unit  what they are, e.g. {@code "pages"}.
     */
    void update(final long done, final long total, final String unit)
    {
        if (enabled)
        {
            update(done, "of " + total + " " + unit + (total > 0 ? " (" + done * 100 / total + "%)" : ""));
        }
    }

    @Override
    public void close()
    {
        if (shown)
        {
            err.print("\r\u001B[K");
            err.flush();
        }
    }
}
