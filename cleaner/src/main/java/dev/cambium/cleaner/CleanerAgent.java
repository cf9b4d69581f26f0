package dev.cambium.cleaner;

import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import java.util.Objects;
import org.agrona.concurrent.Agent;

/**
 * One cleaner duty cycle: retire every unpinned revision older than the head and let the {@link PageReclaimer}
 * hand the pages no live revision can see to the writer.
 *
 * <p>Threading, as for any Agrona {@link Agent}: {@link #doWork()} is called only by the agent's duty-cycle
 * thread (an {@link org.agrona.concurrent.AgentRunner}'s thread, or the thread calling
 * {@link org.agrona.concurrent.AgentInvoker#invoke()}); that thread is the {@link RevisionList}'s single
 * cleaner thread. The counters are written only by that thread and may be read from any thread.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class CleanerAgent<S> implements Agent
{
    /** Role name, also used as the cleaner thread's name. */
    public static final String ROLE_NAME = "cambium-cleaner";

    private final RevisionList<S> revisions;
    private final PageReclaimer<S> reclaimer;
    private final Runnable housekeeping;

    // Single writer (the duty-cycle thread); volatile so stats readers on other threads see progress.
    private volatile long runs;
    private volatile long revisionsRetired;

    /**
     * Creates the agent. Any thread; start it on exactly one duty-cycle thread.
     *
     * @param revisions    the list to retire from; this agent becomes its cleaner
     * @param reclaimer    decides page reuse and hands pages to the writer; null for none (retirement only)
     * @param housekeeping run at the end of every duty cycle on the cleaner thread (must be cheap; it is
     *                     expected to throttle itself), e.g. the engine's check for forgotten readers;
     *                     null for none
     */
    public CleanerAgent(RevisionList<S> revisions, PageReclaimer<S> reclaimer, Runnable housekeeping)
    {
        this.revisions = Objects.requireNonNull(revisions, "revisions");
        this.reclaimer = reclaimer;
        this.housekeeping = housekeeping;
    }

    /**
     * Retires what it can and reclaims the pages no live revision can see any more. Duty-cycle thread only.
     *
     * @return the work done: revisions retired plus pages harvested and released, 0 when idle
     */
    @Override
    public int doWork()
    {
        runs++;
        final int retired;
        int work = 0;
        if (reclaimer == null)
        {
            retired = revisions.retire(node ->
            {
            });
        }
        else
        {
            // Harvest before retiring: a node's obsolete pages must be taken before it is unlinked; a node
            // published and retired since the harvest walk is harvested as it retires.
            work += reclaimer.harvest();
            retired = revisions.retire(reclaimer::harvest);
            work += reclaimer.release();
        }
        revisionsRetired += retired;
        if (housekeeping != null)
        {
            housekeeping.run();
        }
        return retired + work;
    }

    /**
     * The role name {@value #ROLE_NAME}. Any thread.
     *
     * @return the role name
     */
    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    /**
     * Number of duty cycles run. Any thread; a snapshot.
     *
     * @return calls to {@link #doWork()}
     */
    public long runs()
    {
        return runs;
    }

    /**
     * Number of revisions retired so far. Any thread; a snapshot.
     *
     * @return revisions retired
     */
    public long revisionsRetired()
    {
        return revisionsRetired;
    }
}
