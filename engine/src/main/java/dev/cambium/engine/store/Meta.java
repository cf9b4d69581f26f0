package dev.cambium.engine.store;

import dev.cambium.Limits;

/**
 * One meta page's content: the root of everything a revision can see. Immutable; safe to share between threads.
 * The byte layout is in {@link MetaCodec}.
 *
 * <p>The compact constructor enforces the structural invariants the file format requires, so a {@code Meta}
 * that exists is always one {@link MetaCodec#decode} would accept (apart from the file length, which only the
 * {@link PageStore} knows). Decoding checks the same rules first and reports a reason instead of throwing.
 *
 * @param pageSize         the page size, a power of two from 512 to 65536.
 * @param revision         the revision this meta publishes, {@code >= 0}; it is written to slot
 *                         {@code revision & 1}.
 * @param highWater        the number of pages in use, meta pages included; valid page ids are
 *                         {@code [2, highWater)}.
 * @param catalogRoot      the catalog's root page id, 0 for an empty catalog.
 * @param catalogRootRevision the revision that wrote the catalog's root page (its header revision), 0 for an
 *                         empty catalog; a read of the root compares the two.
 * @param treeCount        the number of trees in the catalog.
 * @param freeSpaceRoot    the free-space map's root page id, 0 for an empty map.
 * @param freeSpaceRootRevision the revision that wrote the free-space map's root page, 0 for an empty map.
 * @param pendingRoot      the root of the obsolete-page lists, 0 for none (reserved for the cleaner).
 * @param freePageCount    the number of free pages (reserved for the cleaner).
 * @param commitTimeMillis the commit time, epoch milliseconds.
 */
