package dev.cambium;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Database#compact()} achieved (also passed, as it stands so far, to a progress listener).
 *
 * @param bytesBefore the file's length when the compaction began.
 * @param bytesAfter  the file's length when it ended (or now, for a progress report).
 * @param livePages   pages the newest revision uses, meta pages included: the least the file could hold.
 * @param pagesMoved  pages copied from the end of the file into free pages near its start.
 * @param steps       write transactions the compaction committed (each holds the write gate for one commit).
 * @param elapsed     time taken.
 * @param longestStep the longest time one step held the write gate (from taking it to the end of its commit): how
 *                    long a writer beside the compaction waited for it at most.
 * @param complete    false if the compaction gave up waiting for read transactions that still pinned pages at the
 *                    end of the file (those pages stay until the readers end; a later commit or close gives them
 *                    back), true otherwise.
 */
public record CompactionResult(
    long bytesBefore, long bytesAfter, long livePages, long pagesMoved, long steps, Duration elapsed,
    Duration longestStep, boolean complete)
{
    /**
     * Checks the arguments.
     */
    public CompactionResult
    {
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(longestStep, "longestStep");
    }

    /**
     * @param pageSize the database's page size.
     * @return the file's length after the compaction divided by the live pages' bytes (1.0 is the least possible).
     */
    public double ratio(final int pageSize)
    {
        return livePages == 0 ? 0 : (double)bytesAfter / ((double)livePages * pageSize);
    }
}
