package dev.cambium;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The "changes during iteration" semantics documented on {@link Cursor}: a write-transaction cursor
 * stays positioned by key while its tree changes; read-transaction cursors never see later commits.
 */
class CursorMutationTest
{
    private static final byte[] V = {1};

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void open()
    {
        db = Database.open(dir.resolve("cursor.cambium"),
            DatabaseOptions.builder().pageSize(512).durability(Durability.NO_SYNC).build());
    }

    @AfterEach
    void close()
    {
        Checks.checkAndClose(db);
    }

    /** 4-byte big-endian key: unsigned byte order = numeric order for non-negative ints. */
    private static byte[] key(final int i)
    {
        return new byte[]{(byte)(i >>> 24), (byte)(i >>> 16), (byte)(i >>> 8), (byte)i};
    }

    private static int num(final byte[] k)
    {
        return ((k[0] & 0xff) << 24) | ((k[1] & 0xff) << 16) | ((k[2] & 0xff) << 8) | (k[3] & 0xff);
    }

    /** Commits keys 0, 10, 20, ..., 10 * (n - 1) into tree "t" (enough at 512 B pages for several levels). */
    private void load(final int n)
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree("t");
            for (int i = 0; i < n; i++)
            {
                t.put(key(i * 10), key(i * 10));
            }
        });
    }

    @Test
    void shouldMoveToSmallestGreaterKeyAfterPutsIncludingNewKeysBetween()
    {
        load(500);
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.seek(key(2500)));
            assertEquals(2500, num(c.key()));
            // many puts elsewhere (causing splits), one between k and its successor, and an overwrite of k
            for (int i = 0; i < 400; i++)
            {
                t.put(key(i * 10 + 5 + 5000), V);
            }
            t.put(key(2503), V);
            t.put(key(2507), V);
            t.put(key(2500), new byte[]{9, 9});
            assertEquals(2500, num(c.key()), "key() returns the entry if it still exists");
            assertArrayEquals(new byte[]{9, 9}, c.value(), "value() sees the tree as it now is");
            assertTrue(c.next());
            assertEquals(2503, num(c.key()));
            assertTrue(c.next());
            assertEquals(2507, num(c.key()));
            assertTrue(c.next());
            assertEquals(2510, num(c.key()));
            // prev after a put returns the largest key smaller
            t.put(key(2508), V);
            assertTrue(c.prev());
            assertEquals(2508, num(c.key()));
            // puts before the cursor, then next()
            for (int i = 0; i < 300; i++)
            {
                t.put(key(i * 10 + 1), V);
            }
            assertTrue(c.next());
            assertEquals(2510, num(c.key()));
        }
    }

    @Test
    void shouldThrowOnDeletedEntryAndMoveRelativeToIt()
    {
        load(500);
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.seek(key(2500)));
            assertTrue(t.delete(key(2500)));
            assertThrows(IllegalStateException.class, c::key);
            assertThrows(IllegalStateException.class, c::value);
            assertThrows(IllegalStateException.class, c::keyBuffer);
            // still relative to the deleted key after the failed key()
            assertTrue(c.next());
            assertEquals(2510, num(c.key()));

            final Cursor p = t.cursor();
            assertTrue(p.seek(key(3000)));
            assertTrue(t.delete(key(3000)));
            assertThrows(IllegalStateException.class, p::key);
            assertTrue(p.prev());
            assertEquals(2990, num(p.key()));

            // deleting the key and its neighbours, with merges around it
            final Cursor q = t.cursor();
            assertTrue(q.seek(key(4000)));
            for (int k = 3500; k <= 4500; k += 10)
            {
                t.delete(key(k));
            }
            assertThrows(IllegalStateException.class, q::value);
            assertTrue(q.prev());
            assertEquals(3490, num(q.key()));
            final Cursor r = t.cursor();
            assertTrue(r.seek(key(3490)));
            t.delete(key(3490));
            assertTrue(r.next());
            assertEquals(4510, num(r.key()));

            // a deleted key re-inserted before use: the cursor is on it again
            final Cursor s = t.cursor();
            assertTrue(s.seek(key(100)));
            t.delete(key(100));
            t.put(key(100), new byte[]{7});
            assertArrayEquals(new byte[]{7}, s.value());
        }
    }

    @Test
    void shouldReturnFalseFromNextWhenAllLaterKeysAreDeleted()
    {
        load(300);
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.seek(key(1000)));
            for (int i = 101; i < 300; i++)
            {
                assertTrue(t.delete(key(i * 10)));
            }
            assertEquals(1000, num(c.key()));
            assertFalse(c.next(), "nothing after k");
            assertThrows(IllegalStateException.class, c::key);

            // and prev() with everything before k deleted (k itself too)
            final Cursor d = t.cursor();
            assertTrue(d.seek(key(500)));
            for (int i = 0; i <= 50; i++)
            {
                assertTrue(t.delete(key(i * 10)));
            }
            assertFalse(d.prev(), "nothing before k");
            // delete everything: next and prev both end
            final Cursor e = t.cursor();
            assertTrue(e.last());
            for (int i = 51; i <= 100; i++)
            {
                assertTrue(t.delete(key(i * 10)));
            }
            assertEquals(0, t.size());
            assertThrows(IllegalStateException.class, e::key);
            assertFalse(e.next());
            assertFalse(e.first());
        }
    }

    @Test
    void shouldPreviousToLastKeyWhenKeysAfterDeletedKeyAreGone()
    {
        load(100);
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.seek(key(500)));
            for (int i = 50; i < 100; i++)
            {
                t.delete(key(i * 10));
            }
            assertTrue(c.prev(), "prev of a deleted key with no successor is the last key");
            assertEquals(490, num(c.key()));
        }
    }

    @Test
    void shouldKeepReadCursorOnItsSnapshotWhileLaterTransactionsCommit()
    {
        load(500);
        try (ReadTransaction r = db.beginRead(); Cursor c = r.tree("t").cursor())
        {
            assertTrue(c.seek(key(2000)));
            final List<Integer> seen = new ArrayList<>();
            seen.add(num(c.key()));
            int round = 0;
            while (c.next())
            {
                seen.add(num(c.key()));
                if (seen.size() % 20 == 0)
                {
                    final int base = round++;
                    db.write(txn ->
                    {
                        final Tree t = txn.tree("t");
                        for (int i = 0; i < 500; i += 3)
                        {
                            t.delete(key(i * 10));
                            t.put(key(i * 10 + 1 + base % 9), V);
                        }
                    });
                }
            }
            final List<Integer> expected = new ArrayList<>();
            for (int i = 200; i < 500; i++)
            {
                expected.add(i * 10);
            }
            assertEquals(expected, seen);
            assertTrue(round > 5, "commits happened during the scan");
            assertTrue(c.last());
            assertEquals(4990, num(c.key()));
            assertEquals(500, r.tree("t").size());
            assertEquals(500, r.tree("t").count(null, null));
        }
    }

    @Test
    void shouldVisitEveryKeyOnceWhenDeletingEachVisitedKey()
    {
        // several prefixes, delete all entries of one prefix while iterating
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree("p");
            for (int p = 0; p < 5; p++)
            {
                for (int i = 0; i < 400; i++)
                {
                    t.put(new byte[]{(byte)p, (byte)(i >>> 8), (byte)i}, V);
                }
            }
        });
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("p");
            final List<Integer> visited = new ArrayList<>();
            try (Cursor c = t.cursor())
            {
                for (boolean ok = c.seek(new byte[]{2}); ok && c.key()[0] == 2; ok = c.next())
                {
                    final byte[] k = c.key();
                    visited.add(((k[1] & 0xff) << 8) | (k[2] & 0xff));
                    assertTrue(t.delete(k));
                }
            }
            assertEquals(400, visited.size(), "each key exactly once");
            for (int i = 0; i < 400; i++)
            {
                assertEquals(i, visited.get(i));
            }
            assertEquals(1600, t.size());
            assertEquals(0, t.count(new byte[]{2}, new byte[]{3}));
            assertEquals(400, t.count(new byte[]{3}, new byte[]{4}));
            // backwards, deleting the whole tree
            int n = 0;
            try (Cursor c = t.cursor())
            {
                for (boolean ok = c.last(); ok; ok = c.prev())
                {
                    assertTrue(t.delete(c.key()));
                    n++;
                }
            }
            assertEquals(1600, n);
            assertEquals(0, t.size());
            w.commit();
        }
        assertEquals(0L, (long)db.read(r -> r.tree("p").size()));
    }

    @Test
    void shouldMatchModelUnderRandomChangesDuringIteration()
    {
        final long seed = TestSeeds.seed();
        try
        {
            runModel(seed);
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    private void runModel(final long seed)
    {
        final Random rnd = new Random(seed);
        final NavigableMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
        final int keySpace = 200 + rnd.nextInt(2000);
        for (int txnNo = 0; txnNo < 12; txnNo++)
        {
            final NavigableMap<byte[], byte[]> model = new TreeMap<>(committed);
            try (WriteTransaction w = db.beginWrite())
            {
                final Tree t = w.openOrCreateTree("m");
                final int cursors = 1 + rnd.nextInt(4);
                final Cursor[] cs = new Cursor[cursors];
                /** the key each cursor stands on (or was on before a deletion); null if unpositioned. */
                final byte[][] at = new byte[cursors][];
                for (int i = 0; i < cursors; i++)
                {
                    cs[i] = t.cursor();
                }
                for (int op = 0; op < 3000; op++)
                {
                    final int what = rnd.nextInt(100);
                    final byte[] k = key(rnd.nextInt(keySpace));
                    final String ctx = "txn " + txnNo + " op " + op;
                    if (what < 30)
                    {
                        final byte[] v = new byte[rnd.nextInt(40)];
                        rnd.nextBytes(v);
                        t.put(k, v);
                        model.put(k, v);
                    }
                    else if (what < 50)
                    {
                        assertEquals(model.remove(k) != null, t.delete(k), ctx);
                    }
                    else
                    {
                        final int ci = rnd.nextInt(cursors);
                        final Cursor c = cs[ci];
                        final int move = rnd.nextInt(9);
                        final Map.Entry<byte[], byte[]> expected;
                        final boolean moved;
                        switch (move)
                        {
                            case 0:
                                moved = c.first();
                                expected = model.firstEntry();
                                break;
                            case 1:
                                moved = c.last();
                                expected = model.lastEntry();
                                break;
                            case 2:
                                moved = c.seek(k);
                                expected = model.ceilingEntry(k);
                                break;
                            case 3:
                            case 4:
                            case 5:
                                if (at[ci] == null)
                                {
                                    continue;
                                }
                                moved = c.next();
                                expected = model.higherEntry(at[ci]);
                                break;
                            case 6:
                            case 7:
                                if (at[ci] == null)
                                {
                                    continue;
                                }
                                moved = c.prev();
                                expected = model.lowerEntry(at[ci]);
                                break;
                            default:
                                // read the current entry
                                if (at[ci] == null)
                                {
                                    continue;
                                }
                                final byte[] v = model.get(at[ci]);
                                if (v == null)
                                {
                                    assertThrows(IllegalStateException.class, c::key, ctx + ": deleted entry");
                                }
                                else
                                {
                                    assertArrayEquals(at[ci], c.key(), ctx);
                                    assertArrayEquals(v, c.value(), ctx);
                                }
                                continue;
                        }
                        assertEquals(expected != null, moved, ctx + " move " + move + " from " +
                            (at[ci] == null ? "-" : String.valueOf(num(at[ci]))));
                        if (moved)
                        {
                            assertArrayEquals(expected.getKey(), c.key(), ctx + " move " + move);
                            assertArrayEquals(expected.getValue(), c.value(), ctx + " move " + move);
                            at[ci] = expected.getKey();
                        }
                        else
                        {
                            at[ci] = null;
                        }
                    }
                }
                assertEquals(model.size(), t.size());
                final boolean commit = rnd.nextInt(4) != 0;
                if (commit)
                {
                    w.commit();
                    committed.clear();
                    committed.putAll(model);
                }
            }
            // after each transaction, a read cursor scan equals the committed model
            try (ReadTransaction r = db.beginRead())
            {
                if (!r.hasTree("m"))
                {
                    assertTrue(committed.isEmpty());
                    continue;
                }
                try (Cursor c = r.tree("m").cursor())
                {
                    boolean ok = c.first();
                    for (final Map.Entry<byte[], byte[]> e : committed.entrySet())
                    {
                        assertTrue(ok, "scan ended early after txn " + txnNo);
                        assertArrayEquals(e.getKey(), c.key(), "after txn " + txnNo);
                        assertArrayEquals(e.getValue(), c.value(), "after txn " + txnNo);
                        ok = c.next();
                    }
                    assertFalse(ok, "scan has extra entries after txn " + txnNo);
                }
            }
        }
    }
}
