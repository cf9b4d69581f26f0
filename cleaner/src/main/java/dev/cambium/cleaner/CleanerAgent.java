package dev.cambium.cleaner;

import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import java.util.Objects;
import org.agrona.concurrent.Agent;

/**
 * One cleaner duty cycle: retire every unpinned revision older than the head and hand each to the sink.
 *
 * <p>Threading, as for any Agrona {@link Agent}: {@link #doWork()} is called only by the agent's duty-cycle
 * thread (an {@link org.agrona.concurrent.AgentRunner}'s thread, or the thread calling
 * {@link org.agrona.concurrent.AgentInvoker#invoke()}); that thread is the {@link RevisionList}'s single
 * cleaner thread. The counters are written only by that thread and may be read from any thread.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class CleanerAgent<S> implements Agent {
    /** Role name, also used as the cleaner thread's name. */
    public static final String ROLE_NAME = "cambium-cleaner";

    private final RevisionList<S> revisions;
    private final RetiredRevisionSink<S> sink;
    private final PageReclaimer<S> reclaimer;
    private final Runnable housekeeping;

    // Single writer (the duty-cycle thread); volatile so stats readers on other threads see progress.
    private volatile long runs;
    private volatile long revisionsRetired;

    /** First sink failure of the current doWork, rethrown once the whole batch has been delivered. */
    private RuntimeException sinkFailure;

    /**
     * Creates the agent. Any thread; start it on exactly one duty-cycle thread.
     *
     * @param revisions the list to retire from; this agent becomes its cleaner
     * @param sink receives each retired revision
     */
    public CleanerAgent(RevisionList<S> revisions, RetiredRevisionSink<S> sink) {
        this(revisions, sink, null);
    }

    /**
     * @param revisions the revision list to retire from
     * @param sink      receives every retired node
     * @param reclaimer decides page reuse and hands pages to the writer; null for none
     */
    public CleanerAgent(RevisionList<S> revisions, RetiredRevisionSink<S> sink, PageReclaimer<S> reclaimer) {
        this(revisions, sink, reclaimer, null);
    }

    /**
     * @param revisions    the revision list to retire from
     * @param sink         receives every retired node
     * @param reclaimer    decides page reuse and hands pages to the writer; null for none
     * @param housekeeping run at the end of every duty cycle on the cleaner thread (must be cheap; it is
     *                     expected to throttle itself), e.g. the engine's check for forgotten readers;
     *                     null for none
     */
    public CleanerAgent(RevisionList<S> revisions, RetiredRevisionSink<S> sink, PageReclaimer<S> reclaimer,
            Runnable housekeeping) {
        this.revisions = Objects.requireNonNull(revisions, "revisions");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.reclaimer = reclaimer;
        this.housekeeping = housekeeping;
    }

    /**
     * Retires what it can and delivers the retired revisions, oldest first. Duty-cycle thread only.
     *
     * <p>If the sink throws, delivery continues with the remaining revisions (they are already retired and
     * unlinked, so skipping them would leak their pages) and the first failure is rethrown at the end, for
     * the error handler to count.
     *
     * @return the number of revisions retired, 0 when idle
     */
    @Override
    public int doWork() {
        runs++;
        // Harvest before retiring: a node's obsolete pages must be taken before it is unlinked.
        int work = reclaimer == null ? 0 : reclaimer.harvest();
        final int retired = revisions.retire(this::deliver);
        revisionsRetired += retired;
        if (reclaimer != null) {
            work += reclaimer.release();
        }
        if (housekeeping != null) {
            housekeeping.run();
        }
        final RuntimeException failure = sinkFailure;
        if (failure != null) {
            sinkFailure = null;
            throw failure;
        }
        return retired + work;
    }

    private void deliver(RevisionNode<S> node) {
        if (reclaimer != null) {
            reclaimer.harvest(node); // published and retired since the harvest walk
        }
        try {
            sink.retired(node);
        } catch (RuntimeException e) {
            if (sinkFailure == null) {
                sinkFailure = e;
            } else {
                sinkFailure.addSuppressed(e);
            }
        }
    }

    /**
     * The role name {@value #ROLE_NAME}. Any thread.
     *
     * @return the role name
     */
    @Override
    public String roleName() {
        return ROLE_NAME;
    }

    /**
     * Number of duty cycles run. Any thread; a snapshot.
     *
     * @return calls to {@link #doWork()}
     */
    public long runs() {
        return runs;
    }

    /**
     * Number of revisions retired so far. Any thread; a snapshot.
     *
     * @return revisions retired
     */
    public long revisionsRetired() {
        return revisionsRetired;
    }
}
