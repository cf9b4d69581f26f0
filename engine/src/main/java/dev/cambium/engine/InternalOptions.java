package dev.cambium.engine;

import dev.cambium.DatabaseOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link DatabaseOptions} that are not API: the engine reads them, the project's own measurements (jmh,
 * on the class path) set them, and applications cannot reach them, because this package is not exported by the
 * module {@code dev.cambium}. {@link DatabaseOptions} hands this class an {@link Access} to its private state when it
 * is initialised (the way the JDK reaches into its own classes from other packages).
 *
 * <p>{@code oldestReaderReuse}: reuse obsolete pages only once every live revision is newer than the commit that
 * made them obsolete (LMDB's "oldest reader" rule) instead of the engine's visibility-interval rule, which is never
 * worse. It exists to measure what the interval rule buys (jmh's {@code FileGrowth}, variant {@code c-oldest}: with a
 * long-lived reader the file then grows with every update), not for use.
 *
 * <p>{@code cleanerWait}: how long a writer that would grow the file waits, at most once per transaction, for the
 * background cleaner to hand over the pages the published revisions made reusable (docs/design.md section 6,
 * "Waiting for the cleaner instead of growing"). {@link #DEFAULT_CLEANER_WAIT} by default; zero never waits. Tests
 * set it long, to hold the writer in the wait deterministically.
 */
public final class InternalOptions
{
    /**
     * What {@link DatabaseOptions} lets this class read and set.
     */
    public interface Access
    {
        /**
         * @param options the options.
         * @return whether the oldest-reader reuse rule is set.
         */
        boolean oldestReaderReuse(DatabaseOptions options);

        /**
         * @param builder      the builder.
         * @param oldestReader true for the oldest-reader rule.
         */
        void oldestReaderReuse(DatabaseOptions.Builder builder, boolean oldestReader);

        /**
         * @param options the options.
         * @return the cleaner wait.
         */
        Duration cleanerWait(DatabaseOptions options);

        /**
         * @param builder the builder.
         * @param wait    the cleaner wait, zero or positive.
         */
        void cleanerWait(DatabaseOptions.Builder builder, Duration wait);
    }

    /** The default {@code cleanerWait}: longer than the cleaner's work for one large commit, short beside a force. */
    public static final Duration DEFAULT_CLEANER_WAIT = Duration.ofMillis(10);

    private static volatile Access access;

    private InternalOptions()
    {
    }

    /**
     * Called once, by {@link DatabaseOptions}' static initialiser.
     *
     * @param a the access.
     * @throws IllegalStateException if an access was installed already.
     */
    public static void install(final Access a)
    {
        if (access != null)
        {
            throw new IllegalStateException("InternalOptions access installed twice");
        }
        access = Objects.requireNonNull(a, "access");
    }

    /**
     * @param options the options.
     * @return true if obsolete pages are reused by the oldest-reader rule instead of the interval rule.
     */
    public static boolean oldestReaderReuse(final DatabaseOptions options)
    {
        return access().oldestReaderReuse(Objects.requireNonNull(options, "options"));
    }

    /**
     * Sets the reuse rule (see the class comment); default false, the interval rule.
     *
     * @param builder      the builder.
     * @param oldestReader true for the oldest-reader rule.
     * @return {@code builder}.
     */
    public static DatabaseOptions.Builder oldestReaderReuse(final DatabaseOptions.Builder builder,
        final boolean oldestReader)
    {
        access().oldestReaderReuse(Objects.requireNonNull(builder, "builder"), oldestReader);
        return builder;
    }

    /**
     * @param options the options.
     * @return how long a writer that would grow the file waits for the cleaner, at most once per transaction.
     */
    public static Duration cleanerWait(final DatabaseOptions options)
    {
        return access().cleanerWait(Objects.requireNonNull(options, "options"));
    }

    /**
     * Sets the cleaner wait (see the class comment).
     *
     * @param builder the builder.
     * @param wait    zero (never wait) or positive.
     * @return {@code builder}.
     * @throws IllegalArgumentException if {@code wait} is negative.
     */
    public static DatabaseOptions.Builder cleanerWait(final DatabaseOptions.Builder builder, final Duration wait)
    {
        if (Objects.requireNonNull(wait, "wait").isNegative())
        {
            throw new IllegalArgumentException("cleaner wait must not be negative: " + wait);
        }
        access().cleanerWait(Objects.requireNonNull(builder, "builder"), wait);
        return builder;
    }

    private static Access access()
    {
        // Anyone holding a DatabaseOptions or a Builder got it from DatabaseOptions, which is therefore initialised.
        final Access a = access;
        if (a == null)
        {
            throw new IllegalStateException("DatabaseOptions is not initialised");
        }
        return a;
    }
}
