package dev.cambium.failpoint;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * What an armed {@link Failpoint} does when hit: throw, halt the JVM, or delay the thread that hit it, either for
 * a fixed time or until a test releases it ({@link Hold}). Tests should synchronise with a {@link Hold}, not with
 * {@link #delay(Duration)}, which exists to widen race windows in exploratory runs.
 *
 * <p>Instances are immutable, except {@link Hold}'s latches; one action may arm several points.
 */
public abstract class Action
{
    Action()
    {
    }

    /**
     * Performs the action on the thread that hit {@code at}.
     *
     * @param at the failpoint.
     */
    abstract void perform(Failpoint at);

    /**
     * @return an action that throws {@link InjectedFailureException} naming the point.
     */
    public static Action throwing()
    {
        return new Action()
        {
            @Override
            void perform(final Failpoint at)
            {
                throw new InjectedFailureException(at);
            }

            @Override
            public String toString()
            {
                return "THROW";
            }
        };
    }

    /**
     * An action that ends the JVM at once with {@link Runtime#halt(int)}: no shutdown hooks, no finally blocks, no
     * further I/O of this process; what the process wrote before stays in the operating system's page cache, as
     * after {@code kill -9}. Standard output and error are flushed first so a parent process sees the child's last
     * words.
     *
     * @param status the exit status.
     * @return the action.
     */
    public static Action halt(final int status)
    {
        return new Action()
        {
            @Override
            void perform(final Failpoint at)
            {
                System.out.println("failpoint " + at.name() + ": halting with status " + status);
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(status);
            }

            @Override
            public String toString()
            {
                return "HALT(" + status + ")";
            }
        };
    }

    /**
     * @param duration how long the thread that hits the point waits (uninterruptibly) before carrying on.
     * @return the action.
     */
    public static Action delay(final Duration duration)
    {
        final long nanos = Objects.requireNonNull(duration, "duration").toNanos();
        if (nanos < 0)
        {
            throw new IllegalArgumentException("negative delay " + duration);
        }
        return new Action()
        {
            @Override
            void perform(final Failpoint at)
            {
                final long deadline = System.nanoTime() + nanos;
                long left;
                while ((left = deadline - System.nanoTime()) > 0)
                {
                    LockSupport.parkNanos(this, left);
                }
            }

            @Override
            public String toString()
            {
                return "DELAY(" + duration + ")";
            }
        };
    }

    /**
     * @return a delay that holds each thread reaching the point until {@link Hold#release()} (for at most
     * {@link Hold#DEFAULT_LIMIT}).
     */
    public static Hold hold()
    {
        return new Hold(Hold.DEFAULT_LIMIT);
    }
}
