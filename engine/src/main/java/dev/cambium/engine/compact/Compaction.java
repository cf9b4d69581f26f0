package dev.cambium.engine.compact;

import dev.cambium.CompactionResult;
import dev.cambium.engine.Engine;
import dev.cambium.engine.space.FreeSpace;
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
 *     high-water mark over the free pages at the end (commit step 3a); then the file is truncated exactly, after
 *     more unchanged revisions if the other meta slot still holds a higher mark (any commit may have lowered the
 *     mark in one slot only, and the file cannot end below either). Pages still pending at the end (a reader pins a
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
    /** Pending pages at the end not worth waiting for. */
    private static final long WORTH_WAITING = 64;
    /** Trimming commits at most: a writer beside the compaction could otherwise keep it trimming for ever. */
    private static final int MAX_TRIMS = 1000;
    /** Unchanged revisions published at most at the end so that both meta slots hold the lowered mark. */
    private static final int MAX_REPUBLISH = 3;
    private static final long MIN_BACKOFF = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_BACKOFF = TimeUnit.MILLISECONDS.toNanos(50);

    private final Engine engine;
    private final long stepPages;
    private final Duration maxWait;
    private final Consumer<CompactionResult> progress;
    private long started;
    private long bytesBefore;
    private long moved;
    private long steps;
    private long longestStep;

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
        final long deadline = started + maxWait.toNanos();
        long backoff = MIN_BACKOFF;
        boolean complete = true;
        int trims = 0;
        while (true)
        {
            final Tail tail = moveStep();
            if (tail == null)
            {
                reclaim();
                backoff = MIN_BACKOFF;
                continue;
            }
            if (tail.free > 0 && trims < MAX_TRIMS)
            {
                trims++;
                trimStep();
                backoff = MIN_BACKOFF;
                continue;
            }
            if (tail.unused <= WORTH_WAITING && !tail.movableOncePendingFree)
            {
                break; // nothing left that waiting could give back (a writer beside us leaves a few pages pending)
            }
            if (System.nanoTime() - deadline >= 0)
            {
                complete = false; // readers still see pages that stand in the way
                break;
            }
            // A reader still sees pages at the end or in the way, or the cleaner has not handed them over yet.
            reclaim();
            LockSupport.parkNanos(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF);
        }
        // The file cannot end below either meta slot's mark. A trim step, or any commit that found free pages at the
        // end (commit step 3a, e.g. a move step once the cleaner had freed the old copies), lowered the mark in one
        // slot only: publish unchanged revisions until the other slot holds it too (one, unless a writer beside
        // the compaction commits in between).
        for (int i = 0; shrinkExactly() && i < MAX_REPUBLISH; i++)
        {
            publishUnchanged();
        }
        return result(complete);
    }

    /**
     * One bounded move step: a write transaction that copies tail pages and commits. If nothing lies in the tail, it
     * measures the end of the file instead, in the same transaction: the free space it measures is then exactly the
     * one in which nothing was movable. (Measured in a later transaction, the cleaner could have handed over pages in
     * between, making pages movable that the measure would not count: the compaction stopped early, 1 run in 100.)
     *
     * @return null if pages were moved, else the state of the end of the file.
     */
    private Tail moveStep()
    {
        final long n;
        try (WriteTxn txn = engine.beginWrite())
        {
            final long held = System.nanoTime();
            n = txn.relocateTail(stepPages);
            if (n == 0)
            {
                return inspect(txn);
            }
            txn.commit();
            moved += n;
            steps++;
            longestStep = Math.max(longestStep, System.nanoTime() - held);
        }
        progress.accept(result(true));
        return null;
    }

    /** The state of the end of the file, as the writer sees it. */
    private record Tail(long free, long unused, boolean movableOncePendingFree)
    {
    }

    /**
     * @param txn the open write transaction (it holds the write gate: the free space is the writer's), which has
     *            found nothing to move.
     */
    private Tail inspect(final WriteTxn txn)
    {
        final FreeSpace space = engine.freeSpace();
        // The writer's free space describes the newest written revision, which under group commit may be ahead of
        // the published head: measure the tail against the transaction's own mark.
        final long highWater = txn.highWater();
        final long gap = space.relocationThreshold(highWater) - space.relocationThresholdOncePendingFree(highWater);
        // Worth waiting for only if the pending pages stand in the way of a real part of the file: at the end (a few
        // pending pages at the very end hold back every free page below them), or in the way of the moves. A writer
        // going on beside the compaction always leaves a few pages pending.
        return new Tail(space.freeTail(highWater), space.unusedTail(highWater),
            gap > WORTH_WAITING + highWater / 32);
    }

    /** A trim step: an unchanged revision that lowers the high-water mark over the free end. */
    private void trimStep()
    {
        publishUnchanged();
        progress.accept(result(true));
    }

    /**
     * Publishes a revision that changes nothing: its commit lowers the high-water mark over free pages at the end
     * (commit step 3a) and writes the meta slot that does not hold the newest durable meta.
     */
    private void publishUnchanged()
    {
        try (WriteTxn txn = engine.beginWrite())
        {
            final long held = System.nanoTime();
            txn.publishUnchanged();
            txn.commit();
            steps++;
            longestStep = Math.max(longestStep, System.nanoTime() - held);
        }
    }

    /**
     * Truncates the file exactly, in a write transaction that changes nothing.
     *
     * @return true if the file is still longer than the newest revision needs (the other meta slot holds a higher
     * mark).
     */
    private boolean shrinkExactly()
    {
        try (WriteTxn txn = engine.beginWrite())
        {
            txn.shrinkFile();
            return engine.store().fileSize() > head().requiredFileLength();
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
            Duration.ofNanos(longestStep), complete);
    }
}
