package dev.cambium.fuzz;

import java.lang.management.ManagementFactory;

/** Heap allocated by the current thread (HotSpot's per-thread counter), to catch unbounded allocations. */
final class Allocation
{
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean)ManagementFactory
        .getThreadMXBean();

    private Allocation()
    {
    }

    static long current()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code op} and throws an AssertionError (a fuzzing finding) if it allocated more than {@code limit}
     * bytes twice in a row: the first run of an operation in a JVM also pays for class loading and (when
     * fuzzing) bytecode instrumentation on this thread, so an excess is confirmed by a second run.
     */
    static void bounded(final Runnable op, final long limit, final String what)
    {
        long before = current();
        op.run();
        if (current() - before <= limit)
        {
            return;
        }
        before = current();
        op.run();
        requireBelow(before, limit, what);
    }

    /** Throws an AssertionError (a fuzzing finding) if more than {@code limit} bytes were allocated since {@code before}. */
    static void requireBelow(final long before, final long limit, final String what)
    {
        final long allocated = current() - before;
        if (allocated > limit)
        {
            throw new AssertionError(what + " allocated " + allocated + " bytes (limit " + limit +
                "): a length read from the page or file is trusted before it is validated");
        }
    }
}
