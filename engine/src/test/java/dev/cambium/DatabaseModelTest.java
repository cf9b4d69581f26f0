package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Model-based test of the whole engine: seeded random sequences of put, delete, get, containsKey,
 * count and cursor walks over several trees in one file, checked against TreeMaps; transactions
 * that commit and that roll back; tree create and drop; close and reopen; and read transactions
 * held open across later commits, which must keep seeing exactly their revision. Pages are written positionally
 * and, in the rows with {@code mappedWrites}, through a read-write mapping ({@link DatabaseOptions.Builder#mappedWrites}).
 */
class DatabaseModelTest
{
    static final java.util.Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
    private static final String[] TREES = {"entries", "rdn", "objectClass", "cn", "presence"};

    @TempDir
    Path dir;

    /**
     * The model run. The database is checked ({@link Database#check()}) at each reopen and at the end;
     * with {@code strict} it is opened with {@code checkEveryCommit(true)}, so every commit is checked
     * too (held snapshots included), and a problem fails that commit with
     * {@link CorruptDatabaseException}.
     */
    @ParameterizedTest(name = "pageSize={0} durability={1} checkEveryCommit={2} txns={3} mappedWrites={4}")
    @CsvSource({
        "512, NO_SYNC, false, 120, false",
        "1024, NO_SYNC, false, 120, false",
        "4096, NO_SYNC, false, 120, false",
        "1024, SYNC, false, 40, false",
        "512, NO_SYNC, true, 300, false",
        "4096, NO_SYNC, false, 120, true",
        "1024, SYNC, false, 40, true",
        "512, NO_SYNC, true, 300, true"})
    void shouldMatchModelAcrossCommitsRollbacksReopensAndSnapshots(
        final int pageSize, final Durability durability, final boolean strict, final int txns, final boolean mapped)
    {
        final long seed = TestSeeds.seed();
        try
        {
            run(seed, pageSize, durability, strict, txns, mapped);
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    private void run(final long seed, final int pageSize, final Durability durability, final boolean strict,
        final int txns, final boolean mapped)
    {
        final Random rnd = new Random(seed);
        final Path file = dir.resolve("model-" + pageSize + "-" + durability + (strict ? "-strict" : "") +
            (mapped ? "-mapped" : "") + ".cambium");
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(pageSize).durability(durability).mapSegmentSize(65536).growth(pageSize, 8 * pageSize)
            .checkEveryCommit(strict).mappedWrites(mapped).build();
        Map<String, NavigableMap<byte[], byte[]>> model = new TreeMap<>();
        final List<Held> held = new ArrayList<>();
        final int keySpace = 20 + rnd.nextInt(rnd.nextBoolean() ? 300 : 3000);
        final int maxKey = Limits.maxKeyLength(pageSize);
        Database db = Database.open(file, options);
        try
        {
            for (int t = 0; t < txns; t++)
            {
                final Map<String, NavigableMap<byte[], byte[]>> working = deepCopy(model);
                final WriteTransaction w = db.beginWrite();
                final int ops = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 2000 : 150);
                for (int o = 0; o < ops; o++)
                {
                    step(rnd, w, working, keySpace, maxKey);
                }
                verifyAll(w, working, rnd, "in txn " + t);
                final boolean commit = rnd.nextInt(6) != 0;
                if (commit)
                {
                    final long before = db.revision();
                    w.commit();
                    model = working;
                    assertTrue(db.revision() >= before, "revision went backwards");
                }
                else
                {
                    w.rollback();
                }
                try (ReadTransaction r = db.beginRead())
                {
                    verifyAll(r, model, rnd, "after txn " + t + (commit ? " commit" : " rollback"));
                }
                if (rnd.nextInt(8) == 0)
                {
                    held.add(new Held(db.beginRead(), deepCopy(model)));
                }
                if (!held.isEmpty() && rnd.nextInt(6) == 0)
                {
                    final Held h = held.remove(rnd.nextInt(held.size()));
                    verifyAll(h.txn, h.model, rnd, "snapshot at revision " + h.txn.revision());
                    h.txn.close();
                }
                if (rnd.nextInt(25) == 0)
                {
                    for (final Held h : held)
                    {
                        verifyAll(h.txn, h.model, rnd, "snapshot before reopen");
                        h.txn.close();
                    }
                    held.clear();
                    final long revision = db.revision();
                    Checks.assertConsistent(db);
                    db.close();
                    db = Database.open(file, options);
                    assertEquals(revision, db.revision(), "reopen lost a revision");
                    Checks.assertConsistent(db);
                    try (ReadTransaction r = db.beginRead())
                    {
                        verifyAll(r, model, rnd, "after reopen at txn " + t);
                    }
                }
            }
            for (final Held h : held)
            {
                verifyAll(h.txn, h.model, rnd, "final snapshot");
                h.txn.close();
            }
            Checks.assertConsistent(db);
        }
        finally
        {
            db.close();
        }
    }

    private record Held(ReadTransaction txn, Map<String, NavigableMap<byte[], byte[]>> model)
    {
    }

    static Map<String, NavigableMap<byte[], byte[]>> deepCopy(final Map<String, NavigableMap<byte[], byte[]>> m)
    {
        final Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
        m.forEach((k, v) ->
        {
            final NavigableMap<byte[], byte[]> t = new TreeMap<>(UNSIGNED);
            t.putAll(v);
            copy.put(k, t);
        });
        return copy;
    }

    private static void step(
        final Random rnd, final WriteTransaction w, final Map<String, NavigableMap<byte[], byte[]>> working,
        final int keySpace, final int maxKey)
    {
        final String name = TREES[rnd.nextInt(TREES.length)];
        final int op = rnd.nextInt(100);
        if (op < 2)
        {
            if (working.containsKey(name))
            {
                w.dropTree(name);
                working.remove(name);
                assertFalse(w.hasTree(name));
            }
            else
            {
                w.createTree(name);
                working.put(name, new TreeMap<>(UNSIGNED));
            }
            return;
        }
        final Tree tree = w.openOrCreateTree(name);
        final NavigableMap<byte[], byte[]> m = working.computeIfAbsent(name, n -> new TreeMap<>(UNSIGNED));
        final byte[] key = key(rnd, keySpace, maxKey);
        if (op < 60)
        {
            final byte[] value = value(rnd);
            tree.put(key, value);
            m.put(key, value);
        }
        else if (op < 80)
        {
            assertEquals(m.remove(key) != null, tree.delete(key));
        }
        else if (op < 90)
        {
            assertArrayEquals(m.get(key), tree.get(key));
            assertEquals(m.containsKey(key), tree.containsKey(key));
        }
        else
        {
            final byte[] to = key(rnd, keySpace, maxKey);
            final long expected = Arrays.compareUnsigned(key, to) < 0 ? m.subMap(key, true, to, false).size() : 0;
            assertEquals(expected, tree.count(key, to));
        }
        assertEquals(m.size(), tree.size());
    }

    static byte[] key(final Random rnd, final int keySpace, final int maxKey)
    {
        final int k = rnd.nextInt(keySpace);
        if (k % 101 == 7)
        {
            final byte[] big = new byte[maxKey - (k % 3)];
            Arrays.fill(big, (byte)k);
            return big;
        }
        final byte[] b = ("k" + Integer.toString(k, 5)).getBytes();
        return k % 4 == 0 ? Arrays.copyOf(b, b.length + 9) : b;
    }

    static byte[] value(final Random rnd)
    {
        final int r = rnd.nextInt(40);
        final int len = r == 0 ? rnd.nextInt(20_000) : r == 1 ? 0 : rnd.nextInt(60);
        final byte[] v = new byte[len];
        rnd.nextBytes(v);
        return v;
    }

    static void verifyAll(
        final ReadTransaction txn, final Map<String, NavigableMap<byte[], byte[]>> model, final Random rnd,
        final String where)
    {
        assertEquals(new ArrayList<>(model.keySet()), sortedByUtf8(txn.treeNames()), where + ": tree names");
        for (final Map.Entry<String, NavigableMap<byte[], byte[]>> e : model.entrySet())
        {
            verifyTree(txn.tree(e.getKey()), e.getValue(), rnd, where + " tree " + e.getKey());
        }
    }

    private static List<String> sortedByUtf8(final List<String> names)
    {
        final List<String> copy = new ArrayList<>(names);
        copy.sort(null); // ASCII names: UTF-8 order equals String order
        assertEquals(copy, names, "treeNames() must be in key order");
        return names;
    }

    static void verifyTree(final Tree tree, final NavigableMap<byte[], byte[]> m, final Random rnd, final String where)
    {
        assertEquals(m.size(), tree.size(), where + ": size");
        assertEquals(m.size(), tree.count(null, null), where + ": count(null, null)");
        try (Cursor c = tree.cursor())
        {
            Iterator<Map.Entry<byte[], byte[]>> it = m.entrySet().iterator();
            boolean ok = c.first();
            while (it.hasNext())
            {
                final Map.Entry<byte[], byte[]> e = it.next();
                assertTrue(ok, where + ": forward scan ended early");
                assertArrayEquals(e.getKey(), c.key(), where);
                assertArrayEquals(e.getValue(), c.value(), where);
                ok = c.next();
            }
            assertFalse(ok, where + ": forward scan has extra entries");
            it = m.descendingMap().entrySet().iterator();
            ok = c.last();
            while (it.hasNext())
            {
                assertTrue(ok, where + ": backward scan ended early");
                assertArrayEquals(it.next().getKey(), c.key(), where);
                ok = c.prev();
            }
            assertFalse(ok, where);
            for (int i = 0; i < 10; i++)
            {
                final byte[] probe = key(rnd, 4000, 40);
                final byte[] ceiling = m.ceilingKey(probe);
                assertEquals(ceiling != null, c.seek(probe), where + ": seek");
                if (ceiling != null)
                {
                    assertArrayEquals(ceiling, c.key(), where);
                    final byte[] higher = m.higherKey(ceiling);
                    if (c.next())
                    {
                        assertArrayEquals(higher, c.key(), where);
                    }
                    else
                    {
                        assertNull(higher, where);
                    }
                }
                assertArrayEquals(m.get(probe), tree.get(probe), where + ": get");
                assertEquals(m.headMap(probe).size(), tree.count(null, probe), where + ": count below");
                assertEquals(m.tailMap(probe).size(), tree.count(probe, null), where + ": count above");
            }
        }
    }

    @Test
    void shouldStoreMultiMegabyteAndEmptyValues()
    {
        final Path file = dir.resolve("big.cambium");
        final Random rnd = new Random(TestSeeds.seed());
        final byte[] big = new byte[5 * 1024 * 1024 + 17];
        rnd.nextBytes(big);
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            db.write(txn ->
            {
                final Tree t = txn.createTree("photos");
                t.put("jpeg".getBytes(), big);
                t.put("empty".getBytes(), new byte[0]);
            });
            db.write(txn -> txn.tree("photos").put("jpeg2".getBytes(), big));
            db.write(txn -> assertTrue(txn.tree("photos").delete("jpeg2".getBytes())));
            Checks.assertConsistent(db);
        }
        try (Database db = Database.open(file))
        {
            db.read(txn ->
            {
                assertArrayEquals(big, txn.tree("photos").get("jpeg".getBytes()));
                assertArrayEquals(new byte[0], txn.tree("photos").get("empty".getBytes()));
                assertNull(txn.tree("photos").get("jpeg2".getBytes()));
                return null;
            });
            Checks.assertConsistent(db);
        }
    }
}
