package dev.cambium;

/**
 * The management view of one open database, registered with the platform MBean server as
 * {@code dev.cambium:type=Database,name=<absolute path of the file>} while the database is open (unless
 * {@link DatabaseOptions.Builder#registerMBean(boolean)} turns it off). Every attribute is read from
 * {@link Database#stats()} at the moment it is asked for; see {@link DatabaseStats} for their meaning.
 *
 * <p>Threads: any; reading an attribute takes no lock and never delays the writer or the readers.
 */
public interface DatabaseMXBean
{
    /** @return the database file's absolute path. */
    String getPath();

    /** @return the newest committed revision. */
    long getRevision();

    /** @return the page size in bytes. */
    int getPageSize();

    /** @return the file's length in bytes. */
    long getFileSize();

    /** @return the high-water mark: pages in use, free or pending, meta pages included. */
    long getPageCount();

    /** @return pages that hold the newest revision (meta pages included). */
    long getPagesUsed();

    /** @return pages the writer may reuse now. */
    long getFreePages();

    /** @return obsolete pages an older revision may still see. */
    long getPendingPages();

    /** @return read transactions open now. */
    long getOpenReadTransactions();

    /** @return revisions retained (pinned, or awaiting the cleaner). */
    int getRevisionsRetained();

    /** @return revisions committed since open. */
    long getCommits();

    /**
     * @return groups of commits made durable together since open (under {@code SYNC}, one pair of forces each);
     * {@code Commits / CommitBatches} is how many commits shared a force.
     */
    long getCommitBatches();

    /** @return pages written by the most recent commit. */
    long getLastCommitPages();

    /** @return data pages written by the commits published since open; {@code PagesWritten / Commits} per commit. */
    long getPagesWritten();

    /** @return the oldest revision an open read transaction holds, or -1. */
    long getOldestPinnedRevision();

    /** @return how long the oldest open read transaction has been open, in milliseconds (0 unless tracked). */
    long getOldestPinnedAgeMillis();

    /** @return read transactions released by the garbage collector without being closed, since open. */
    long getLeakedReadTransactions();

    /** @return cleaner duty cycles since open. */
    long getCleanerRuns();

    /** @return pages the cleaner handed back to the writer since open. */
    long getPagesReclaimed();

    /** @return revisions the cleaner has yet to retire. */
    long getCleanerLag();

    /** @return failures inside the cleaner since open. */
    long getCleanerErrors();

    /**
     * The forgotten-reader report: read transactions open longer than
     * {@link DatabaseOptions#maxReadTransactionAge()}, oldest first, as {@link Database#checkReadTransactions()}
     * finds them (each is also logged once).
     *
     * @return one line per over-age read transaction: its revision, its age and, if tracked, where it was opened;
     * empty if none or if no maximum age is set.
     */
    String[] getOverAgeReadTransactions();
}
