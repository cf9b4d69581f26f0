package dev.cambium;

/**
 * A snapshot of a database's counters, from {@link Database#stats()}.
 *
 * @param revision             the newest committed revision.
 * @param pageSize             the page size in bytes.
 * @param pageCount            the high-water mark: pages below it are in use, free or pending; meta
 *                             pages included. {@code pageCount - freePages - pendingPages} pages hold
 *                             the newest revision (meta pages included).
 * @param fileSize             the file's length in bytes (grown ahead of need).
 * @param openReadTransactions read transactions open now.
 * @param revisionsRetained    revisions in the revision list (pinned, or awaiting the cleaner).
 * @param commits              revisions published since open.
 * @param commitBatches        groups of commits made durable together since open: under
 *                             {@link Durability#SYNC} each batch paid one pair of forces for all of its
 *                             commits, so {@code commits / commitBatches} is how many commits shared a
 *                             force on average (1.0 with one committing thread).
 * @param lastCommitPages      pages the most recent commit changed (copied or added).
 * @param pagesWritten         data pages written by the commits published since open (meta pages and the zeros
 *                             that grow the file not counted): {@code pagesWritten / commits} is what a commit
 *                             costs in page writes, and under {@link Durability#SYNC} in pages forced. A page that a
 *                             later commit of the same group-commit batch copied again is not written (design.md,
 *                             "Group commit"), so this can be less than the commits' changed pages.
 * @param oldestPinnedRevision the oldest revision an open read transaction holds, or {@code -1} if
 *                             none is open; revisions from it onwards cannot be reclaimed.
 * @param oldestPinnedAgeNanos how long the oldest open read transaction has been open, in nanoseconds;
 *                             {@code 0} if none is open, and also {@code 0} unless open times are
 *                             tracked ({@link DatabaseOptions#maxReadTransactionAge()} set or
 *                             {@link DatabaseOptions#trackReadTransactionOrigins()} true).
 * @param leakedReadTransactions read transactions since open that became unreachable without
 *                             {@link ReadTransaction#close()} and were released by the garbage
 *                             collector's cleaner (each one is also logged as a warning).
 * @param freePages            pages below the high-water mark the writer may reuse now.
 * @param pendingPages         pages no tree of the newest revision references but that an older
 *                             revision a reader may still pin can see (or that the cleaner has not yet
 *                             released); they become free when no live revision can see them.
 * @param cleanerRuns          cleaner duty cycles since open.
 * @param pagesReclaimed       pages the cleaner handed back to the writer since open.
 * @param cleanerLag           revisions the cleaner has yet to retire: retained revisions that are
 *                             neither the newest nor pinned by a reader.
 * @param cleanerErrors        failures inside the cleaner since open (logged; the cleaner keeps running).
 */
public record DatabaseStats(
    long revision,
    int pageSize,
    long pageCount,
    long fileSize,
    long openReadTransactions,
    int revisionsRetained,
    long commits,
    long commitBatches,
    long lastCommitPages,
    long pagesWritten,
    long oldestPinnedRevision,
    long oldestPinnedAgeNanos,
    long leakedReadTransactions,
    long freePages,
    long pendingPages,
    long cleanerRuns,
    long pagesReclaimed,
    long cleanerLag,
    long cleanerErrors)
{
}
