package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static dev.cambium.btree.BTreeModelTest.buf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The writer's append path ({@link BTreeWriter}, design note): keys in ascending order go to the end of the remembered
 * rightmost leaf without a descent, and every other change forgets the path. Checked against a model with the
 * changes that must make the writer forget it mixed in: puts and deletes elsewhere in the same tree, replacing or
 * deleting the last key, appends to a second tree through the same writer, overflow and empty values, full leaves,
 * rollbacks (the engine's working memory may hand the next transaction the same revision and page ids).
 */
class AppendPathTest
{
    @Test
    void shouldAppendWithoutDescendingWhileTheRightmostLeafHasRoom()
    {
        final MemoryPages pages = new MemoryPages(4096);
        final BTreeWriter w = new BTreeWriter(pages);
        final NavigableMap<byte[], byte[]> model = new TreeMap<>(new BTreeModelTest.Comparator());
        long root = BTreeReader.EMPTY;
        // Three levels: enough entries for branches above the leaves.
        for (long k = 0; k < 5_000; k++)
        {
            root = put(w, pages, root, model, key(k), new byte[100]);
        }
        pages.commit();
        w.beginTransaction();
        root = put(w, pages, root, model, key(5_000), new byte[100]); // descends, copies the path, remembers it
        final int wraps = pages.writableWraps;
        final int copies = pages.copies;
        int appended = 0;
        for (long k = 5_001; hasRoomForAnother(pages, root); k++)
        {
            root = put(w, pages, root, model, key(k), new byte[100]);
            appended++;
        }
        assertTrue(appended > 0, "the rightmost leaf had room after the first put");
        assertEquals(wraps, pages.writableWraps, "no page made writable again for " + appended + " appends");
        assertEquals(copies, pages.copies, "no page copied");
        pages.commit();
        BTreeModelTest.verify(pages, root, model, new Random(1), "after " + appended + " appends");
    }

    @ParameterizedTest(name = "pageSize={0}")
    @ValueSource(ints = {512, 4096})
    void shouldMatchTheModelWhenAppendsMixWithChangesThatForgetThePath(final int pageSize)
    {
        final long seed = Seeds.seed();
        try
        {
            run(pageSize, seed);
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    private static void run(final int pageSize, final long seed)
    {
        final Random rnd = new Random(seed);
        final MemoryPages pages = new MemoryPages(pageSize);
        final BTreeWriter w = new BTreeWriter(pages);
        final long[] roots = {BTreeReader.EMPTY, BTreeReader.EMPTY};
        final long[] next = {1L << 40, 1L << 40};
        @SuppressWarnings("unchecked")
        final NavigableMap<byte[], byte[]>[] models = new NavigableMap[]{
            new TreeMap<>(new BTreeModelTest.Comparator()), new TreeMap<>(new BTreeModelTest.Comparator())};
        for (int t = 0; t < 40; t++)
        {
            w.beginTransaction();
            final long[] working = roots.clone();
            final long[] workingNext = next.clone();
            @SuppressWarnings("unchecked")
            final NavigableMap<byte[], byte[]>[] wm = new NavigableMap[]{new TreeMap<>(models[0]),
                new TreeMap<>(models[1])};
            final int ops = 50 + rnd.nextInt(400);
            for (int o = 0; o < ops; o++)
            {
                final int tree = rnd.nextInt(8) == 0 ? 1 : 0; // mostly one tree, runs broken by the other
                final NavigableMap<byte[], byte[]> model = wm[tree];
                final int op = rnd.nextInt(100);
                if (op < 80)
                {
                    // An append, now and then with an overflow, empty or long value.
                    workingNext[tree] += 1 + rnd.nextInt(3);
                    working[tree] = put(w, pages, working[tree], model, key(workingNext[tree]), value(rnd));
                }
                else if (op < 86 && !model.isEmpty())
                {
                    // Replace the last key (a put whose key equals the leaf's last key).
                    working[tree] = put(w, pages, working[tree], model, model.lastKey(), value(rnd));
                }
                else if (op < 90 && !model.isEmpty())
                {
                    // Delete the last key: the next append goes after a smaller last key.
                    final byte[] last = model.lastKey();
                    working[tree] = w.delete(working[tree], pages.revisionOf(working[tree]), buf(last), 0, last.length);
                    assertTrue(w.lastDeleteFound());
                    model.remove(last);
                }
                else if (op < 95)
                {
                    // A put in the middle (new or existing key).
                    final long k = (1L << 40) + rnd.nextLong(workingNext[tree] - (1L << 40) + 1);
                    working[tree] = put(w, pages, working[tree], model, key(k), value(rnd));
                }
                else if (!model.isEmpty())
                {
                    final byte[] k = key((1L << 40) + rnd.nextLong(workingNext[tree] - (1L << 40) + 1));
                    working[tree] = w.delete(working[tree], pages.revisionOf(working[tree]), buf(k), 0, k.length);
                    assertEquals(model.remove(k) != null, w.lastDeleteFound());
                }
            }
            for (int tree = 0; tree < 2; tree++)
            {
                BTreeModelTest.verify(pages, working[tree], wm[tree], rnd, "txn " + t + ", tree " + tree);
            }
            if (rnd.nextInt(4) == 0)
            {
                pages.rollback(); // the same revision again; the roots and models as before
                continue;
            }
            pages.commit();
            System.arraycopy(working, 0, roots, 0, 2);
            System.arraycopy(workingNext, 0, next, 0, 2);
            models[0] = wm[0];
            models[1] = wm[1];
        }
    }

    private static long put(
        final BTreeWriter w, final MemoryPages pages, final long root, final NavigableMap<byte[], byte[]> model,
        final byte[] key, final byte[] value)
    {
        final long r = w.put(root, pages.revisionOf(root), model.size(), buf(key), 0, key.length, buf(value), 0,
            value.length);
        assertEquals(!model.containsKey(key), w.lastPutInserted(), "inserted");
        assertEquals(pages.revisionOf(r), w.rootRevision(), "root revision");
        model.put(key, value);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        assertTrue(w.get(r, w.rootRevision(), buf(key), 0, key.length, view), "the entry just put is found");
        final byte[] read = new byte[view.capacity()];
        view.getBytes(0, read);
        assertArrayEquals(value, read, "the value just put reads back");
        return r;
    }

    private static boolean hasRoomForAnother(final MemoryPages pages, final long root)
    {
        Node n = new Node().wrap(pages, root, pages.revisionOf(root));
        while (!n.isLeaf())
        {
            final int last = n.count() - 1;
            n = new Node().wrap(pages, n.child(last), n.childRevision(last));
        }
        return NodeLayout.LEAF_CELL_OVERHEAD + 8 + 100 + NodeLayout.SLOT_SIZE <= n.free();
    }

    private static byte[] key(final long k)
    {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    private static byte[] value(final Random rnd)
    {
        final int r = rnd.nextInt(30);
        final byte[] v = new byte[r == 0 ? 500 + rnd.nextInt(5000) : r == 1 ? 0 : rnd.nextInt(120)];
        rnd.nextBytes(v);
        return v;
    }
}
