package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Database#treeStats()}: entries, depth and pages by kind for an empty tree, a one-leaf tree, a
 * multi-level tree and a tree of values larger than a page, and their pages fit in the pages the newest
 * revision uses.
 */
class TreeStatsTest
{
    @TempDir
    Path dir;

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    @Test
    void shouldCountPagesByKindAndDepthPerTree()
    {
        try (Database db = Database.open(dir.resolve("stats.cambium"),
            DatabaseOptions.builder().pageSize(1024).durability(Durability.NO_SYNC).build()))
        {
            db.write(txn ->
            {
                txn.createTree("empty");
                final Tree small = txn.createTree("small");
                for (int i = 0; i < 3; i++)
                {
                    small.put(key(i), new byte[]{(byte)i});
                }
                final Tree big = txn.createTree("big");
                for (int i = 0; i < 5000; i++)
                {
                    big.put(key(i), new byte[40]);
                }
                final Tree large = txn.createTree("large");
                for (int i = 0; i < 3; i++)
                {
                    large.put(key(i), new byte[5000]);
                }
            });
            final List<TreeStats> stats = db.treeStats();
            assertEquals(List.of("big", "empty", "large", "small"), stats.stream().map(TreeStats::name).toList());
            final TreeStats big = stats.get(0);
            final TreeStats empty = stats.get(1);
            final TreeStats large = stats.get(2);
            final TreeStats small = stats.get(3);

            assertEquals(new TreeStats("empty", 0, 0, 0, 0, 0), empty);
            assertEquals(new TreeStats("small", 3, 1, 0, 1, 0), small);

            assertEquals(5000, big.entries());
            assertTrue(big.depth() >= 2, big.toString());
            assertTrue(big.branchPages() >= 1, big.toString());
            // 5000 cells of at least 44 bytes of key and value cannot fit in fewer than 5000 * 44 / 1024 leaves
            assertTrue(big.leafPages() >= 5000 * 44 / 1024, big.toString());
            assertEquals(0, big.overflowPages(), big.toString());

            assertEquals(3, large.entries());
            assertEquals(1, large.depth(), large.toString());
            // each 5000-byte value needs more than 4 pages of 1024 bytes
            assertTrue(large.overflowPages() >= 15, large.toString());

            final DatabaseStats totals = db.stats();
            final long used = totals.pageCount() - totals.freePages() - totals.pendingPages() - 2; // meta pages
            final long treePages = stats.stream().mapToLong(TreeStats::pages).sum();
            assertTrue(treePages < used, treePages + " tree pages, " + used + " pages used");
        }
    }
}
