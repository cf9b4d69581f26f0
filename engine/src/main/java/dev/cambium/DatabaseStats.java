package dev.cambium;

/**
 * A snapshot of a database's counters, from {@link Database#stats()}.
 *
 * @param revision             the newest committed revision.
 * @param pageSize             the page size in bytes.
 * @param pageCount            pages in use (the high-water mark), meta pages included.
 * @param fileSize             the file's length in bytes (grown ahead of need).
 * @param openReadTransactions read transactions open now.
 * @param revisionsRetained    revisions in the revision list (pinned, or awaiting the cleaner).
 * @param commits              revisions published since open.
 * @param lastCommitPages      pages written by the most recent commit.
 */
public record DatabaseStats(
    long revision,
    int pageSize,
    long pageCount,
    long fileSize,
    long openReadTransactions,
    int revisionsRetained,
    long commits,
    long lastCommitPages)
{
}
