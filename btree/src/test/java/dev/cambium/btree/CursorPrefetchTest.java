package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cursor entering a leaf loads the headers of the next leaves of its scan ahead of time ({@link PageReader#prefetch}).
 * That must reach each leaf before the scan enters it, in both directions, and must stay a hint: a damaged branch
 * cell the scan has not reached yet must not fail the scan early; it fails when the scan gets there, as before.
 */
class CursorPrefetchTest
{
    private static final int ENTRIES = 8000;

    private static UnsafeBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A committed two-level tree of 4 KiB pages: a root branch over many leaves. */
    private static long twoLevelTree(final MemoryPages pages)
    {
        final BTreeWriter w = new BTreeWriter(pages);
        long root = BTreeReader.EMPTY;
        for (int i = 0; i < ENTRIES; i++)
        {
            final UnsafeBuffer k = bytes(String.format("k%05d", i));
            root = w.put(root, pages.revisionOf(root), i, k, 0, k.capacity(), bytes("value-" + i), 0, 7);
        }
        pages.commit();
        final ReadNode r = new ReadNode().wrap(pages, root, pages.revisionOf(root));
        assertFalse(r.isLeaf(), "two levels");
        assertTrue(r.count() > 2 * 16, "more leaves than one prefetch batch: " + r.count());
        for (int i = 0; i < r.count(); i++)
        {
            assertTrue(new ReadNode().wrap(pages, r.child(i), r.childRevision(i)).isLeaf(), "two levels");
        }
        return root;
    }

    /** Every leaf the scan wraps after its first was prefetched before. */
    private static void assertPrefetchedBeforeEntered(final List<String> reads, final long root)
    {
        boolean first = true;
        int entered = 0;
        for (int i = 0; i < reads.size(); i++)
        {
            final String read = reads.get(i);
            if (!read.startsWith("W ") || read.equals("W " + root))
            {
                continue;
            }
            entered++;
            if (first)
            {
                first = false;
                continue;
            }
            final String prefetch = "P " + read.substring(2);
            assertTrue(reads.subList(0, i).contains(prefetch), read + " without an earlier " + prefetch);
        }
        assertTrue(entered > 32, "entered " + entered + " leaves");
    }

    @Test
    void shouldPrefetchEachLeafBeforeAForwardScanEntersIt()
    {
        assertEveryLeafPrefetchedBeforeEntered(true);
    }

    @Test
    void shouldPrefetchEachLeafBeforeABackwardScanEntersIt()
    {
        assertEveryLeafPrefetchedBeforeEntered(false);
    }

    /** Scans a two-level tree whole in one direction and checks the order of its page reads. */
    private static void assertEveryLeafPrefetchedBeforeEntered(final boolean forward)
    {
        final MemoryPages pages = new MemoryPages(4096);
        final long root = twoLevelTree(pages);
        pages.recordReads();
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        int n = 0;
        for (boolean ok = forward ? c.first() : c.last(); ok; ok = forward ? c.next() : c.prev())
        {
            n++;
        }
        assertEquals(ENTRIES, n);
        assertPrefetchedBeforeEntered(pages.reads, root);
    }

    @Test
    void shouldFailAtADamagedBranchSlotOnlyWhenTheScanReachesIt()
    {
        final MemoryPages pages = new MemoryPages(4096);
        final long root = twoLevelTree(pages);
        final ReadNode r = new ReadNode().wrap(pages, root, pages.revisionOf(root));
        final int damaged = 5;
        final long before = r.sumCounts(damaged);
        // The slot of child 5 points past the page: inside the first prefetch batch of a scan from the start.
        new UnsafeBuffer(pages.committed.get(root)).putShort(NodeLayout.HEADER_LENGTH + damaged * NodeLayout.SLOT_SIZE,
            (short)0xFFFF);
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        assertTrue(c.first());
        final int[] visited = {1};
        final IllegalStateException e = assertThrows(IllegalStateException.class, () ->
        {
            while (c.next())
            {
                visited[0]++;
            }
        });
        assertEquals(before, visited[0], "every entry before the damaged child was visited");
        assertTrue(e.getMessage().contains("slot " + damaged + " points outside the page"), e.getMessage());
    }
}
