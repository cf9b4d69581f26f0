package dev.cambium.engine.space;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.BTreeWriter;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.Meta;
import org.agrona.collections.LongArrayList;

import java.util.BitSet;
import java.util.function.LongConsumer;

/**
 * The writer's free space: the one place that decides which page a write transaction may use, in the manner of
 * bbolt's freelist (allocate, free, pending, release, persisted state). docs/design.md describes the
 * contract (section 6); in short, for pages below the high-water mark:
 *
 * <ul>
 *   <li><b>unused</b>: no tree of the newest committed revision references the page. This is exactly the set the
 *   revision's durable free-space map holds (the <b>persisted state</b>: {@link #load} reads it at open,
 *   {@link #persist} writes a commit's changes to it).</li>
 *   <li><b>free</b> (a subset of unused): the writer may hand the page out now ({@link #allocate}), because no live
 *   revision can see it: the cleaner found so and {@link #release()} took it from the cleaner's hand-off, or
 *   nothing ever could (allocated and freed inside one transaction), or the database was just opened.</li>
 *   <li><b>pending</b> = unused minus free: obsolete in the newest revision but possibly visible to a pinned older
 *   one. Which revisions can see a pending page is the cleaner's business (the pages travel with the revision that
 *   made them obsolete, as {@link dev.cambium.revision.ObsoletePages}); this class only counts them.</li>
 * </ul>
 *
 * <p>Life of a write transaction: {@link #release()} (take what the cleaner freed) → {@link #allocate()}, any
 * number of times → either {@link #persist} + {@link #commit} (the transaction's pages are used, the pages it made
 * obsolete are pending, the pages it allocated and freed itself are free at once) or {@link #rollback()} (every
 * page it allocated is free again). Allocation takes the lowest free page, so live data drifts towards the start of
 * the file; when none is free, and the cleaner has nothing more to hand over, the caller grows the file.
 *
 * <p>Threads: the single writer thread only (the engine's write gate), apart from the volatile counters read by
 * statistics.
 */
public final class FreeSpace
{
    /**
     * The pages one write transaction changed, as the free space sees them. Implemented by the transaction's
     * working memory; every method may be called more than once per commit and must visit the same pages.
     */
    public interface Changes
    {
        /** @param action called for each page the transaction writes (used from now on). */
        void forEachWritten(LongConsumer action);

        /** @param action called for each committed page the transaction made obsolete (pending from now on). */
        void forEachObsolete(LongConsumer action);

        /** @param action called for each page the transaction allocated and freed itself (free from now on). */
        void forEachNeverVisible(LongConsumer action);

        /** @param action called for each page the transaction made unused: obsolete, then never visible. */
        default void forEachReleased(final LongConsumer action)
        {
            forEachObsolete(action);
            forEachNeverVisible(action);
        }

        /**
         * @return the transaction's high-water mark: pages at or above it are past the end of the revision it
         * commits, so the free space forgets them (after {@link #trimTail}, it may be lower than the base's).
         */
        default long highWater()
        {
            return Long.MAX_VALUE;
        }
    }

    /** Where the pages the cleaner found reusable come from: its hand-off queue ({@code PageReclaimer::drain}). */
    @FunctionalInterface
    public interface Reclaimed
    {
        /**
         * Passes every page handed off since the last call to {@code reusable}, once each.
         *
         * @param reusable receives each page id.
         * @return the number of pages passed.
         */
        int drain(LongConsumer reusable);

        /**
         * Waits, bounded, until the cleaner has handed off what the published revisions made reusable (what no
         * pinned revision can see): call {@link #drain} afterwards. Writer thread.
         *
         * @return true if the cleaner caught up; false on timeout, or if there is no cleaner thread to wait for.
         */
        default boolean awaitCaughtUp()
        {
            return false;
        }
    }

    /**
     * The fewest pending pages worth a wait for the cleaner. A small commit leaves a few pages pending: growing the
     * file by a few pages costs little, and the end is trimmed again, while the wait is taken under the write gate,
     * in front of every committer queued behind it. Measured with 16 durable committers on the idle machine: waiting
     * for any pending page against not waiting at all, 2,786-3,505 against 3,431-3,763 commits/s (2 rounds); this
     * threshold against waiting for any page, 1.02 +- 0.09 (3 rounds): within the noise, so the threshold is a bound
     * on the worst case rather than a measured gain.
     */
    static final int MIN_PENDING_TO_WAIT = 128;

