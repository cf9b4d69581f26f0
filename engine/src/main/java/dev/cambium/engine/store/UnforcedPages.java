package dev.cambium.engine.store;

import java.util.Arrays;

/**
 * The pages written since the last completed force, each with the checksum it was written with: what the meta page
 * of a single-force commit lists ({@link MetaCodec}, "The page list").
 *
 * <p><b>Design.</b> A durable commit used to force twice: its data pages, so that no meta could point at a page a
 * power loss drops, then its meta page. A commit whose meta lists every page written since the last completed force
 * needs only the second force: an open checks the list against the file and takes the other meta page if a listed
 * page is missing, torn or older ({@link MetaSelector}). The list must name <em>every</em> unforced page, not only
 * the batch's own: a page of an earlier unforced write that the meta references would otherwise go unchecked. So
 * this class records all page writes, and a force forgets only what was written before it started. Once more pages
 * are unforced than a meta page lists, the record is marked incomplete until a force covers the last page it lost;
 * the commit then forces its data first, as before. A meta lists only pages of its own revision and older ones, and
 * not the pages its batch made obsolete: see {@link #copyTo}.
 *
 * <p>Threads: {@link #add} by whoever writes pages (the write-gate holder, or a group commit's leader, one at a time
 * under {@code PageStore}'s write lock); {@link #mark}, {@link #forced} and {@link #copyTo} by whoever forces or
 * writes the meta (the leader, or the writer), possibly while another thread adds. Every method is synchronized: an
 * add that returns before {@link #mark} is counted by it, and so is known to be covered by the force that follows
 * the mark.
 */
final class UnforcedPages
{
    private final int capacity;
    private final long[] ids;
    private final int[] checksums;
    /** The revision that wrote each held page (its header's). */
    private final long[] revisions;
    /** Each held entry's sequence number (its add's), ascending. */
    private final long[] sequence;
    /** Entries held, the oldest first. */
    private int count;
    /** Adds since open: the sequence number of the next add. */
    private long added;
    /** Sequence number of the last add that found the record full, or -1. */
    private long lastLost = -1;

    /**
     * @param capacity entries a meta page lists ({@link MetaCodec#listCapacity}).
     */
    UnforcedPages(final int capacity)
    {
        this.capacity = capacity;
        this.ids = new long[capacity];
        this.checksums = new int[capacity];
        this.sequence = new long[capacity];
        this.revisions = new long[capacity];
    }

    /**
     * Records a page write that returned.
     *
     * @param pageId   the page.
     * @param checksum the checksum stamped in it.
     * @param revision the revision in its header.
     */
    synchronized void add(final long pageId, final int checksum, final long revision)
    {
        if (count == capacity)
        {
            lastLost = added++;
            return;
        }
        ids[count] = pageId;
        checksums[count] = checksum;
        revisions[count] = revision;
        sequence[count++] = added++;
    }

    /**
     * @return the sequence number a force started now covers up to (exclusive): pass it to {@link #forced}.
     */
    synchronized long mark()
    {
        return added;
    }

    /**
     * Forgets the writes a completed force covered.
     *
     * @param mark what {@link #mark} returned before the force started.
     */
    synchronized void forced(final long mark)
    {
        int drop = 0;
        while (drop < count && sequence[drop] < mark)
        {
            drop++;
        }
        System.arraycopy(ids, drop, ids, 0, count - drop);
        System.arraycopy(checksums, drop, checksums, 0, count - drop);
        System.arraycopy(sequence, drop, sequence, 0, count - drop);
        System.arraycopy(revisions, drop, revisions, 0, count - drop);
        count -= drop;
        if (lastLost < mark)
        {
            lastLost = -1; // every write the record lost was made before the force started: durable now
        }
    }

    /**
     * Copies the unforced pages of a meta's revision and older, if the record holds them all, leaving out the ones the
     * caller names. Pages of newer revisions (the next batch's, written early) are not the meta's: the force after it
     * covers them, or the next meta lists them.
     *
     * @param pageIds     receives the page ids; at least the capacity long.
     * @param checksums   receives their checksums.
     * @param leftOut     page ids not to copy, ascending (pages the meta's own batch wrote and made obsolete).
     * @param maxRevision the meta's revision.
     * @return the number of entries copied, or -1 if some unforced write was not recorded (too many).
     */
    synchronized int copyTo(final long[] pageIds, final int[] checksums, final long[] leftOut, final long maxRevision)
    {
        if (lastLost >= 0)
        {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (revisions[i] <= maxRevision && Arrays.binarySearch(leftOut, ids[i]) < 0)
            {
                pageIds[n] = ids[i];
                checksums[n++] = this.checksums[i];
            }
        }
        return n;
    }

    @Override
    public synchronized String toString()
    {
        return "UnforcedPages" + Arrays.toString(Arrays.copyOf(ids, count)) + (lastLost >= 0 ? " and more" : "");
    }
}
