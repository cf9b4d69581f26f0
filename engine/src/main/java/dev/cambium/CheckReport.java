package dev.cambium;

import java.util.List;

/**
 * The result of {@link Database#check()}: how the pages below the high-water mark are used, and
 * every inconsistency found.
 *
 * <p>Every page id in {@code [2, pageCount)} is exactly one of: <b>reachable</b> from the newest
 * revision (its catalog, trees, overflow chains and free-space map), <b>free</b> (the writer may
 * reuse it now), or <b>pending</b> (no tree of the newest revision references it, but an older
 * revision that a reader may still pin can see it, or the cleaner has not yet released it).
 *
 * @param revision          the revision checked (the newest).
 * @param pageCount         its high-water mark, meta pages included.
 * @param reachablePages    pages reachable from the newest revision.
 * @param freePages         pages the writer may reuse now.
 * @param pendingPages      obsolete pages not yet reusable.
 * @param liveRevisions     revisions readers hold or may still pin (the newest included); each was
 *                          walked and verified too.
 * @param pinnedReferences  the sum of the revision refcounts (read transactions holding a revision,
 *                          the check's own included).
 * @param pagesVerified     page checksums verified during the check.
 * @param problems          what is wrong, one line each; empty when the database is consistent.
 */
public record CheckReport(
    long revision,
    long pageCount,
    long reachablePages,
    long freePages,
    long pendingPages,
    int liveRevisions,
    long pinnedReferences,
    long pagesVerified,
    List<String> problems)
{
    /**
     * @return true if no problem was found.
     */
    public boolean ok()
    {
        return problems.isEmpty();
    }
}
