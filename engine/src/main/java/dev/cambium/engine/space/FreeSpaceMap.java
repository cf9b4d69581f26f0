package dev.cambium.engine.space;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeWriter;
import dev.cambium.btree.NodeLayout;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.PageDamage;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.BitSet;

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
     * @return the new map: root, the revision that wrote it, and entry count.
     * @throws CorruptDatabaseException if a page of the map is damaged; the message names the free-space map.
     */
    static FreeSpaceRoot update(
        final BTreeWriter writer, final FreeSpaceRoot start, final FreeSpace base, final FreeSpace.Changes changes)
    {
        try
        {
            return updateChunks(writer, start, base, changes);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("free-space map", e);
        }
    }

    private static FreeSpaceRoot updateChunks(
        final BTreeWriter writer, final FreeSpaceRoot start, final FreeSpace base, final FreeSpace.Changes changes)
    {
        final int chunkBytes = chunkBytes(writer.pages().pageSize());
        final int chunkPages = chunkBytes * 8;
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[chunkBytes]);
        final UnsafeBuffer current = new UnsafeBuffer(0, 0);
        long r = start.root();
        long rr = start.rootRevision();
        long chunks = start.chunks();
        for (int pass = 0; pass < MAX_PASSES; pass++)
        {
            // The desired bitmap of every chunk the transaction touched: base, minus written, plus released.
            final Long2ObjectHashMap<long[]> desired = new Long2ObjectHashMap<>();
            changes.forEachWritten(id -> bits(desired, base, id / chunkPages, chunkPages)[word(id,
                chunkPages)] &= ~(1L << (id % chunkPages)));
            changes.forEachReleased(id -> bits(desired, base, id / chunkPages, chunkPages)[word(id,
                chunkPages)] |= 1L << (id % chunkPages));
            // A lowered high-water mark (FreeSpace.trimTail): the map lists no page at or above it. The mark is read
            // on every pass, as the map's own allocations may have grown the file again.
            final long cut = changes.highWater();
            for (long id = base.nextUnused(cut); id >= 0; id = base.nextUnused((id / chunkPages + 1) * chunkPages))
            {
                bits(desired, base, id / chunkPages, chunkPages);
            }
            if (cut != Long.MAX_VALUE)
            {
                desired.forEach((chunk, words) -> clearFrom(words, cut - chunk * chunkPages));
            }
            final long[] order = new long[desired.size()];
            int n = 0;
            final Long2ObjectHashMap<long[]>.KeyIterator it = desired.keySet().iterator();
            while (it.hasNext())
            {
                order[n++] = it.nextLong();
            }
            Arrays.sort(order);
            boolean changed = false;
            for (final long chunk : order)
            {
                final long[] want = desired.get(chunk);
                key.putLong(0, chunk, ByteOrder.BIG_ENDIAN);
                final boolean present = writer.get(r, rr, key, 0, 8, current);
                if (present && current.capacity() != chunkBytes)
                {
                    throw writer.pages().corrupt(r, "free-space map entry has the wrong size");
                }
                if (isZero(want))
                {
                    if (present)
                    {
                        r = writer.delete(r, rr, key, 0, 8);
                        rr = writer.rootRevision();
                        chunks--;
                        changed = true;
                    }
                    continue;
                }
                if (present && equal(current, want))
                {
                    continue;
                }
                for (int w = 0; w < want.length; w++)
                {
                    value.putLong(w * 8, want[w], ByteOrder.LITTLE_ENDIAN);
                }
                r = writer.put(r, rr, chunks, key, 0, 8, value, 0, chunkBytes);
                rr = writer.rootRevision();
                if (writer.lastPutInserted())
                {
                    chunks++;
                }
                changed = true;
            }
            if (!changed)
            {
                return new FreeSpaceRoot(r, rr, chunks);
            }
        }
        throw new IllegalStateException("free-space map did not converge in " + MAX_PASSES + " passes");
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

    private static int word(final long id, final int chunkPages)
    {
        return (int)((id % chunkPages) >>> 6);
    }

    private static long[] bits(
        final Long2ObjectHashMap<long[]> desired, final FreeSpace base, final long chunk, final int chunkPages)
    {
        long[] b = desired.get(chunk);
        if (b == null)
        {
            b = Arrays.copyOf(base.unusedWords(chunk * chunkPages, chunkPages), chunkPages / 64);
            desired.put(chunk, b);
        }
        return b;
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

    private static boolean equal(final UnsafeBuffer current, final long[] want)
    {
        for (int w = 0; w < want.length; w++)
        {
            if (current.getLong(w * 8, ByteOrder.LITTLE_ENDIAN) != want[w])
            {
                return false;
            }
        }
        return true;
    }

}
