package dev.cambium.engine.space;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeWriter;
import dev.cambium.btree.NodeLayout;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.PageDamage;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.LongConsumer;

/**
 * The durable free-space map: the set of pages below the high-water mark that no tree of a revision
 * references, stored in that revision as a B+tree of bitmaps (the meta page's free-space root).
 *
 * <pre>
 *  key:   u64 chunk number, big-endian (so chunks sort by number)
 *  value: bitmap of the chunk's pages, little-endian 64-bit words; bit i = page chunk * chunkPages + i
 *  chunkPages = 8 * chunkBytes, chunkBytes = min(256, floor8(maxCellWithSlot - 6 - 7 - 8))   (slot, leaf cell overhead, 8-byte key)
 *             = 2048 pages a chunk at 4 KiB pages, 1088 at 512 B
 * </pre>
 * An all-zero chunk is not stored. A commit rewrites only the chunks its pages fall in, so its cost is
 * proportional to the pages it changed, not to the size of the free set (bbolt rewrites its whole
 * free list on every commit).
 *
 * <p>Updating the map inside the commit changes pages too (the map's own pages are copied on write
 * and may come from the free set), which changes the map again. {@link #update} therefore repeats
 * until a pass changes nothing; each pass can only touch pages not yet private to the transaction,
 * so it converges within a few passes.
 *
 * <p>The writer reaches the map only through {@link FreeSpace} (its persisted state); {@link #load} is public
 * for the consistency check, which reads the map of any revision.
 *
 * <p>Threads: the writer thread (update) and the opening or checking thread (load).
 */
public final class FreeSpaceMap
{
    private static final int MAX_PASSES = 64;

    private FreeSpaceMap()
    {
    }

    /**
     * @param pageSize the page size.
     * @return bytes of bitmap per chunk.
     */
    public static int chunkBytes(final int pageSize)
    {
        final int room = NodeLayout.maxCellWithSlot(pageSize) - NodeLayout.SLOT_SIZE - NodeLayout.LEAF_CELL_OVERHEAD
            - 8;
        return Math.min(256, room & ~7);
    }

    /**
     * Reads a revision's free-space map.
     *
     * @param pages        the revision's pages.
     * @param root         the map's root (0 = empty).
     * @param rootRevision the revision that wrote the root (0 = empty).
     * @param highWater    the revision's high-water mark: every bit must lie below it.
     * @param unused       receives the unused pages.
     * @return the number of chunks in the map.
     * @throws CorruptDatabaseException if a page of the map is damaged; the message names the free-space map.
     */
    public static long load(
        final PageReader pages, final long root, final long rootRevision, final long highWater, final BitSet unused)
    {
        try
        {
            return loadChunks(pages, root, rootRevision, highWater, unused);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("free-space map", e);
        }
    }

