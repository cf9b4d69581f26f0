package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every descent carries the revision each pointer records and the page source compares it with the page's
 * header: a child that holds another revision (an older version of itself left by a lost write) fails every
 * path that reaches it, reads and the writer's copy-on-write alike, before anything is returned or changed.
 */
class PointerRevisionTest
{
    private static UnsafeBuffer bytes(final String s)
    {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A committed two-level tree (revision 1) and the id of its first leaf, whose header then claims revision 0. */
    private static long[] treeWithStaleLeaf(final MemoryPages pages)
    {
        final BTreeWriter w = new BTreeWriter(pages);
        long root = BTreeReader.EMPTY;
        for (int i = 0; i < 200; i++)
        {
            final UnsafeBuffer k = bytes(String.format("k%05d", i));
            root = w.put(root, pages.revisionOf(root), i, k, 0, k.capacity(), bytes("value-" + i), 0, 7);
        }
        pages.commit();
        final Node r = new Node().wrap(pages, root, 1);
        assertTrue(!r.isLeaf(), "two levels");
        final long leaf = r.child(0);
        assertEquals(1, r.childRevision(0));
        new UnsafeBuffer(pages.committed.get(leaf)).putLong(PageHeader.REVISION_OFFSET, 0);
        return new long[]{root, leaf};
    }

    private static void assertStale(final long page, final long found, final long expected, final Runnable op)
    {
        final IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
        assertTrue(e.getMessage().startsWith("page " + page + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("holds revision " + found + " but the pointer to it expects revision " +
            expected), e.getMessage());
    }

    @Test
    void shouldRejectAChildHoldingAnotherRevisionOnEveryPath()
    {
        final MemoryPages pages = new MemoryPages(512);
        final long[] t = treeWithStaleLeaf(pages);
        final long root = t[0];
        final BTreeReader reader = new BTreeReader(pages);
        final UnsafeBuffer first = bytes("k00000");
        final Consumer<Runnable> stale = op -> assertStale(t[1], 0, 1, op);
        stale.accept(() -> reader.get(root, 1, first, 0, 6, new UnsafeBuffer(0, 0)));
        stale.accept(() -> reader.getCopy(root, 1, first, 0, 6));
        stale.accept(() -> reader.rank(root, 1, first, 0, 6));
        stale.accept(() -> reader.countEntries(root, 1));
        stale.accept(() -> reader.forEachPage(root, 1, id ->
        {
        }));
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, 1);
        stale.accept(c::first);
        final BTreeWriter w = new BTreeWriter(pages);
        stale.accept(() -> w.put(root, 1, 200, first, 0, 6, bytes("new"), 0, 3));
        stale.accept(() -> w.delete(root, 1, first, 0, 6));
        stale.accept(() -> w.freeTree(root, 1));
        pages.rollback();
        // The root itself, reached with a revision its header does not hold.
        assertStale(root, 1, 2, () -> reader.contains(root, 2, first, 0, 6));
    }
}