    private final PageBits unused;
    private final BitSet free;
    private final Reclaimed reclaimed;
    /** Pages the open transaction took from the free set: free again if it does not commit. */
    private final LongArrayList taken = new LongArrayList();
    private final LongConsumer reusable = this::reusable;
    private final LongConsumer useWritten = this::useWritten;
    private final LongConsumer addObsolete = this::addObsolete;
    private final LongConsumer addNeverVisible = this::addNeverVisible;
    private final LongConsumer countWritten = this::countWritten;
    private final LongConsumer countObsolete = this::countObsolete;
    private final LongConsumer countNeverVisible = this::countNeverVisible;
    /** The map update's reusable state, made at the first commit (it depends on the page size). */
    private FreeSpaceMap.Update mapUpdate;
    /** The count {@link #unusedAfter} is working out. */
    private long counted;
    private FreeSpaceRoot persisted;
    /** The map as the open transaction changed it before {@link #persist} ({@link #relocateMap}), or null. */
    private FreeSpaceRoot working;
    private long lowestFree;
    /** False once the open transaction has waited for the cleaner: it waits at most once. */
    private boolean mayWait = true;
    private volatile long unusedCount;
    private volatile long freeCount;

    /**
     * @param unused    the unused pages of the revision opened; all of them are free (no readers yet).
     * @param persisted the opened revision's free-space map: root, root revision and entry count.
     * @param reclaimed the cleaner's hand-off.
     */
    public FreeSpace(final BitSet unused, final FreeSpaceRoot persisted, final Reclaimed reclaimed)
    {
        this.unused = new PageBits(unused);
        this.free = (BitSet)unused.clone();
        this.persisted = persisted;
        this.reclaimed = reclaimed;
        this.unusedCount = this.unused.cardinality();
        this.freeCount = unusedCount;
    }

