package dev.cambium.failpoint;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A delay controlled by a test: a thread that hits the armed point signals {@link #awaitReached} and then waits
 * until {@link #release()}. Once released, later hits pass straight through. Two latches, so the test knows the
 * thread is parked exactly at the point (not merely somewhere before it) without sleeping.
 *
 * <p>So that a failing test cannot hang the build, a held thread gives up after a limit (by default
 * {@link #DEFAULT_LIMIT}) and throws {@link InjectedFailureException}.
 *
 * <p>Threads: the held thread calls {@code perform} (through the failpoint); the test calls the other methods.
 * Everything the held thread did before reaching the point happens-before {@link #awaitReached} returning true;
 * {@link #release()} happens-before the held thread continuing.
 */
public final class Hold extends Action
{
    /** How long a thread is held at most if nobody releases it. */
    public static final Duration DEFAULT_LIMIT = Duration.ofMinutes(2);

    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final long limitNanos;

    Hold(final Duration limit)
    {
        this.limitNanos = limit.toNanos();
    }

    @Override
    void perform(final Failpoint at)
    {
        reached.countDown();
        boolean interrupted = false;
        try
        {
            final long deadline = System.nanoTime() + limitNanos;
            while (true)
            {
                try
                {
                    final long left = deadline - System.nanoTime();
                    if (released.await(Math.max(0, left), TimeUnit.NANOSECONDS))
                    {
                        return;
                    }
                    throw new InjectedFailureException(at, "held at failpoint " + at.name() + " for " +
                        Duration.ofNanos(limitNanos) + " and never released");
                }
                catch (final InterruptedException e)
                {
                    // The writer must not be interrupted in I/O anyway; keep holding, restore the flag afterwards.
                    interrupted = true;
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until a thread is held at the point.
     *
     * @param timeout how long to wait.
     * @return true if a thread reached the point within {@code timeout}.
     * @throws InterruptedException if the calling thread is interrupted.
     */
    public boolean awaitReached(final Duration timeout) throws InterruptedException
    {
        return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * @return true once a thread has reached the point.
     */
    public boolean reached()
    {
        return reached.getCount() == 0;
    }

    /**
     * Lets held threads continue, and every later hit pass. Idempotent.
     */
    public void release()
    {
        released.countDown();
    }

    @Override
    public String toString()
    {
        return "HOLD";
    }
}
