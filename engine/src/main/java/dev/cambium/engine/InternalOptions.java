package dev.cambium.engine;

import dev.cambium.DatabaseOptions;

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
    }

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
