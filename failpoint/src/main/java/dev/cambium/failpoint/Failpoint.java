package dev.cambium.failpoint;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named place in the engine where a test can inject a failure: throw an exception, halt the JVM or
 * delay the thread that reaches it (see {@link Action}).
 *
 * <h2>Free when off</h2>
 * {@link #ENABLED} is a {@code static final boolean} read once, when this class is initialised, from the system
 * property {@value #PROPERTY}. Only test configurations set it (the engine's surefire {@code argLine}, and the
 * child JVMs of the halt tests). {@link #hit()} is a tiny method whose body is {@code if (ENABLED) fire()}: the JIT
 * inlines it and folds the constant, so in production a failpoint compiles to nothing. Arming a point while
 * failpoints are disabled throws {@link IllegalStateException}, so a misconfigured test fails instead of
 * silently passing without its fault.
 *
 * <h2>Where the points are</h2>
 * The commit points are hit by the writer thread inside {@code WriteTxn.commit()}, in this order (the step numbers
 * are those of docs/design.md, section 3); the two force pairs are hit only under {@code Durability.SYNC}, where
 * the forces happen:
 * <ol>
 *     <li>{@link #BEFORE_DATA_WRITE}: before step 5 (file growth), so before any byte of the commit is written;</li>
 *     <li>{@link #AFTER_DATA_WRITE}: after step 6 (all new pages written);</li>
 *     <li>{@link #BEFORE_DATA_FORCE}, {@link #AFTER_DATA_FORCE}: around step 7;</li>
 *     <li>{@link #BEFORE_META_WRITE}: after step 7, before step 8 (nothing points at the new pages yet);</li>
 *     <li>{@link #AFTER_META_WRITE}: after step 8 (the new meta reached the operating system);</li>
 *     <li>{@link #BEFORE_META_FORCE}, {@link #AFTER_META_FORCE}: around step 9;</li>
 *     <li>{@link #AFTER_PUBLISH}: after steps 11 and 12 (the revision is visible to readers and the writer's free
 *     space follows it), before the optional strict-mode check;</li>
 *     <li>{@link #BEFORE_TRUNCATE}, {@link #AFTER_TRUNCATE}: around the truncation of step 14, when the commit gives
 *     the file's free end back (also hit by a truncation at close).</li>
 * </ol>
 * {@link #CLEANER_HANDOFF} is hit by the cleaner thread in {@code PageReclaimer.release()}, once for each group of
 * reclaimed pages it is about to pass to the writer, just before the group enters the hand-off queue.
 * {@link #BACKUP_PAGES} and {@link #BACKUP_BEFORE_RENAME} are hit by the thread running {@code Database.backup}: once
 * per chunk of pages (or, for a compact backup, of entries) written to the temporary file, and once after that file
 * was forced, before it is renamed to the target name.
 *
 * <h2>Threads</h2>
 * {@link #arm}, {@link #disarm}, {@link #disarmAll} and {@link #hits()} may be called from any thread (a test's);
 * {@link #hit()} is called by whichever thread runs the code at the point. The arming is published through a
 * volatile field, so an {@code arm} happens-before every hit that observes it.
 */
public enum Failpoint
{
    /** Writer, before the commit writes anything (before growing the file). */
    BEFORE_DATA_WRITE,
    /** Writer, after the commit's new pages were written, before they are forced. */
    AFTER_DATA_WRITE,
    /** Writer, SYNC only, before forcing the new pages. */
    BEFORE_DATA_FORCE,
    /** Writer, SYNC only, after the new pages were forced, before the meta page is written. */
    AFTER_DATA_FORCE,
    /** Writer, before the meta page is written; the last point at which the file holds no trace of the commit. */
    BEFORE_META_WRITE,
    /** Writer, after the meta page was written (not yet forced). */
    AFTER_META_WRITE,
    /** Writer, SYNC only, before forcing the meta page. */
    BEFORE_META_FORCE,
    /** Writer, SYNC only, after the meta page was forced, before the revision is published. */
    AFTER_META_FORCE,
    /** Writer, after the revision was published to readers and the writer's free space updated. */
    AFTER_PUBLISH,
    /** Writer, after publication, before the file's free end is truncated (only when it is). */
    BEFORE_TRUNCATE,
    /** Writer, after the file's free end was truncated. */
    AFTER_TRUNCATE,
    /** Cleaner thread, about to pass one group of reclaimed pages to the writer. */
    CLEANER_HANDOFF,
    /** Backup thread, before writing each chunk of pages (compact: of entries) to the temporary file. */
    BACKUP_PAGES,
    /** Backup thread, after the temporary file was forced, before it is renamed to the target name. */
    BACKUP_BEFORE_RENAME;

    /** The system property that enables failpoints ({@code true}); read once. */
    public static final String PROPERTY = "cambium.failpoints";

    /** Whether failpoints are enabled in this JVM; a constant, so disabled checks compile away. */
    public static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

    /** What an armed point does, on which of its hits. Immutable apart from the hit counter. */
    private static final class Arming
    {
        final Action action;
        final long skip;
        final long times;
        final AtomicLong seen = new AtomicLong();

        Arming(final Action action, final long skip, final long times)
        {
            this.action = action;
            this.skip = skip;
            this.times = times;
        }

        boolean fires()
        {
            final long n = seen.getAndIncrement();
            return n >= skip && n - skip < times;
        }
    }

    private volatile Arming arming;
    private final AtomicLong hits = new AtomicLong();

    /**
     * Marks that the running thread reached this point, and performs the armed action if there is one. Called only
     * by engine code at the point. When failpoints are disabled this does nothing and is compiled away.
     *
     * @throws InjectedFailureException if armed with {@link Action#throwing()}.
     */
    public void hit()
    {
        if (ENABLED)
        {
            fire();
        }
    }

    private void fire()
    {
        hits.incrementAndGet();
        final Arming a = arming;
        if (a != null && a.fires())
        {
            a.action.perform(this);
        }
    }

    /**
     * Arms this point: every hit from now on performs {@code action}, until {@link #disarm()}.
     *
     * @param action what to do.
     * @throws IllegalStateException if failpoints are disabled in this JVM.
     */
    public void arm(final Action action)
    {
        arm(action, 0, Long.MAX_VALUE);
    }

    /**
     * Arms this point: the hits after the first {@code skipHits} (counted from now), at most {@code times} of them,
     * perform {@code action}; other hits pass. Replaces any previous arming.
     *
     * @param action   what to do.
     * @param skipHits hits to let through first.
     * @param times    how many hits perform the action (at least 1).
     * @throws IllegalStateException    if failpoints are disabled in this JVM.
     * @throws IllegalArgumentException if {@code skipHits < 0} or {@code times < 1}.
     */
    public void arm(final Action action, final long skipHits, final long times)
    {
        Objects.requireNonNull(action, "action");
        if (!ENABLED)
        {
            throw new IllegalStateException("cannot arm failpoint " + name() + ": failpoints are disabled; start the " +
                "JVM with -D" + PROPERTY + "=true (test configurations only)");
        }
        if (skipHits < 0 || times < 1)
        {
            throw new IllegalArgumentException("skipHits must be >= 0 and times >= 1: " + skipHits + ", " + times);
        }
        arming = new Arming(action, skipHits, times);
    }

    /**
     * Disarms this point; later hits pass. A thread already held by a {@link Hold} stays held until the hold is
     * released. Idempotent; allowed when disabled.
     */
    public void disarm()
    {
        arming = null;
    }

    /**
     * Disarms every point (test teardown).
     */
    public static void disarmAll()
    {
        for (final Failpoint f : values())
        {
            f.disarm();
        }
    }

    /**
     * @return how many times this point was reached since the JVM started, armed or not; always 0 when failpoints
     * are disabled.
     */
    public long hits()
    {
        return hits.get();
    }
}
