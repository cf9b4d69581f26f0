package dev.cambium.cleaner;

import dev.cambium.revision.RevisionList;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * Owns the cleaner thread: a {@link CleanerAgent} run by an Agrona {@link AgentRunner} on one daemon thread.
 *
 * <p>Threads:
 * <ul>
 *   <li>The owning (engine) thread calls {@link #start()} once, or {@link #invoker()} once instead, and
 *       {@link #close()} at shutdown.</li>
 *   <li>The cleaner thread runs the agent's duty cycle and the error handler.</li>
 *   <li>Any thread may call {@link #wakeUp()} and read the counters.</li>
 * </ul>
 *
 * <p>When idle the runner parks, backing off from 200 us to 10 ms, so an idle engine costs little CPU; the
 * writer unparks it after every commit, and a retire after a reader's last unpin happens within one
 * park.
 * Errors are counted, remembered and logged; they never stop the cleaner, because a stopped cleaner would
 * let obsolete pages pile up forever.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class Cleaner<S> implements AutoCloseable
{
    private static final Logger LOG = System.getLogger(Cleaner.class.getName());

    // No spinning or yielding: on a small machine they take CPU from the writer, and the writer wakes
    // the cleaner after every commit anyway. Parks grow from 200 us to 10 ms while idle; a reader's
    // close is not signalled, so its pages are noticed within one park (or at the next commit).
    private static final long MAX_SPINS = 0;
    private static final long MAX_YIELDS = 0;
    private static final long MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final CleanerAgent<S> agent;
    private final ErrorHandler errorHandler = this::onError;
    private final AtomicLong errorCount = new AtomicLong();
    private final AtomicReference<Throwable> lastError = new AtomicReference<>();

    // Written by the owning thread in start()/invoker(); volatile so wakeUp() from any thread sees them.
    private volatile AgentRunner runner;
    private volatile AgentInvoker invoker;

    private Cleaner(Builder<S> builder)
    {
        this.agent = new CleanerAgent<>(builder.revisions, builder.reclaimer, builder.housekeeping);
    }

    /**
     * Starts describing a cleaner for a revision list. Any thread.
     *
     * @param revisions the list to retire from; the cleaner becomes its single cleaner thread
     * @param <S>       the engine's immutable per-revision state
     * @return a builder with no reclaimer and no housekeeping
     * @throws NullPointerException if {@code revisions} is null
     */
    public static <S> Builder<S> builder(RevisionList<S> revisions)
    {
        return new Builder<>(Objects.requireNonNull(revisions, "revisions"));
    }

    /**
     * What a cleaner does besides retiring revisions. Not thread-safe; build once.
     *
     * @param <S> the engine's immutable per-revision state
     */
    public static final class Builder<S>
    {
        private final RevisionList<S> revisions;
        private PageReclaimer<S> reclaimer;
        private Runnable housekeeping;

        private Builder(RevisionList<S> revisions)
        {
            this.revisions = revisions;
        }

        /**
         * Reclaims pages as revisions retire (see {@link PageReclaimer}); without one the cleaner only retires.
         *
         * @param reclaimer the reclaimer over the same revision list; null for none
         * @return this builder
         */
        public Builder<S> reclaimer(PageReclaimer<S> reclaimer)
        {
            this.reclaimer = reclaimer;
            return this;
        }

        /**
         * A task run at the end of every duty cycle on the cleaner thread; it must be cheap and throttle itself.
         *
         * @param housekeeping the task; null for none
         * @return this builder
         */
        public Builder<S> housekeeping(Runnable housekeeping)
        {
            this.housekeeping = housekeeping;
            return this;
        }

        /**
         * Creates the cleaner without starting any thread.
         *
         * @return the cleaner; call {@link Cleaner#start()} or {@link Cleaner#invoker()} once
         */
        public Cleaner<S> build()
        {
            return new Cleaner<>(this);
        }
    }

    /**
     * Starts the cleaner on its own daemon thread named {@value CleanerAgent#ROLE_NAME}. Owning thread, once.
     *
     * @throws IllegalStateException if already started or driven by an invoker
     */
    public synchronized void start()
    {
        requireUnused();
        final IdleStrategy idle = new BackoffIdleStrategy(MAX_SPINS, MAX_YIELDS, MIN_PARK_NS, MAX_PARK_NS);
        final AgentRunner r = new AgentRunner(idle, errorHandler, null, agent);
        runner = r;
        AgentRunner.startOnThread(r, task ->
        {
            final Thread thread = new Thread(task, CleanerAgent.ROLE_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Returns an {@link AgentInvoker} for driving the cleaner on the caller's thread instead of starting one:
     * deterministic, for tests. The caller calls {@link AgentInvoker#start()} then
     * {@link AgentInvoker#invoke()}, and becomes the list's cleaner thread. Owning thread, once.
     *
     * @return the invoker, not yet started; closed by {@link #close()}
     * @throws IllegalStateException if already started or driven by an invoker
     */
    public synchronized AgentInvoker invoker()
    {
        requireUnused();
        final AgentInvoker i = new AgentInvoker(errorHandler, null, agent);
        invoker = i;
        return i;
    }

    private void requireUnused()
    {
        if (runner != null || invoker != null)
        {
            throw new IllegalStateException("cleaner already started");
        }
    }

    /**
     * Wakes the cleaner thread if it is parked idle, e.g. right after a reader releases an old revision.
     * Any thread; a no-op before {@link #start()} or with an invoker.
     */
    public void wakeUp()
    {
        final AgentRunner r = runner;
        if (r != null)
        {
            final Thread thread = r.thread();
            // thread() is null before the runner thread starts and TOMBSTONE after close.
            if (thread != null && thread != AgentRunner.TOMBSTONE)
            {
                LockSupport.unpark(thread);
            }
        }
    }

    /**
     * Stops the cleaner thread and waits for it to finish its current duty cycle (or closes the invoker).
     * Owning thread; idempotent.
     */
    @Override
    public synchronized void close()
    {
        final AgentRunner r = runner;
        if (r != null)
        {
            r.close();
        }
        final AgentInvoker i = invoker;
        if (i != null)
        {
            i.close();
        }
    }

    /**
     * Whether the cleaner thread has been stopped by {@link #close()}. Any thread.
     *
     * @return true once closed
     */
    public boolean isClosed()
    {
        final AgentRunner r = runner;
        final AgentInvoker i = invoker;
        return (r != null && r.isClosed()) || (i != null && i.isClosed());
    }

    /**
     * The agent, for its counters. Any thread.
     *
     * @return the agent
     */
    public CleanerAgent<S> agent()
    {
        return agent;
    }

    /**
     * Duty cycles run so far. Any thread.
     *
     * @return runs
     */
    public long runs()
    {
        return agent.runs();
    }

    /**
     * Revisions retired so far. Any thread.
     *
     * @return revisions retired
     */
    public long revisionsRetired()
    {
        return agent.revisionsRetired();
    }

    /**
     * Errors seen by the error handler so far. Any thread.
     *
     * @return error count
     */
    public long errorCount()
    {
        return errorCount.get();
    }

    /**
     * The most recent error, or {@code null}. Any thread.
     *
     * @return the last error
     */
    public Throwable lastError()
    {
        return lastError.get();
    }

    /** Error handler, on the cleaner thread: count, remember, log, and carry on. */
    private void onError(Throwable error)
    {
        errorCount.incrementAndGet();
        lastError.set(error);
        LOG.log(Level.WARNING, "cambium cleaner error (cleaner keeps running)", error);
    }
}
