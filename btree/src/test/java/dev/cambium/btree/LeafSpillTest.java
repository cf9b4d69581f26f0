package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A full leaf shares its cells with a sibling that has room before it splits ({@code LeafSpill}), so
 * random inserts keep leaves about three quarters full instead of two thirds. BTreeModelTest checks the content,
 * the subtree counts and the separators after every commit; this test checks the fill.
 */
class LeafSpillTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int VALUE_LENGTH = 100;
    private static final int ENTRIES = 30_000;
    private static final int BATCH = 1_000;

    @Test
    void shouldKeepLeavesAtLeastSeventyFivePercentFullUnderRandomInserts()
    {
        final long seed = Seeds.seed();
        try
        {
            final MemoryPages pages = new MemoryPages(PAGE_SIZE);
            final Random random = new Random(seed);
            final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
            final UnsafeBuffer value = new UnsafeBuffer(new byte[VALUE_LENGTH]);
            long root = BTreeReader.EMPTY;
            long size = 0;
            for (int start = 0; start < ENTRIES; start += BATCH)
            {
                final BTreeWriter writer = new BTreeWriter(pages);
                for (int i = 0; i < BATCH; i++)
                {
                    key.putLong(0, random.nextLong(), ByteOrder.BIG_ENDIAN);
                    root = writer.put(root, pages.revisionOf(root), size, key, 0, 8, value, 0, VALUE_LENGTH);
                    size += writer.lastPutInserted() ? 1 : 0;
                }
                pages.commit();
            }
            final long[] leavesAndBytes = new long[2];
            walk(pages, root, leavesAndBytes);
            final double fill = (double)leavesAndBytes[1]
                / (leavesAndBytes[0] * (PAGE_SIZE - NodeLayout.HEADER_LENGTH));
            System.out.printf("random fill: %d entries in %d leaves, %.3f full%n", size, leavesAndBytes[0], fill);
            // Halving splits alone give about 0.69 (measured: 0.69 without spilling, 0.81 with it).
            assertTrue(fill >= 0.75, "leaves " + fill + " full");
        }
        catch (final AssertionError e)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private static void walk(final MemoryPages pages, final long id, final long[] leavesAndBytes)
    {
        final Node n = new Node().wrap(pages, id, pages.revisionOf(id));
        if (n.isLeaf())
        {
            leavesAndBytes[0]++;
            leavesAndBytes[1] += n.used();
            return;
        }
        final long[] children = new long[n.count()];
        for (int i = 0; i < children.length; i++)
        {
            children[i] = n.child(i);
        }
        for (final long child : children)
        {
            walk(pages, child, leavesAndBytes);
        }
    }
}
