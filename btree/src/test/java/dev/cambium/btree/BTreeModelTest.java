package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Model-based test: seeded random puts, deletes, gets, ranks and cursor walks against a TreeMap,
 * with transactions that commit or roll back, and old roots re-checked as snapshots after later
 * commits (copy-on-write never touches a committed page). Every commit also checks that no page is
 * leaked: each page of the old tree is either still in the new tree or was freed.
 */
class BTreeModelTest
{
    private static final Comparator CMP = new Comparator();

    static final class Comparator implements java.util.Comparator<byte[]>
    {
        @Override
        public int compare(final byte[] a, final byte[] b)
        {
            return Arrays.compareUnsigned(a, b);
        }
    }

    @ParameterizedTest(name = "pageSize={0}")
    @ValueSource(ints = {512, 1024, 4096})
    void shouldMatchTreeMapUnderRandomOperations(final int pageSize)
    {
        final long seed = Seeds.seed();
        try
        {
            run(pageSize, seed, 40, 300);
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    /**
     * Keys that mostly arrive in ascending order and share their first bytes (ids), mixed with replacements,
     * deletes and gets of earlier keys: the append path of the searches (one comparison with the last key or
     * separator) against the model, on the ties of equal slot heads.
     */
    @ParameterizedTest(name = "pageSize={0}")
    @ValueSource(ints = {512, 4096})
    void shouldMatchTreeMapWhenKeysMostlyArriveInOrder(final int pageSize)
    {
        final long seed = Seeds.seed();
        try
        {
            final Random rnd = new Random(seed);
            final MemoryPages pages = new MemoryPages(pageSize);
            final BTreeWriter w = new BTreeWriter(pages);
            final NavigableMap<byte[], byte[]> model = new TreeMap<>(CMP);
            long root = BTreeReader.EMPTY;
            long next = 1L << 40;
            for (int t = 0; t < 30; t++)
            {
                for (int o = 0; o < 400; o++)
                {
                    final int op = rnd.nextInt(10);
                    final long k = op < 7
                        ? next += 1 + rnd.nextInt(3)
                        : (1L << 40) + rnd.nextLong(next - (1L << 40) + 2);
                    final byte[] key = java.nio.ByteBuffer.allocate(8).putLong(k).array();
                    if (op < 8)
                    {
                        final byte[] value = value(rnd);
                        root = w.put(root, pages.revisionOf(root), model.size(), buf(key), 0, key.length, buf(value), 0,
                            value.length);
                        assertEquals(!model.containsKey(key), w.lastPutInserted());
                        model.put(key, value);
                    }
                    else if (op < 9)
                    {
                        root = w.delete(root, pages.revisionOf(root), buf(key), 0, key.length);
                        assertEquals(model.remove(key) != null, w.lastDeleteFound());
                    }
                    else
                    {
                        assertArrayEquals(model.get(key), w.getCopy(root, pages.revisionOf(root), buf(key), 0,
                            key.length));
                    }
                }
                pages.commit();
                verify(pages, root, model, rnd, "txn " + t);
            }
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    @Test
    void shouldHandleLargeValuesAndMaxKeys()
    {
        final long seed = Seeds.seed();
        final int pageSize = 512;
        final MemoryPages pages = new MemoryPages(pageSize);
        final BTreeWriter w = new BTreeWriter(pages);
        final Random rnd = new Random(seed);
        final NavigableMap<byte[], byte[]> model = new TreeMap<>(CMP);
        long root = BTreeReader.EMPTY;
        for (int i = 0; i < 200; i++)
        {
            final byte[] key = new byte[1 + rnd.nextInt(w.maxKeyLength())];
            rnd.nextBytes(key);
            final byte[] value = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(5000) : rnd.nextInt(100)];
            rnd.nextBytes(value);
            root = w.put(root, pages.revisionOf(root), model.size(), buf(key), 0, key.length, buf(value), 0,
                value.length);
            model.put(key, value);
        }
        pages.commit();
        verify(pages, root, model, rnd, "seed " + seed);
    }

    static UnsafeBuffer buf(final byte[] b)
    {
        return new UnsafeBuffer(b);
    }

    private static void run(final int pageSize, final long seed, final int txns, final int opsPerTxn)
    {
        final Random rnd = new Random(seed);
        final MemoryPages pages = new MemoryPages(pageSize);
        final BTreeWriter w = new BTreeWriter(pages);
        NavigableMap<byte[], byte[]> model = new TreeMap<>(CMP);
        long root = BTreeReader.EMPTY;
        final int keySpace = 50 + rnd.nextInt(2000);
        final Map<Long, NavigableMap<byte[], byte[]>> snapshots = new java.util.HashMap<>();
        for (int t = 0; t < txns; t++)
        {
            final NavigableMap<byte[], byte[]> working = new TreeMap<>(model);
            long r = root;
            final int ops = 1 + rnd.nextInt(opsPerTxn);
            final boolean deletePhase = rnd.nextInt(4) == 0;
            for (int o = 0; o < ops; o++)
            {
                final byte[] key = key(rnd, keySpace, w.maxKeyLength());
                final int op = rnd.nextInt(10);
                if (op < (deletePhase ? 2 : 6))
                {
                    final byte[] value = value(rnd);
                    r = w.put(r, pages.revisionOf(r), working.size(), buf(key), 0, key.length, buf(value), 0,
                        value.length);
                    assertEquals(pages.revisionOf(r), w.rootRevision());
                    assertEquals(!working.containsKey(key), w.lastPutInserted());
                    working.put(key, value);
                }
                else if (op < 9)
                {
                    r = w.delete(r, pages.revisionOf(r), buf(key), 0, key.length);
                    assertEquals(pages.revisionOf(r), w.rootRevision());
                    assertEquals(working.remove(key) != null, w.lastDeleteFound());
                }
                else
                {
                    assertArrayEquals(working.get(key), w.getCopy(r, pages.revisionOf(r), buf(key), 0, key.length));
                }
            }
            verify(pages, r, working, rnd, "txn " + t);
            if (rnd.nextInt(5) == 0)
            {
                pages.rollback();
                verify(pages, root, model, rnd, "after rollback " + t);
                continue;
            }
            final Set<Long> before = reachable(pages, root);
            final Set<Long> freed = pages.commit();
            final Set<Long> after = reachable(pages, r);
            for (final long id : before)
            {
                if (!after.contains(id) && !freed.contains(id))
                {
                    fail("page " + id + " of the old tree was neither kept nor freed (leak)");
                }
            }
            for (final long id : after)
            {
                assertFalse(freed.contains(id), "page " + id + " freed but still reachable");
            }
            snapshots.put(root, model);
            root = r;
            model = working;
            // An older committed root must still read exactly as it did.
            if (!snapshots.isEmpty() && rnd.nextBoolean())
            {
                final Long[] roots = snapshots.keySet().toArray(new Long[0]);
                final long old = roots[rnd.nextInt(roots.length)];
                verify(pages, old, snapshots.get(old), rnd, "snapshot " + old);
            }
        }
    }

    private static Set<Long> reachable(final MemoryPages pages, final long root)
    {
        final Set<Long> ids = new HashSet<>();
        new BTreeReader(pages).forEachPage(root, pages.revisionOf(root), id ->
        {
            if (!ids.add(id))
            {
                fail("page " + id + " reachable twice");
            }
        });
        return ids;
    }

    static byte[] key(final Random rnd, final int keySpace, final int maxKey)
    {
        final int k = rnd.nextInt(keySpace);
        if (k % 97 == 0)
        {
            final byte[] big = new byte[maxKey - rnd.nextInt(3)];
            Arrays.fill(big, (byte)(k >>> 2));
            return big;
        }
        final String s = Integer.toString(k, 7);
        return (k % 3 == 0 ? "x" + s + "-padding" : s).getBytes();
    }

    static byte[] value(final Random rnd)
    {
        final int r = rnd.nextInt(20);
        final byte[] v = new byte[r == 0 ? rnd.nextInt(3000) : r == 1 ? 0 : rnd.nextInt(40)];
        rnd.nextBytes(v);
        return v;
    }

    static void verify(
        final MemoryPages pages, final long root, final NavigableMap<byte[], byte[]> model, final Random rnd,
        final String where)
    {
        final BTreeReader r = new BTreeReader(pages);
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, pages.revisionOf(root));
        // Forward scan equals the model.
        Iterator<Map.Entry<byte[], byte[]>> it = model.entrySet().iterator();
        boolean ok = c.first();
        while (it.hasNext())
        {
            final Map.Entry<byte[], byte[]> e = it.next();
            assertTrue(ok, where + ": cursor ended early");
            assertArrayEquals(e.getKey(), c.keyCopy(), where);
            assertArrayEquals(e.getValue(), c.valueCopy(), where);
            ok = c.next();
        }
        assertFalse(ok, where + ": cursor has extra entries");
        // Backward scan.
        it = model.descendingMap().entrySet().iterator();
        ok = c.last();
        while (it.hasNext())
        {
            final Map.Entry<byte[], byte[]> e = it.next();
            assertTrue(ok, where + ": reverse cursor ended early");
            assertArrayEquals(e.getKey(), c.keyCopy(), where);
            ok = c.prev();
        }
        assertFalse(ok, where);
        // Subtree counts are exact, and every slot's key head matches its key.
        checkCounts(pages, root, where);
        assertEquals(model.size(), new BTreeReader(pages).countEntries(root, pages.revisionOf(root)), where);
        // Seeks, ranks and gets at random points.
        for (int i = 0; i < 30; i++)
        {
            final byte[] probe = key(rnd, 3000, NodeLayout.maxKeyLength(pages.pageSize));
            final byte[] ceiling = model.ceilingKey(probe);
            final boolean found = c.seek(buf(probe), 0, probe.length);
            if (ceiling == null)
            {
                assertFalse(found, where);
            }
            else
            {
                assertTrue(found, where);
                assertArrayEquals(ceiling, c.keyCopy(), where);
                final byte[] lower = model.lowerKey(ceiling);
                if (c.prev())
                {
                    assertArrayEquals(lower, c.keyCopy(), where);
                }
                else
                {
                    assertNull(lower, where);
                }
            }
            assertEquals(model.headMap(probe, false).size(),
                r.rank(root, pages.revisionOf(root), buf(probe), 0, probe.length), where);
            final byte[] v = r.getCopy(root, pages.revisionOf(root), buf(probe), 0, probe.length);
            assertArrayEquals(model.get(probe), v, where);
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            assertEquals(model.containsKey(probe),
                r.get(root, pages.revisionOf(root), buf(probe), 0, probe.length, view));
            // The same lookups with the key at an offset, on the heap and off it (the raw comparisons add the offset).
            final int off = 1 + rnd.nextInt(7);
            assertArrayEquals(model.get(probe), r.getCopy(root, pages.revisionOf(root), shifted(probe, off, false), off,
                probe.length), where);
            assertEquals(model.containsKey(probe),
                r.contains(root, pages.revisionOf(root), shifted(probe, off, true), off, probe.length), where);
        }
        randomWalks(c, model, rnd, NodeLayout.maxKeyLength(pages.pageSize), where);
    }

    /**
     * Walks from random seeks in random directions, one step at a time, across leaf edges both ways: each step
     * reads the cells the cursor recorded when it entered the leaf, and each leaf change validates the next leaf.
     */
    private static void randomWalks(
        final BTreeCursor c, final NavigableMap<byte[], byte[]> model, final Random rnd, final int maxKey,
        final String where)
    {
        for (int w = 0; w < 8; w++)
        {
            final byte[] start = key(rnd, 3000, maxKey);
            final int off = rnd.nextInt(5);
            byte[] at = model.ceilingKey(start);
            assertEquals(at != null, c.seek(shifted(start, off, rnd.nextBoolean()), off, start.length), where);
            final boolean forwardBias = rnd.nextBoolean();
            for (int step = 0; step < 80 && at != null; step++)
            {
                assertArrayEquals(at, c.keyCopy(), where + ", walk " + w + " step " + step);
                assertArrayEquals(model.get(at), c.valueCopy(), where);
                final DirectBuffer k = c.key();
                assertEquals(at.length, k.capacity(), where);
                assertEquals(0, c.compareKey(buf(at), 0, at.length), where);
                assertEquals(model.get(at).length, c.value().capacity(), where);
                if (rnd.nextInt(4) != 0 == forwardBias)
                {
                    at = model.higherKey(at);
                    assertEquals(at != null, c.next(), where);
                }
                else
                {
                    at = model.lowerKey(at);
                    assertEquals(at != null, c.prev(), where);
                }
            }
            assertEquals(at != null, c.isPositioned(), where);
        }
    }

    /** The key copied at offset {@code off} of a larger buffer, on the heap or off it. */
    private static DirectBuffer shifted(final byte[] key, final int off, final boolean direct)
    {
        final UnsafeBuffer b = direct
            ? new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(key.length + off + 3))
            : new UnsafeBuffer(new byte[key.length + off + 3]);
        b.setMemory(0, b.capacity(), (byte)0x5A);
        b.putBytes(off, key);
        return b;
    }

    private static long checkCounts(final MemoryPages pages, final long root, final String where)
    {
        return root == BTreeReader.EMPTY ? 0 : checkCounts(pages, root, null, null, where);
    }

    /**
     * Checks the subtree at {@code id}: subtree counts are exact, and every key lies in [low, high) (null: no
     * bound), the range its parents' separators give it, so that a search descends to it.
     */
    private static long checkCounts(final MemoryPages pages, final long id, final byte[] low, final byte[] high,
        final String where)
    {
        final Node n = new Node().wrap(pages, id, pages.revisionOf(id));
        final int count = n.count();
        if (n.isLeaf())
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] key = key(n, i);
                assertTrue(low == null || CMP.compare(low, key) <= 0, where + ": key below its separator in " + id);
                assertTrue(high == null || CMP.compare(key, high) < 0, where + ": key at or above the next separator " +
                    "in " + id);
            }
            return count;
        }
        final long[] children = new long[count];
        final long[] counts = new long[count];
        final byte[][] bounds = new byte[count + 1][];
        bounds[0] = low;
        bounds[count] = high;
        for (int i = 0; i < count; i++)
        {
            children[i] = n.child(i);
            counts[i] = n.childCount(i);
            if (i > 0)
            {
                bounds[i] = key(n, i);
            }
        }
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            final long sub = checkCounts(pages, children[i], bounds[i], bounds[i + 1], where);
            assertEquals(sub, counts[i], where + ": subtree count of cell " + i + " in page " + id);
            total += sub;
        }
        return total;
    }

    private static byte[] key(final Node n, final int i)
    {
        final byte[] key = new byte[n.keyLength(i)];
        n.buf.getBytes(n.keyOffset(i), key);
        return key;
    }

    @SuppressWarnings("unused")
    private static String hex(final DirectBuffer b)
    {
        return org.agrona.BitUtil.toHex(b.byteArray());
    }
}
