package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inserts at the right edge of a tree (keys in ascending order: ids, time series, bulk loads in key order) fill
 * pages completely: a split of the rightmost page keeps the left page full and starts the right one with the new
 * entry alone, with no flag from the user. Random inserts, for contrast, leave leaves partly empty (spilling into
 * siblings keeps them about 81 % full, LeafSpillTest).
 */
class AppendFillTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int VALUE_LENGTH = 100;
    private static final int ENTRIES = 20_000;
    private static final int BATCH = 1_000;

    @Test
    void shouldFillEveryLeafButTheLastWhenKeysArriveInOrder()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long[] root = load(pages, ascending());
        final List<int[]> leaves = leaves(pages, root);
        final int cell = NodeLayout.SLOT_SIZE + NodeLayout.LEAF_CELL_OVERHEAD + 8 + VALUE_LENGTH;
        for (int i = 0; i < leaves.size() - 1; i++)
        {
            assertTrue(leaves.get(i)[1] < cell, "leaf " + i + " of " + leaves.size() + " has room for another entry: " +
                leaves.get(i)[1] + " bytes free");
        }
        final int perLeaf = leaves.get(0)[0];
        assertEquals((ENTRIES + perLeaf - 1) / perLeaf, leaves.size(), "as few leaves as the entries need");
        System.out.println("append fill: " + ENTRIES + " ascending entries in " + leaves.size() + " leaves of " +
            perLeaf + " entries");
    }

    @Test
    void shouldLeaveRoomInLeavesWhenKeysArriveInRandomOrder()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long[] keys = ascending();
        final java.util.Random random = new java.util.Random(42);
        for (int i = keys.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        final List<int[]> leaves = leaves(pages, load(pages, keys));
        final int perFullLeaf = (PAGE_SIZE - 64)
            / (NodeLayout.SLOT_SIZE + NodeLayout.LEAF_CELL_OVERHEAD + 8 + VALUE_LENGTH);
        // At least a tenth more leaves than full ones would take (with spilling, about 1.19 times as many).
        assertTrue(leaves.size() > ENTRIES / perFullLeaf + ENTRIES / perFullLeaf / 10,
            "random inserts leave room in their leaves: " + leaves.size() + " leaves");
    }

    private static long[] ascending()
    {
        final long[] keys = new long[ENTRIES];
        for (int i = 0; i < ENTRIES; i++)
        {
            keys[i] = 1_000_000L + 7L * i;
        }
        return keys;
    }

    /** Loads the keys in transactions of {@value #BATCH}; returns {root, rootRevision}. */
    private static long[] load(final MemoryPages pages, final long[] keys)
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
        long root = BTreeReader.EMPTY;
        long rootRevision = 0;
        long size = 0;
        for (int start = 0; start < keys.length; start += BATCH)
        {
            final BTreeWriter writer = new BTreeWriter(pages);
            for (int i = start; i < Math.min(keys.length, start + BATCH); i++)
            {
                key.putLong(0, keys[i], ByteOrder.BIG_ENDIAN);
                root = writer.put(root, rootRevision, size, key, 0, 8, value, 0, VALUE_LENGTH);
                rootRevision = writer.rootRevision();
                size++;
            }
            pages.commit();
        }
        return new long[]{root, rootRevision};
    }

    /** Every leaf in key order, as {entries, free bytes}. */
    private static List<int[]> leaves(final MemoryPages pages, final long[] root)
    {
        final List<int[]> leaves = new ArrayList<>();
        collect(pages, root[0], root[1], leaves);
        return leaves;
    }

    private static void collect(final MemoryPages pages, final long id, final long revision, final List<int[]> leaves)
    {
        final Node n = new Node().wrap(pages, id, revision);
        if (n.isLeaf())
        {
            leaves.add(new int[]{n.count(), n.free()});
            return;
        }
        final int count = n.count();
        final long[] children = new long[count];
        final long[] revisions = new long[count];
        for (int i = 0; i < count; i++)
        {
            children[i] = n.child(i);
            revisions[i] = n.childRevision(i);
        }
        for (int i = 0; i < count; i++)
        {
            collect(pages, children[i], revisions[i], leaves);
        }
    }
}