public record Meta(
    int pageSize,
    long revision,
    long highWater,
    long catalogRoot,
    long catalogRootRevision,
    long treeCount,
    long freeSpaceRoot,
    long freeSpaceRootRevision,
    long pendingRoot,
    long freePageCount,
    long commitTimeMillis)
{
    /** Page ids 0 and 1 are the meta pages; the first data page is 2. */
    public static final long FIRST_DATA_PAGE = 2;

    /**
     * Creates a meta, enforcing the invariants in the record description. Any thread.
     *
     * @param pageSize         see the record description.
     * @param revision         see the record description.
     * @param highWater        see the record description.
     * @param catalogRoot      see the record description.
     * @param catalogRootRevision see the record description.
     * @param treeCount        see the record description.
     * @param freeSpaceRoot    see the record description.
     * @param freeSpaceRootRevision see the record description.
     * @param pendingRoot      see the record description.
     * @param freePageCount    see the record description.
     * @param commitTimeMillis see the record description.
     * @throws IllegalArgumentException if an invariant is broken.
     */
    public Meta
    {
        final String problem = problem(pageSize, revision, highWater, catalogRoot, catalogRootRevision, treeCount,
            freeSpaceRoot, freeSpaceRootRevision, pendingRoot, freePageCount);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * The meta both slots of a new file hold: revision 0, empty catalog, high-water mark 2.
     *
     * @param pageSize         the page size of the new file.
     * @param commitTimeMillis the creation time, epoch milliseconds.
     * @return the initial meta.
     */
    public static Meta initial(final int pageSize, final long commitTimeMillis)
    {
        return new Meta(pageSize, 0, FIRST_DATA_PAGE, 0, 0, 0, 0, 0, 0, 0, commitTimeMillis);
    }

    /**
     * The meta of the revision a commit builds on this one.
     *
     * @param revision         the new revision (this revision + 1).
     * @param highWater        the new high-water mark.
     * @param catalogRoot      the new catalog root.
     * @param catalogRootRevision the revision that wrote the new catalog root (0 if the catalog is empty).
     * @param treeCount        the new number of trees.
     * @param freeSpaceRoot    the root of the new revision's free-space map.
     * @param freeSpaceRootRevision the revision that wrote that root (0 if the map is empty).
     * @param freePageCount    pages below the high-water mark no tree of the new revision references.
     * @param commitTimeMillis the commit time, epoch milliseconds.
     * @return the new meta.
     */
    public Meta next(
        final long revision, final long highWater, final long catalogRoot, final long catalogRootRevision,
        final long treeCount, final long freeSpaceRoot, final long freeSpaceRootRevision, final long freePageCount,
        final long commitTimeMillis)
    {
        return new Meta(pageSize, revision, highWater, catalogRoot, catalogRootRevision, treeCount, freeSpaceRoot,
            freeSpaceRootRevision, pendingRoot, freePageCount, commitTimeMillis);
    }

    /**
     * @return {@code revision & 1}: the meta slot (page id) this meta goes to when every revision writes its meta (one
     * committer at a time). With group commit the store alternates slots per meta written instead
     * ({@code PageStore.writeMeta}); opening never relies on the slot.
     */
    public int slot()
    {
        return (int)(revision & 1);
    }

    /**
     * @return the file length this meta needs: {@code highWater * pageSize}.
     */
    public long requiredFileLength()
    {
        return highWater * pageSize;
    }

    /**
     * @param pageSize a page size.
     * @return true if it is a power of two from 512 to 65536.
     */
    public static boolean isValidPageSize(final long pageSize)
    {
        return pageSize >= Limits.MIN_PAGE_SIZE && pageSize <= Limits.MAX_PAGE_SIZE && Long.bitCount(pageSize) == 1;
    }

    /**
     * The structural rules of a meta record, shared by the constructor and {@link MetaCodec#decode}.
     *
     * @return null if valid, else the first rule broken, for a message.
     */
    static String problem(
        final long pageSize,
        final long revision,
        final long highWater,
        final long catalogRoot,
        final long catalogRootRevision,
        final long treeCount,
        final long freeSpaceRoot,
        final long freeSpaceRootRevision,
        final long pendingRoot,
        final long freePageCount)
    {
        if (!isValidPageSize(pageSize))
        {
            return "page size " + pageSize + " is not a power of two from 512 to 65536";
        }
        if (revision < 0)
        {
            return "revision " + Long.toUnsignedString(revision) + " is out of range";
        }
        // The division keeps highWater * pageSize from overflowing for absurd values.
        if (highWater < FIRST_DATA_PAGE || highWater > Long.MAX_VALUE / pageSize)
        {
            return "high-water mark " + Long.toUnsignedString(highWater) + " is out of range";
        }
        if (!isRootInRange(catalogRoot, highWater))
        {
            return "catalog root " + Long.toUnsignedString(catalogRoot) + " is outside [2, " + highWater + ")";
        }
        if (!isRootRevisionInRange(catalogRoot, catalogRootRevision, revision))
        {
            return "catalog root revision " + Long.toUnsignedString(catalogRootRevision)
                + rootRevisionRule(catalogRoot);
        }
        if (!isRootInRange(freeSpaceRoot, highWater))
        {
            return "free-space root " + Long.toUnsignedString(freeSpaceRoot) + " is outside [2, " + highWater + ")";
        }
        if (!isRootRevisionInRange(freeSpaceRoot, freeSpaceRootRevision, revision))
        {
            return "free-space root revision " + Long.toUnsignedString(freeSpaceRootRevision) +
                rootRevisionRule(freeSpaceRoot);
        }
        if (!isRootInRange(pendingRoot, highWater))
        {
            return "pending root " + Long.toUnsignedString(pendingRoot) + " is outside [2, " + highWater + ")";
        }
        if (treeCount < 0)
        {
            return "tree count " + Long.toUnsignedString(treeCount) + " is out of range";
        }
        if (freePageCount < 0 || freePageCount > highWater)
        {
            return "free page count " + Long.toUnsignedString(freePageCount) + " exceeds the high-water mark";
        }
        return null;
    }

    private static boolean isRootInRange(final long root, final long highWater)
    {
        return root == 0 || (root >= FIRST_DATA_PAGE && root < highWater);
    }

    /**
     * An empty tree's root revision is 0; a root page was written by a commit, so by a revision from 1 (revision 0
     * is the new file, which writes no page) to the meta's own.
     */
    private static boolean isRootRevisionInRange(final long root, final long rootRevision, final long revision)
    {
        return root == 0 ? rootRevision == 0 : rootRevision >= 1 && rootRevision <= revision;
    }

    private static String rootRevisionRule(final long root)
    {
        return root == 0 ? " is not 0 for an empty root" : " is outside [1, revision]";
    }
}