    /**
     * Reads the free space of a revision being opened: its durable free-space map, checked against the meta page's
     * count. Every unused page is free: there are no readers yet.
     *
     * @param pages     the revision's pages.
     * @param meta      the revision.
     * @param file      the file's name, for messages.
     * @param reclaimed the cleaner's hand-off.
     * @return the free space.
     * @throws CorruptDatabaseException if the map is damaged or disagrees with the meta page.
     */
    public static FreeSpace load(final PageReader pages, final Meta meta, final String file, final Reclaimed reclaimed)
    {
        final BitSet unused = new BitSet();
        final long chunks = FreeSpaceMap.load(
            pages, meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), meta.highWater(), unused);
        if (unused.cardinality() != meta.freePageCount())
        {
            throw new CorruptDatabaseException("free-space map of " + file + " lists " +
                unused.cardinality() + " pages, the meta page says " + meta.freePageCount());
        }
        return new FreeSpace(
            unused, new FreeSpaceRoot(meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), chunks), reclaimed);
    }

    /**
     * Takes every page the cleaner has handed off since the last call: they become free. Called when a write
     * transaction begins, when {@link #allocate()} finds nothing free, and before a check.
     *
     * @return the number of pages taken.
     */
    public int release()
    {
        return reclaimed.drain(reusable);
    }

    /**
     * Takes the lowest free page for the open transaction, first taking what the cleaner handed off if nothing is
     * free. If still nothing is free while {@link #MIN_PENDING_TO_WAIT} or more pages are pending, waits (once per
     * transaction, bounded:
     * {@link Reclaimed#awaitCaughtUp}) for the cleaner to hand over what the published revisions made reusable.
     *
     * @return its id, or -1 if none is free (the caller grows the file).
     */
    public long allocate()
    {
        long id = take();
        if (id < 0 && release() > 0)
        {
            id = take();
        }
        if (id < 0 && mayWait && pendingWorthWaitingFor())
        {
            // Growing while the cleaner is about to hand over pages leaves the file longer for good once a page past
            // the old end holds live data (docs/design.md section 6, "Waiting for the cleaner instead of growing").
            // Once per transaction: if the wait brings nothing (readers pin the pages), later allocations grow.
            mayWait = false;
            if (reclaimed.awaitCaughtUp() && release() > 0)
            {
                id = take();
            }
        }
        if (id >= 0)
        {
            taken.addLong(id);
        }
        return id;
    }

    /**
     * @return true if at least {@link #MIN_PENDING_TO_WAIT} pages are pending: the cleaner may be about to hand them
     * over. Pages the open transaction took are unused (in the newest revision) but neither free nor pending.
     */
    private boolean pendingWorthWaitingFor()
    {
        return unusedCount - freeCount - taken.size() >= MIN_PENDING_TO_WAIT;
    }

    private long take()
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
     * The open transaction ends without committing: every page it allocated is free again. A no-op after
     * {@link #commit}.
     */
    public void rollback()
    {
        for (int j = 0; j < taken.size(); j++)
        {
            markFree(taken.getLong(j));
        }
        taken.clear();
        working = null;
        mayWait = true;
    }

    /**
     * Lowers the open transaction's high-water mark over the free pages at the end of the file (docs/design.md,
     * "Shrinking the file"): the longest run of free pages ending at {@code highWater} is taken out of the free set
     * (as taken by the transaction, so that a rollback gives it back) and, once the transaction commits, forgotten:
     * the new revision ends below it, its map does not list it, and nothing may allocate it except by growing the
     * file again from the new high-water mark. A free page is invisible to every live revision and can never become
     * visible again (a retired revision is never pinned), so no reader can reach a page past the new mark.
     *
     * @param highWater the open transaction's high-water mark.
     * @return the new high-water mark, at most {@code highWater} and at least the first data page.
     */
    public long trimTail(final long highWater)
    {
        long h = highWater;
        while (h > Meta.FIRST_DATA_PAGE && h - 1 <= Integer.MAX_VALUE && free.get((int)(h - 1)))
        {
            h--;
        }
        if (h == highWater)
        {
            return highWater;
        }
        for (long id = h; id < highWater; id++)
        {
            free.clear((int)id);
            taken.addLong(id);
        }
        freeCount -= highWater - h;
        return h;
    }

    /**
     * @param highWater the newest revision's high-water mark.
     * @return how many pages at the end of the file are free now, which the next commit would cut off. Writer
     * thread.
     */
    public long freeTail(final long highWater)
    {
        long h = highWater;
        while (h > Meta.FIRST_DATA_PAGE && free.get(checked(h - 1)))
        {
            h--;
        }
        return highWater - h;
    }

    /**
     * @param highWater the newest revision's high-water mark.
     * @return how many pages at the end of the file are unused, free or pending: what trimming could give back once
     * the pending ones among them are free (a few pending pages at the very end hold back every free page below
     * them). Writer thread.
     */
    public long unusedTail(final long highWater)
    {
        long h = highWater;
        while (h > Meta.FIRST_DATA_PAGE && unused.get(checked(h - 1)))
        {
            h--;
        }
        return highWater - h;
    }

    /**
     * Where a compaction step moves pages away from: the lowest page id {@code t} such that the free pages below
     * {@code t} outnumber the used pages from {@code t} to {@code highWater}, with a margin for the copies of the
     * pages on the paths to them and the free-space map's own changes. Writer thread.
     *
     * @param highWater the open transaction's high-water mark.
     * @return the threshold, at most {@code highWater}.
     */
    public long relocationThreshold(final long highWater)
    {
        return relocationThreshold(highWater, free);
    }

    /**
     * Like {@link #relocationThreshold(long)} as it would be if every pending page were free: how far a compaction
     * could go once the readers that see them move on. Writer thread.
     *
     * @param highWater the open transaction's high-water mark.
     * @return the threshold, at most {@link #relocationThreshold(long)}.
     */
    public long relocationThresholdOncePendingFree(final long highWater)
    {
        return relocationThreshold(highWater, unused.toBitSet());
    }

    private long relocationThreshold(final long highWater, final BitSet available)
    {
        final int hw = checked(highWater);
        long freeBelow = available.get(0, hw).cardinality();
        long usedAbove = 0;
        int t = hw;
        while (t > Meta.FIRST_DATA_PAGE)
        {
            final int page = t - 1;
            final long nextFree = available.get(page) ? freeBelow - 1 : freeBelow;
            final long nextUsed = unused.get(page) ? usedAbove : usedAbove + 1;
            if (nextFree < nextUsed + nextUsed / 8 + 16)
            {
                break;
            }
            freeBelow = nextFree;
            usedAbove = nextUsed;
            t = page;
        }
        return t;
    }

    /**
     * Copies, on write, every page of the free-space map at or above {@code threshold} (and the pages on the
     * way to it), so that its copies land in low free pages: one step of a compaction. {@link #persist} then starts
     * from the relocated map. At most about {@code budget} pages are copied; call again in a later transaction for
     * the rest.
     *
     * @param writer    the transaction's tree writer.
     * @param threshold the first page id to move away from.
     * @param budget    how many pages to copy at most (the step's bound).
     * @return the number of pages copied.
     */
    public long relocateMap(final BTreeWriter writer, final long threshold, final long budget)
    {
        final FreeSpaceRoot from = working != null ? working : persisted;
        if (from.root() == 0)
        {
            return 0;
        }
        final long root = writer.relocate(from.root(), from.rootRevision(), threshold, budget);
        final long moved = writer.lastRelocated();
        if (moved > 0)
        {
            working = new FreeSpaceRoot(root, writer.rootRevision(), from.chunks());
        }
        return moved;
    }

    /**
     * Records that the cleaner found a page reusable (no live revision can see it).
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
     * Writes the open transaction's changes into the durable free-space map, inside the transaction (the map's
     * pages are copied on write like any other). Does not change this object: {@link #commit} adopts the result
     * once the revision is published.
     *
     * @param writer  the transaction's tree writer.
     * @param changes the transaction's pages.
     * @return the new map's root, root revision and entry count, for the new meta page and {@link #commit}.
     * @throws CorruptDatabaseException if a page of the map is damaged.
     */
    public FreeSpaceRoot persist(final BTreeWriter writer, final Changes changes)
    {
        if (mapUpdate == null)
        {
            mapUpdate = new FreeSpaceMap.Update(writer.pages().pageSize());
        }
        return FreeSpaceMap.update(writer, working != null ? working : persisted, this, changes, mapUpdate);
    }

    /**
     * The number of unused pages after the open transaction commits, for the meta page.
     *
     * @param changes the transaction's pages.
     * @return the count.
     */
    public long unusedAfter(final Changes changes)
    {
        counted = unusedCount;
        changes.forEachWritten(countWritten);
        changes.forEachObsolete(countObsolete);
        changes.forEachNeverVisible(countNeverVisible);
        // Pages past a lowered high-water mark leave the accounting (trimTail): all were unused and free.
        final long highWater = changes.highWater();
        if (highWater <= Integer.MAX_VALUE)
        {
            for (int id = unused.nextSetBit((int)highWater); id >= 0; id = unused.nextSetBit(id + 1))
            {
                counted--;
            }
        }
        return counted;
    }

    private void countWritten(final long id)
    {
        if (isUnused(id))
        {
            counted--;
        }
    }

    private void countObsolete(final long id)
    {
        counted++;
    }

    private void countNeverVisible(final long id)
    {
        if (!isUnused(id))
        {
            counted++;
        }
    }

    /**
     * Applies a published commit: its pages are used, the pages it made obsolete are pending, and the pages it
     * allocated and freed itself are free at once (no revision ever saw them); the map {@link #persist} wrote is
     * the persisted state from now on.
     *
     * @param changes the transaction's pages.
     * @param map     what {@link #persist} returned for this commit.
     */
    public void commit(final Changes changes, final FreeSpaceRoot map)
    {
        changes.forEachWritten(useWritten);
        changes.forEachObsolete(addObsolete);
        changes.forEachNeverVisible(addNeverVisible);
        // Pages past a lowered high-water mark are past the end of the new revision: forgotten (trimTail took
        // them out of the free set already).
        final long highWater = changes.highWater();
        if (highWater <= Integer.MAX_VALUE)
        {
            unused.clearFrom((int)highWater);
        }
        // Kept by set and clear as the pages change: the work is proportional to the commit, not to the file.
        unusedCount = unused.cardinality();
        persisted = map;
        working = null;
        taken.clear();
        mayWait = true;
    }

    private void useWritten(final long id)
    {
        unused.clear(checked(id));
    }

    private void addObsolete(final long id)
    {
        unused.set(checked(id));
    }

    private void addNeverVisible(final long id)
    {
        unused.set(checked(id));
        markFree(id);
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
     * @param fromPage a page id.
     * @return the lowest page at or after {@code fromPage} unused by the newest revision, or -1 if none.
     */
    long nextUnused(final long fromPage)
    {
        if (fromPage > Integer.MAX_VALUE)
        {
            return -1;
        }
        return unused.nextSetBit((int)Math.max(0, fromPage));
    }

    /**
     * Copies the unused bits of one chunk of pages.
     *
     * @param firstPage the chunk's first page, a multiple of 64.
     * @param target    receives the bits as 64-bit words (bit i of word w = page firstPage + 64 w + i).
     * @param words     the number of words.
     */
    void unusedWords(final long firstPage, final long[] target, final int words)
    {
        unused.copyWords(checked(firstPage) >>> 6, target, words);
    }

    /**
     * @return pages unused by the newest revision (free or pending). Any thread.
     */
    public long unusedCount()
    {
        return unusedCount;
    }

    /**
     * @return pages the writer may hand out now. Any thread.
     */
    public long freeCount()
    {
        return freeCount;
    }

    /**
     * @return pages unused by the newest revision but possibly visible to an older pinned one. Any thread; a racy
     * snapshot of two counters.
     */
    public long pendingCount()
    {
        return unusedCount - freeCount;
    }

    /**
     * @return the newest revision's free-space map: root, root revision and entry count.
     */
    public FreeSpaceRoot persisted()
    {
        return persisted;
    }

    /**
     * @return a copy of the unused set (consistency checks).
     */
    public BitSet unusedSnapshot()
    {
        return unused.toBitSet();
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
}
