package dev.cambium;

/**
 * Told how far a long operation ({@link Database#backup(java.nio.file.Path, boolean, ProgressListener)},
 * {@link Database#check(ProgressListener)}) has got, e.g. to draw a progress bar or to give up.
 *
 * <p>Calls: on the thread that called the operation, synchronously, never concurrently. The first call reports
 * {@code done == 0}, then one call follows each step of the work (a step is a few hundred pages or a few thousand
 * entries, so a call comes every few milliseconds on a fast disk; the operation names its unit), and when the
 * operation succeeds the last call reports {@code done == total}. Across the calls of one operation {@code total}
 * is the same and {@code done} never decreases, {@code 0 <= done <= total}. An operation that fails stops calling.
 *
 * <p>The listener should return quickly: the operation waits for it (a long-running one delays the work, and a
 * {@link Database#check(ProgressListener) check} keeps writers out meanwhile). An exception it throws ends the
 * operation, which cleans up as for any failure and rethrows it: that is how to cancel.
 */
@FunctionalInterface
public interface ProgressListener
{
    /** A listener that ignores every report. */
    ProgressListener NONE = (done, total) ->
    {
    };

    /**
     * Reports progress.
     *
     * @param done  units of work done so far.
     * @param total units of work in all.
     */
    void progress(long done, long total);
}