    private static long loadChunks(
        final PageReader pages, final long root, final long rootRevision, final long highWater, final BitSet unused)
    {
        final int chunkBytes = chunkBytes(pages.pageSize());
        final long chunkPages = chunkBytes * 8L;
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, rootRevision);
        long chunks = 0;
        long previous = -1;
        for (boolean ok = c.first(); ok; ok = c.next())
        {
            if (c.key().capacity() != 8 || c.value().capacity() != chunkBytes)
            {
                throw pages.corrupt(root, "free-space map entry has the wrong size");
            }
            final long chunk = c.key().getLong(0, ByteOrder.BIG_ENDIAN);
            if (chunk <= previous || chunk < 0 || chunk > Integer.MAX_VALUE / chunkPages)
            {
                throw pages.corrupt(root, "free-space map chunk " + chunk + " out of order or range");
            }
            previous = chunk;
            final UnsafeBuffer bits = (UnsafeBuffer)c.value();
            for (int w = 0; w < chunkBytes / 8; w++)
            {
                long word = bits.getLong(w * 8, ByteOrder.LITTLE_ENDIAN);
                while (word != 0)
                {
                    final long page = chunk * chunkPages + w * 64L + Long.numberOfTrailingZeros(word);
                    if (page < 2 || page >= highWater)
                    {
                        throw pages.corrupt(root, "free-space map lists page " + page +
                            " outside [2, " + highWater + ")");
                    }
                    unused.set((int)page);
                    word &= word - 1;
                }
            }
            chunks++;
        }
        return chunks;
    }

    /**
     * Brings the map in the transaction's working memory up to date with its changes, repeating until
     * the map's own changes are accounted for.
     *
     * @param writer  the transaction's tree writer.
     * @param start   the map as of the revision the transaction started from.
     * @param base    the unused pages of that revision.
     * @param changes the transaction's written and released pages (re-read on every pass).
     * @param scratch the writer's reusable state for the update.
     * @return the new map: root, the revision that wrote it, and entry count.
     * @throws CorruptDatabaseException if a page of the map is damaged; the message names the free-space map.
     */
    static FreeSpaceRoot update(final BTreeWriter writer, final FreeSpaceRoot start, final FreeSpace base,
        final FreeSpace.Changes changes, final Update scratch)
    {
        try
        {
            return scratch.run(writer, start, base, changes);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("free-space map", e);
        }
        finally
        {
            scratch.end();
        }
    }

    /**
     * The state of one map update, kept by the writer from one commit to the next so that a commit allocates
     * nothing for it: for every chunk the commit touches (a slot), the chunk's bits in the base revision, the bits
     * the current pass wants, and what the map holds for it now. A pass recomputes the wanted bits of every slot from
     * the base and the transaction's changes (cost proportional to the pages changed plus a copy of each touched
     * chunk), and goes to the tree only for a chunk whose wanted bits differ from what the map is known to hold:
     * the map's value of a chunk changes only by this update's own puts and deletes, so after the first pass only
     * the chunks the map's own pages fall in are read or written again.
     *
     * <p>Threads: the writer thread.
     */
    static final class Update
    {
        /** Slots kept between commits at most; a larger commit's extra arrays are dropped at its end. */
        private static final int KEPT_SLOTS = 1024;
        private static final byte UNKNOWN = 0;
        private static final byte ABSENT = 1;
        private static final byte PRESENT = 2;

        private final int chunkBytes;
        private final int chunkPages;
        private final int chunkWords;
        private final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        private final UnsafeBuffer value;
        private final UnsafeBuffer current = new UnsafeBuffer(0, 0);
        private final Long2LongHashMap slotOf = new Long2LongHashMap(-1);
        private final LongConsumer written = this::written;
        private final LongConsumer released = this::released;
        private long[] chunkOf = new long[16];
        private long[][] baseWords = new long[16][];
        private long[][] want = new long[16][];
        private long[][] stored = new long[16][];
        private byte[] state = new byte[16];
        private long[] order = new long[16];
        private int slots;
        private long lastChunk = -1;
        private int lastSlot;
        private FreeSpace base;

        /**
         * @param pageSize the database's page size.
         */
        Update(final int pageSize)
        {
            chunkBytes = chunkBytes(pageSize);
            chunkPages = chunkBytes * 8;
            chunkWords = chunkBytes / 8;
            value = new UnsafeBuffer(new byte[chunkBytes]);
        }

        private FreeSpaceRoot run(
            final BTreeWriter writer, final FreeSpaceRoot start, final FreeSpace base, final FreeSpace.Changes changes)
        {
            if (chunkBytes(writer.pages().pageSize()) != chunkBytes)
            {
                throw new IllegalArgumentException("page size " + writer.pages().pageSize() + " is not this map's");
            }
            this.base = base;
            long r = start.root();
            long rr = start.rootRevision();
            long chunks = start.chunks();
            for (int pass = 0; pass < MAX_PASSES; pass++)
            {
                // The wanted bitmap of every chunk the transaction touched: base, minus written, plus released.
                for (int s = 0; s < slots; s++)
                {
                    System.arraycopy(baseWords[s], 0, want[s], 0, chunkWords);
                }
                changes.forEachWritten(written);
                changes.forEachReleased(released);
                // A lowered high-water mark (FreeSpace.trimTail): the map lists no page at or above it. The mark is
                // read on every pass, as the map's own allocations may have grown the file again.
                final long cut = changes.highWater();
                for (long id = base.nextUnused(cut); id >= 0; id = base.nextUnused((id / chunkPages + 1) * chunkPages))
                {
                    slot(id / chunkPages);
                }
                if (cut != Long.MAX_VALUE)
                {
                    for (int s = 0; s < slots; s++)
                    {
                        clearFrom(want[s], cut - chunkOf[s] * chunkPages);
                    }
                }
                // In chunk order (the slot number rides in the low bits: chunk numbers and slots are below 2^31).
                for (int s = 0; s < slots; s++)
                {
                    order[s] = chunkOf[s] << 32 | s;
                }
                Arrays.sort(order, 0, slots);
                boolean changed = false;
                for (int i = 0; i < slots; i++)
                {
                    final int s = (int)order[i];
                    final long chunk = order[i] >>> 32;
                    final long[] words = want[s];
                    key.putLong(0, chunk, ByteOrder.BIG_ENDIAN);
                    if (state[s] == UNKNOWN)
                    {
                        if (writer.get(r, rr, key, 0, 8, current))
                        {
                            if (current.capacity() != chunkBytes)
                            {
                                throw writer.pages().corrupt(r, "free-space map entry has the wrong size");
                            }
                            for (int w = 0; w < chunkWords; w++)
                            {
                                stored[s][w] = current.getLong(w * 8, ByteOrder.LITTLE_ENDIAN);
                            }
                            state[s] = PRESENT;
                        }
                        else
                        {
                            state[s] = ABSENT;
                        }
                    }
                    if (isZero(words))
                    {
                        if (state[s] == PRESENT)
                        {
                            r = writer.delete(r, rr, key, 0, 8);
                            rr = writer.rootRevision();
                            chunks--;
                            state[s] = ABSENT;
                            changed = true;
                        }
                        continue;
                    }
                    if (state[s] == PRESENT && Arrays.equals(stored[s], words))
                    {
                        continue;
                    }
                    for (int w = 0; w < chunkWords; w++)
                    {
                        value.putLong(w * 8, words[w], ByteOrder.LITTLE_ENDIAN);
                    }
                    r = writer.put(r, rr, chunks, key, 0, 8, value, 0, chunkBytes);
                    rr = writer.rootRevision();
                    if (writer.lastPutInserted())
                    {
                        chunks++;
                    }
                    System.arraycopy(words, 0, stored[s], 0, chunkWords);
                    state[s] = PRESENT;
                    changed = true;
                }
                if (!changed)
                {
                    return new FreeSpaceRoot(r, rr, chunks);
                }
            }
            throw new IllegalStateException("free-space map did not converge in " + MAX_PASSES + " passes");
        }

        private void written(final long id)
        {
            final int bit = (int)(id % chunkPages);
            final int s = slot(id / chunkPages); // first: it may grow the arrays
            want[s][bit >>> 6] &= ~(1L << bit);
        }

        private void released(final long id)
        {
            final int bit = (int)(id % chunkPages);
            final int s = slot(id / chunkPages); // first: it may grow the arrays
            want[s][bit >>> 6] |= 1L << bit;
        }

        /** The slot of a chunk, created (base bits read, wanted bits = base, map value unknown) on first use. */
        private int slot(final long chunk)
        {
            if (chunk == lastChunk)
            {
                return lastSlot;
            }
            int s = (int)slotOf.get(chunk);
            if (s < 0)
            {
                s = slots++;
                if (s == chunkOf.length)
                {
                    grow();
                }
                if (baseWords[s] == null)
                {
                    baseWords[s] = new long[chunkWords];
                    want[s] = new long[chunkWords];
                    stored[s] = new long[chunkWords];
                }
                chunkOf[s] = chunk;
                state[s] = UNKNOWN;
                base.unusedWords(chunk * chunkPages, baseWords[s], chunkWords);
                System.arraycopy(baseWords[s], 0, want[s], 0, chunkWords);
                slotOf.put(chunk, s);
            }
            lastChunk = chunk;
            lastSlot = s;
            return s;
        }

        private void grow()
        {
            final int capacity = chunkOf.length * 2;
            chunkOf = Arrays.copyOf(chunkOf, capacity);
            baseWords = Arrays.copyOf(baseWords, capacity);
            want = Arrays.copyOf(want, capacity);
            stored = Arrays.copyOf(stored, capacity);
            state = Arrays.copyOf(state, capacity);
            order = Arrays.copyOf(order, capacity);
        }

        /** Forgets the commit's slots; keeps the arrays of at most {@link #KEPT_SLOTS} for the next commit. */
        private void end()
        {
            for (int s = KEPT_SLOTS; s < slots; s++)
            {
                baseWords[s] = null;
                want[s] = null;
                stored[s] = null;
            }
            slots = 0;
            lastChunk = -1;
            slotOf.clear();
            base = null;
        }
    }

    /** Clears the bits of one chunk's words from bit {@code from} on (every bit if {@code from} is negative). */
    private static void clearFrom(final long[] words, final long from)
    {
        final long start = Math.max(0, from);
        if (start >= words.length * 64L)
        {
            return;
        }
        int w = (int)(start >>> 6);
        words[w] &= (1L << (start & 63)) - 1; // keep the bits below start
        for (w++; w < words.length; w++)
        {
            words[w] = 0;
        }
    }

    private static boolean isZero(final long[] words)
    {
        for (final long w : words)
        {
            if (w != 0)
            {
                return false;
            }
        }
        return true;
    }
}
