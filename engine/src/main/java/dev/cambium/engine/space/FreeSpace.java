package dev.cambium.engine.space;

import java.util.BitSet;

/**
 * The writer's view of page usage below the high-water mark.
 *
 * <ul>
 *   <li><b>unused</b>: pages that no tree of the newest committed revision references (its durable
 *   free-space map holds exactly this set). It includes pages still visible to older pinned revisions.</li>
 *   <li><b>free</b> (a subset of unused): pages the writer may hand out now, because the cleaner found
 *   that no live revision can see them, or because nothing ever could (allocated and freed inside one
 *   transaction), or because the database was just opened (no readers yet).</li>
 * </ul>
 * The difference, unused minus free, is <b>pending</b>: obsolete, but possibly visible to a pinned
 * revision.
 *
 * <p>Allocation takes the lowest free page, so the live data drifts towards the start of the file.
 *
 * <p>Threads: the single writer thread only, apart from the volatile counters read by statistics.
 */
public final class FreeSpace
{
    private final BitSet unused;
    private final BitSet free;
    private long lowestFree;
    private volatile long unusedCount;
    private volatile long freeCount;

    /**
     * @param unused the unused pages of the revision opened; all of them are free (no readers yet).
     */
    public FreeSpace(final BitSet unused)
    {
        this.unused = (BitSet)unused.clone();
        this.free = (BitSet)unused.clone();
        this.unusedCount = unused.cardinality();
        this.freeCount = unusedCount;
    }

    /**
     * @param pageId a page id.
     * @return true if no tree of the newest committed revision references the page.
     */
    public boolean isUnused(final long pageId)
    {
        return unused.get(checked(pageId));
    }

    /**
     * Takes the lowest free page.
     *
     * @return its id, or -1 if none is free.
     */
    public long take()
    {
        final int id = free.nextSetBit((int)lowestFree);
        if (id < 0)
        {
            lowestFree = free.length();
            return -1;
        }
        free.clear(id);
        lowestFree = id + 1;
        freeCount--;
        return id;
    }

    /**
     * Returns a page taken by a transaction that did not commit.
     *
     * @param pageId the page.
     */
    public void giveBack(final long pageId)
    {
        markFree(pageId);
    }

    /**
     * Records that the cleaner found a page reusable.
     *
     * @param pageId the page; must be unused.
     * @throws IllegalStateException if the page is not unused (a double hand-out would corrupt data).
     */
    public void reusable(final long pageId)
    {
        if (!unused.get(checked(pageId)))
        {
            throw new IllegalStateException("page " + pageId + " handed back as reusable but is in use");
        }
        markFree(pageId);
    }

    private void markFree(final long pageId)
    {
        final int id = checked(pageId);
        if (!free.get(id))
        {
            free.set(id);
            freeCount++;
            if (id < lowestFree)
            {
                lowestFree = id;
            }
        }
    }

    /**
     * Applies a published commit: its pages are used, the pages it released are unused, and pages it
     * allocated and released itself are free at once (no revision ever saw them).
     *
     * @param written       the pages the commit wrote.
     * @param obsolete      committed pages the commit made obsolete.
     * @param neverVisible  pages allocated and released within the commit.
     */
    public void commit(final LongIterable written, final LongIterable obsolete, final LongIterable neverVisible)
    {
        written.forEach(id -> unused.clear(checked(id)));
        obsolete.forEach(id -> unused.set(checked(id)));
        neverVisible.forEach(id ->
        {
            unused.set(checked(id));
            markFree(id);
        });
        unusedCount = unused.cardinality();
    }

    /**
     * @return a copy of the unused bits of one chunk of pages, as little-endian longs.
     */
    long[] unusedWords(final long firstPage, final int pages)
    {
        return unused.get(checked(firstPage), checked(firstPage + pages)).toLongArray();
    }

    /**
     * @return pages unused by the newest revision (free or pending).
     */
    public long unusedCount()
    {
        return unusedCount;
    }

    /**
     * @return pages the writer may hand out now.
     */
    public long freeCount()
    {
        return freeCount;
    }

    /**
     * @return a copy of the unused set (consistency checks).
     */
    public BitSet unusedSnapshot()
    {
        return (BitSet)unused.clone();
    }

    /**
     * @return a copy of the free set (consistency checks).
     */
    public BitSet freeSnapshot()
    {
        return (BitSet)free.clone();
    }

    private static int checked(final long pageId)
    {
        if (pageId < 0 || pageId > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("page id " + pageId + " outside the free-space range");
        }
        return (int)pageId;
    }

    /** A sequence of page ids that can be visited more than once. */
    @FunctionalInterface
    public interface LongIterable
    {
        /**
         * @param action called for each id.
         */
        void forEach(java.util.function.LongConsumer action);
    }
}
