package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A damaged file can hold branch pages whose cells all lead to the same child, level after level: a
 * directed acyclic graph that a tree walk sees as a tree of fan-out^depth leaves. Within the depth
 * limit that is still astronomically many, so every walk must notice the sharing and fail fast instead
 * of "terminating eventually". The pages here are built by hand (their checksums would be valid in a
 * file), with subtree counts consistent level by level, so only the sharing itself gives them away.
 */
class SharedChildrenTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int FAN_OUT = 100;
    /** Levels of branches: FAN_OUT^LEVELS paths to the one leaf, far beyond any time limit. */
    private static final int LEVELS = 9;
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static UnsafeBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Builds a leaf with {@code leafEntries} entries under LEVELS levels of branches whose cells all
     * point at the level below.
     *
     * @param countPerLeaf the subtree count each lowest branch cell claims for the shared leaf.
     * @return the root id.
     */
    private static long sharedDag(final MemoryPages pages, final int leafEntries, final long countPerLeaf)
    {
        final Node n = new Node();
        long child = pages.allocate();
        n.wrapWritable(pages, child).init(PageHeader.TYPE_LEAF);
        for (int i = 0; i < leafEntries; i++)
        {
            final UnsafeBuffer k = bytes(String.format("key-%03d", i));
            n.insertLeafInline(i, k, 0, k.capacity(), bytes("v"), 0, 1);
        }
        long childCount = countPerLeaf;
        for (int level = 0; level < LEVELS; level++)
        {
            final long id = pages.allocate();
            n.wrapWritable(pages, id).init(PageHeader.TYPE_BRANCH);
            for (int i = 0; i < FAN_OUT; i++)
            {
                final UnsafeBuffer sep = bytes(String.format("sep-%03d", i));
                n.insertBranch(i, child, pages.revision(), childCount, sep, 0, i == 0 ? 0 : sep.capacity());
            }
            child = id;
            // Counts would overflow at the top levels; they only need to be consistent near the leaf.
            childCount = childCount > Long.MAX_VALUE / FAN_OUT ? childCount : childCount * FAN_OUT;
        }
        pages.commit();
        return child;
    }

    private static long scanForward(final MemoryPages pages, final long root)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        long n = 0;
        for (boolean ok = c.first(); ok; ok = c.next())
        {
            n++;
        }
        return n;
    }

    private static long scanBackward(final MemoryPages pages, final long root)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        long n = 0;
        for (boolean ok = c.last(); ok; ok = c.prev())
        {
            n++;
        }
        return n;
    }

    @Test
    void shouldFailFastWhenCursorScanRevisitsSharedLeaf()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long root = sharedDag(pages, 3, 3);
        final RuntimeException forward = assertTimeoutPreemptively(BOUND,
            () -> assertThrows(IllegalStateException.class, () -> scanForward(pages, root)));
        assertTrue(forward.getMessage().contains("order"), forward.getMessage());
        final RuntimeException backward = assertTimeoutPreemptively(BOUND,
            () -> assertThrows(IllegalStateException.class, () -> scanBackward(pages, root)));
        assertTrue(backward.getMessage().contains("order"), backward.getMessage());
    }

    @Test
    void shouldFailFastWhenScanFromSeekRevisitsSharedLeaf()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long root = sharedDag(pages, 3, 3);
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        final UnsafeBuffer probe = bytes("sep-050");
        assertTimeoutPreemptively(BOUND, () -> assertThrows(IllegalStateException.class, () ->
        {
            for (boolean ok = c.seek(probe, 0, probe.capacity()); ok; ok = c.next())
            {
                c.key();
            }
        }));
    }

    @Test
    void shouldSkipSubtreesCountedEmptyWithoutVisitingThem()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long root = sharedDag(pages, 0, 0);
        assertEquals(0, assertTimeoutPreemptively(BOUND, () -> scanForward(pages, root)));
        assertEquals(0, assertTimeoutPreemptively(BOUND, () -> scanBackward(pages, root)));
    }

    @Test
    void shouldRejectEmptyLeafCountedAsNonEmpty()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long root = sharedDag(pages, 0, 5);
        final RuntimeException e = assertTimeoutPreemptively(BOUND,
            () -> assertThrows(IllegalStateException.class, () -> scanForward(pages, root)));
        assertTrue(e.getMessage().contains("counts"), e.getMessage());
    }

    @Test
    void shouldRejectSharedPagesWhenCountingOrFreeing()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final long root = sharedDag(pages, 3, 3);
        final RuntimeException counting = assertTimeoutPreemptively(BOUND,
            () -> assertThrows(IllegalStateException.class,
                () -> new BTreeReader(pages).countEntries(root, pages.revisionOf(root))));
        assertTrue(counting.getMessage().contains("twice"), counting.getMessage());
        final BTreeWriter writer = new BTreeWriter(pages);
        final RuntimeException freeing = assertTimeoutPreemptively(BOUND,
            () -> assertThrows(IllegalStateException.class, () -> writer.freeTree(root, pages.revisionOf(root))));
        assertTrue(freeing.getMessage().contains("twice"), freeing.getMessage());
        pages.rollback();
    }

    @Test
    void shouldStillScanValidTreeWithEmptyLeavesAfterDeletes()
    {
        // Deletes may leave empty leaves (counted 0) between non-empty ones; scans skip them.
        final MemoryPages pages = new MemoryPages(512);
        final BTreeWriter w = new BTreeWriter(pages);
        long root = BTreeReader.EMPTY;
        long size = 0;
        for (int i = 0; i < 600; i++)
        {
            final UnsafeBuffer k = bytes(String.format("k%05d", i));
            root = w.put(root, pages.revisionOf(root), size++, k, 0, k.capacity(), bytes("value-" + i), 0, 6);
        }
        for (int i = 0; i < 600; i++)
        {
            if (i % 50 > 2)
            {
                final UnsafeBuffer k = bytes(String.format("k%05d", i));
                root = w.delete(root, pages.revisionOf(root), k, 0, k.capacity());
                size--;
            }
        }
        pages.commit();
        assertEquals(size, scanForward(pages, root));
        assertEquals(size, scanBackward(pages, root));
        assertEquals(size, new BTreeReader(pages).countEntries(root, pages.revisionOf(root)));
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        final UnsafeBuffer probe = bytes("k00104");
        assertTrue(c.seek(probe, 0, probe.capacity()));
        assertEquals("k00150", c.key().getStringWithoutLengthAscii(0, c.key().capacity()));
        assertTrue(c.prev());
        assertEquals("k00102", c.key().getStringWithoutLengthAscii(0, c.key().capacity()));
        assertFalse(size == 0);
    }
}
