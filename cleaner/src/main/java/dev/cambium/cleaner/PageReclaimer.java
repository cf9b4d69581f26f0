package dev.cambium.cleaner;

import dev.cambium.failpoint.Failpoint;
import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.jctools.queues.SpscArrayQueue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * Decides when obsolete pages may be reused, and hands them to the writer.
 *
 * <p><b>Design note.</b> A page written at revision A and made obsolete by the commit of revision R is
 * visible exactly to revisions A .. R-1. It may be reused as soon as no revision a reader has pinned,
 * or may still pin, lies in that interval. The revisions that may still be pinned are exactly the
 * nodes of the {@link RevisionList} that are not retired: a retired node can never be pinned again,
 * and the head (always newer than R-1 once R is published) is never retired. So a reader left open on
 * an old revision holds back only the pages that revision can see, not the pages born after it (the
 * reuse rule bbolt adopted; LMDB's "oldest reader" rule lets files balloon behind one long reader).
 *
 * <p>Each commit's obsolete pages arrive on its revision node as {@link ObsoletePages}: (page id, written
 * revision) pairs.
 * The cleaner takes them once per node ({@link RevisionNode#harvestObsolete()}), groups them by
 * written revision into visibility intervals, and re-examines the pending groups on every duty cycle.
 * A reusable group goes to the writer through a single-producer/single-consumer queue of page-id
 * batches; if the queue is full the group simply stays pending and is offered again on a later cycle,
 * so no page is ever lost and the cleaner never waits for the writer.
 *
 * <p>Pages reclaimed here are reusable in memory only. Their durable state (the set of pages that no
 * committed revision references) is the writer's business: after a restart there are no readers, so
 * every such page is reusable again.
 *
 * <p>A writer that would otherwise grow the file may wait, bounded, for the cleaner to catch up with the
 * newest revision ({@link #awaitCaughtUp}): the one place where a side waits, and only the writer, only for
 * the cleaner's own work (never for a reader), and never longer than its timeout.
 *
 * <p>Threads: {@link #harvest()}, {@link #harvest(RevisionNode)} and {@link #release()} are called by the
 * single cleaner thread only; {@link #drain(LongConsumer)} and {@link #awaitCaughtUp} by the single writer
 * thread only; the counters by any thread (racy snapshots). A batch offered to the queue happens-before the
 * writer's poll of it (JCTools' ordered store/volatile load), and everything {@link #release()} offered
 * happens-before {@link #awaitCaughtUp} returning true for its revision (the volatile {@code caughtUp}).
 */
public final class PageReclaimer<S>
{
    /** Default hand-off capacity in batches (one batch per visibility interval per commit). */
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;

    /** When an obsolete page may be reused. */
    public enum Policy
    {
        /** Default: once no live revision lies in the page's visibility interval [A, R-1]. */
        INTERVAL,
        /**
         * Only once every live revision is at least R, i.e. the oldest reader is newer than the page's
         * obsolescence (LMDB's rule). Kept to measure what the interval rule buys; never better.
         */
        OLDEST_READER
    }

    private final RevisionList<S> revisions;
    private final SpscArrayQueue<long[]> handOff;
    private final Policy policy;
    private final List<Group> pending = new ArrayList<>();
    // What the last release() saw; if neither the live revisions nor the pending groups changed, a
    // group that was not releasable then is not releasable now, so the scan can be skipped.
    private long[] lastLive = new long[0];
    private boolean pendingChanged;
    /** Cleaner thread: (written revision - lowest, index) pairs of one node's pages, sorted to group them. */
    private long[] harvestOrder = new long[256];

    /** Cleaner thread: the head's revision when the last {@link #harvest()} began. */
    private long harvestedThrough = Long.MIN_VALUE;
    /**
     * Every revision up to this one was harvested and {@link #release()} ran afterwards: whatever those revisions
     * made obsolete that no live revision can see has been offered. Written by the cleaner thread, read by the
     * writer.
     */
    private volatile long caughtUp = Long.MIN_VALUE;
    /** The writer thread parked in {@link #awaitCaughtUp}, or null; unparked by the cleaner thread. */
    private volatile Thread waiter;

    // Written by the cleaner thread only; volatile for stats readers.
    private volatile long pendingPages;
    private volatile long reclaimedPages;

    /** One visibility interval [from, to] of one commit's obsolete pages. */
    private static final class Group
    {
        final long from;
        final long to;
        final long[] pages;

        Group(long from, long to, long[] pages)
        {
            this.from = from;
            this.to = to;
            this.pages = pages;
        }
    }

    /**
     * @param revisions     the revision list whose nodes carry the obsolete pages
     * @param queueCapacity capacity of the hand-off queue, in batches (at least 2)
     * @param policy        the reuse rule
     */
    public PageReclaimer(RevisionList<S> revisions, int queueCapacity, Policy policy)
    {
        this.revisions = Objects.requireNonNull(revisions, "revisions");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (queueCapacity < 2)
        {
            throw new IllegalArgumentException("queueCapacity must be at least 2, was " + queueCapacity);
        }
        this.handOff = new SpscArrayQueue<>(queueCapacity);
    }

    /**
     * Takes the obsolete pages of every linked node not yet harvested. Cleaner thread; call before
     * {@link RevisionList#retire}, and pass each retired node to {@link #harvest(RevisionNode)} as well,
     * so that a node published and retired between two walks is not missed.
     *
     * @return the number of pages taken
     */
    public int harvest()
    {
        // Read before the walk: every node up to this revision is linked now or retired by the cleaner (this thread)
        // later, and harvested either way before the next release().
        harvestedThrough = revisions.head().revision();
        final int[] taken = {0};
        revisions.forEachLinked(node -> taken[0] += harvest(node));
        return taken[0];
    }

    /**
     * Takes one node's obsolete pages if not taken yet. Cleaner thread.
     *
     * @param node a published revision node
     * @return the number of pages taken (0 if already harvested)
     */
    public int harvest(RevisionNode<S> node)
    {
        final ObsoletePages obsolete = node.harvestObsolete();
        if (obsolete == null || obsolete.isEmpty())
        {
            return 0;
        }
        final long obsoletedBy = node.revision();
        // Group by written revision: each group shares one visibility interval [written, obsoletedBy - 1].
        final int n = obsolete.count();
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        for (int i = 0; i < n; i++)
        {
            lowest = Math.min(lowest, obsolete.writtenRevision(i));
            highest = Math.max(highest, obsolete.writtenRevision(i));
        }
        if (highest - lowest >= 1L << 31)
        {
            groupWide(obsolete, obsoletedBy);
        }
        else
        {
            // One sortable long per page, no object: the revision's offset above the lowest, then the page's index.
            if (harvestOrder.length < n)
            {
                harvestOrder = new long[Math.max(n, 2 * harvestOrder.length)];
            }
            final long[] order = harvestOrder;
            for (int i = 0; i < n; i++)
            {
                order[i] = (obsolete.writtenRevision(i) - lowest) << 32 | i;
            }
            Arrays.sort(order, 0, n);
            int start = 0;
            while (start < n)
            {
                final long written = order[start] >>> 32;
                int end = start + 1;
                while (end < n && order[end] >>> 32 == written)
                {
                    end++;
                }
                final long[] pages = new long[end - start];
                for (int i = start; i < end; i++)
                {
                    pages[i - start] = obsolete.page((int)order[i]);
                }
                pending.add(new Group(lowest + written, obsoletedBy - 1, pages));
                start = end;
            }
        }
        pendingPages += n;
        pendingChanged = true;
        return n;
    }

    /**
     * Groups one node's pages by written revision when the revisions lie 2^31 or more apart (a page written that many
     * commits before the one that made it obsolete), too far for the packed sort of {@link #harvest(RevisionNode)}.
     */
    private void groupWide(final ObsoletePages obsolete, final long obsoletedBy)
    {
        final int n = obsolete.count();
        final long[][] byWritten = new long[n][];
        for (int i = 0; i < n; i++)
        {
            byWritten[i] = new long[]{obsolete.writtenRevision(i), obsolete.page(i)};
        }
        Arrays.sort(byWritten, (a, b) -> Long.compare(a[0], b[0]));
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && byWritten[end][0] == byWritten[start][0])
            {
                end++;
            }
            final long[] pages = new long[end - start];
            for (int i = start; i < end; i++)
            {
                pages[i - start] = byWritten[i][1];
            }
            pending.add(new Group(byWritten[start][0], obsoletedBy - 1, pages));
            start = end;
        }
    }

    /**
     * Offers every pending group that no live revision can see to the writer. Cleaner thread; call
     * after {@link RevisionList#retire} so that revisions just retired no longer hold pages back.
     *
     * <p>Exception-safe (the {@link Failpoint#CLEANER_HANDOFF} failpoint throws here, before each
     * offer): a group leaves {@code pending} only together with its successful offer, the counters
     * move by the pages actually offered, and a scan cut short is repeated on the next call even if
     * nothing changed. So a failure loses no page and hands none out twice.
     *
     * <p>Once the offers are made, the revisions up to the last {@link #harvest()}'s head count as caught up, and
     * a writer waiting in {@link #awaitCaughtUp} is woken. Not if an offer throws: that cycle is not complete.
     *
     * @return the number of pages handed to the writer
     */
    public int release()
    {
        final int released = offerReleasable();
        caughtUp = harvestedThrough;
        final Thread w = waiter;
        if (w != null)
        {
            LockSupport.unpark(w);
        }
        return released;
    }

    /**
     * Waits until the cleaner has caught up with {@code revision} (see {@link #release()}), or until the timeout.
     * Writer thread only (the single waiter). The caller must make sure the cleaner thread runs (wake it): this
     * method only waits for it.
     *
     * @param revision     a published revision.
     * @param timeoutNanos how long to wait at most.
     * @return true if the cleaner caught up, false on timeout.
     */
    public boolean awaitCaughtUp(final long revision, final long timeoutNanos)
    {
        if (caughtUp >= revision)
        {
            return true;
        }
        // Dekker-style with the cleaner's release(): it writes caughtUp, then reads waiter; this thread writes
        // waiter, then reads caughtUp (all volatile), so one of the two sees the other's write and no wake-up is lost.
        waiter = Thread.currentThread();
        try
        {
            final long deadline = System.nanoTime() + timeoutNanos;
            while (caughtUp < revision)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        }
        finally
        {
            waiter = null;
        }
    }

    private int offerReleasable()
    {
        if (pending.isEmpty())
        {
            return 0;
        }
        final long[] live = revisions.liveRevisions();
        Arrays.sort(live);
        if (!pendingChanged && Arrays.equals(live, lastLive))
        {
            return 0;
        }
        lastLive = live;
        // Stays true if this scan does not finish, so that the next call scans again.
        pendingChanged = true;
        boolean offerAgain = false;
        int released = 0;
        try
        {
            for (int i = 0; i < pending.size();)
            {
                final Group g = pending.get(i);
                // OLDEST_READER: any live revision older than R holds the pages, whatever it can see.
                final long from = policy == Policy.INTERVAL ? g.from : Long.MIN_VALUE;
                if (anyWithin(live, from, g.to))
                {
                    i++;
                    continue;
                }
                Failpoint.CLEANER_HANDOFF.hit();
                if (handOff.offer(g.pages))
                {
                    // Order does not matter: swap-remove keeps this O(1).
                    final int last = pending.size() - 1;
                    pending.set(i, pending.get(last));
                    pending.remove(last);
                    released += g.pages.length;
                }
                else
                {
                    offerAgain = true; // releasable but the queue was full: try again next cycle
                    i++;
                }
            }
            pendingChanged = offerAgain;
        }
        finally
        {
            // Once per call, not per group: two volatile writes.
            pendingPages -= released;
            reclaimedPages += released;
        }
        return released;
    }

    /** True if some value of the sorted array lies in [from, to]. */
    static boolean anyWithin(long[] sorted, long from, long to)
    {
        if (from > to)
        {
            return false;
        }
        int idx = Arrays.binarySearch(sorted, from);
        if (idx >= 0)
        {
            return true;
        }
        idx = -(idx + 1);
        return idx < sorted.length && sorted[idx] <= to;
    }

    /**
     * Passes every page handed off so far to {@code reusable}. Writer thread.
     *
     * @param reusable receives each reusable page id once
     * @return the number of pages drained
     */
    public int drain(LongConsumer reusable)
    {
        int n = 0;
        long[] batch;
        while ((batch = handOff.relaxedPoll()) != null)
        {
            for (long id : batch)
            {
                reusable.accept(id);
            }
            n += batch.length;
        }
        return n;
    }

    /**
     * @return pages harvested but not yet handed to the writer (racy snapshot)
     */
    public long pendingPages()
    {
        return pendingPages;
    }

    /**
     * @return pages handed to the writer since start (racy snapshot)
     */
    public long reclaimedPages()
    {
        return reclaimedPages;
    }
}
