package dev.cambium.engine.compact;

import dev.cambium.CompactionResult;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.txn.WriteTxn;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Online compaction: moves the live pages at the end of the file into free pages near its start, then gives the
 * emptied end back to the file system (docs/design.md, "Shrinking the file").
 *
 * <p>It is a loop of ordinary write transactions, each bounded:
 * <ol>
 *     <li><b>move</b>: a step copies on write at most {@link #DEFAULT_STEP_PAGES} pages lying in the tail (every
 *     page of a tree, the catalog or the free-space map at or above the point where the free pages below could hold
 *     every live page above, with the pages on the paths to them; {@code WriteTxn.relocateTail}) and commits. The
 *     allocator gives the lowest free page, so the copies land near the start. The old pages become obsolete like
 *     any copied page: the cleaner frees them once no reader can see them. Between steps the writer gate is open,
 *     so other writers interleave; readers never wait.</li>
 *     <li><b>trim</b>: once nothing is left to move, a commit that changes nothing but is published anyway lowers the
 *     high-water mark over the free pages at the end (commit step 3a); a second one records the lower mark in the
 *     other meta slot too; then the file is truncated exactly. Pages still pending at the end (a reader pins a
 *     revision that sees them, or the cleaner has not run yet) are waited for, up to the given time, polling with a
 *     backoff from 1 to 50 ms; the waiting holds no lock.</li>
 * </ol>
 *
 * <p>Threads: the calling thread; it takes the write gate once per step, like any writer. Must not be called on a
 * thread that holds an open write transaction (that would deadlock; {@code beginWrite} refuses it).
 */
public final class Compaction
{
    /** Pages a move step copies at most: a commit of a few MiB, the size of an ordinary large commit. */
    public static final long DEFAULT_STEP_PAGES = 512;
    /** Move-and-trim rounds at most (a concurrent writer can put new pages at the end meanwhile). */
    private static final int MAX_ROUNDS = 4;

    private final Engine engine;
    private final long stepPages;
    private final Duration maxWait;
    private final Consumer<CompactionResult> progress;
    private long started;
    private long bytesBefore;
    private long moved;
    private long steps;

    /**
     * @param engine    the open database.
     * @param stepPages pages a move step copies at most (at least 1).
     * @param maxWait   how long to wait, in all, for readers and the cleaner to free the pages at the end.
     * @param progress  receives the result so far after every step (may be a no-op).
     */
    public Compaction(final Engine engine, final long stepPages, final Duration maxWait,
        final Consumer<CompactionResult> progress)
    {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (stepPages < 1)
        {
            throw new IllegalArgumentException("stepPages must be at least 1: " + stepPages);
        }
        if (maxWait.isNegative())
        {
            throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
        }
        this.stepPages = stepPages;
        this.maxWait = maxWait;
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /**
     * Runs the compaction.
     *
     * @return what it achieved.
     */
    public CompactionResult run()
    {
        started = System.nanoTime();
        bytesBefore = engine.store().fileSize();
        boolean complete = true;
        for (int round = 0; round < MAX_ROUNDS; round++)
        {
            final long movedBefore = moved;
            while (moveStep() > 0)
            {
                reclaim();
            }
            complete = trim(System.nanoTime() + maxWait.toNanos());
            if (moved == movedBefore || !complete)
            {
                break;
            }
        }
        // Both meta slots now hold the lowest mark reached (trim published twice): truncate exactly.
        try (WriteTxn txn = engine.beginWrite())
        {
            txn.shrinkFile();
        }
        return result(complete);
    }

    /** One bounded move step: a write transaction that copies tail pages and commits. */
    private long moveStep()
    {
        try (WriteTxn txn = engine.beginWrite())
        {
            final long n = txn.relocateTail(stepPages);
            if (n > 0)
            {
                txn.commit();
                moved += n;
                steps++;
                progress.accept(result(true));
            }
            return n;
        }
    }

    /**
     * Publishes (unchanged) revisions while the end of the file is free, waiting for pending pages there up to the
     * deadline, then once more so that both meta slots hold the lower mark.
     *
     * @return false if pages at the end were still pending at the deadline.
     */
    private boolean trim(final long deadline)
    {
        long backoff = TimeUnit.MILLISECONDS.toNanos(1);
        boolean trimmed = false;
        boolean complete = true;
        while (true)
        {
            reclaim();
            final long[] tail = new long[2];
            try (WriteTxn txn = engine.beginWrite())
            {
                final long highWater = head().highWater();
                tail[0] = engine.freeSpace().freeTail(highWater);
                tail[1] = engine.freeSpace().pendingTail(highWater);
                if (tail[0] > 0)
                {
                    txn.publishUnchanged();
                    txn.commit();
                    steps++;
                    progress.accept(result(true));
                }
            }
            if (tail[0] > 0)
            {
                trimmed = true;
                backoff = TimeUnit.MILLISECONDS.toNanos(1);
                continue;
            }
            if (tail[1] == 0)
            {
                break;
            }
            if (System.nanoTime() - deadline >= 0)
            {
                complete = false;
                break;
            }
            // A reader still sees pages at the end, or the cleaner has not handed them over yet.
            LockSupport.parkNanos(backoff);
            backoff = Math.min(backoff * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
        if (trimmed)
        {
            publishAgain();
        }
        return complete;
    }

    /** One more unchanged revision, so that the other meta slot holds the lowered high-water mark as well. */
    private void publishAgain()
    {
        try (WriteTxn txn = engine.beginWrite())
        {
            txn.publishUnchanged();
            txn.commit();
            steps++;
        }
    }

    /** Lets the cleaner free what the last commits made obsolete: by hand, or by waking its thread. */
    private void reclaim()
    {
        if (engine.options().backgroundCleaner())
        {
            engine.cleaner().wakeUp();
        }
        else
        {
            engine.runCleaner();
        }
    }

    private Meta head()
    {
        return engine.revisions().head().state();
    }

    private CompactionResult result(final boolean complete)
    {
        final Meta meta = head();
        return new CompactionResult(bytesBefore, engine.store().fileSize(),
            meta.highWater() - meta.freePageCount(), moved, steps, Duration.ofNanos(System.nanoTime() - started),
            complete);
    }
}
