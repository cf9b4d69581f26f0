package dev.cambium;

import dev.cambium.codec.KeyRange;
import dev.cambium.codec.Tuple;
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

/**
 * Floor/ceiling/lower/higher seeks, bounded cursors and range deletes, checked against a
 * {@link TreeMap} model on trees deep enough (512-byte pages) to cross leaves and branches.
 */
class RangeCursorTest
{
    private static final int KEYS = 3_000;

    @TempDir
    Path dir;

    private Database db;
    private long seed;
    private Random random;

    @BeforeEach
    void open()
    {
        seed = TestSeeds.seed();
        random = new Random(seed);
        db = Database.open(dir.resolve("range.cambium"),
            DatabaseOptions.builder().pageSize(512).durability(Durability.NO_SYNC).build());
    }

    @AfterEach
    void close()
    {
        Checks.checkAndClose(db);
    }

    private String where()
    {
        return " (seed " + seed + ", rerun with -Dtest.seed=" + seed + ")";
    }

    /** Keys are random 1..3-byte strings so that bounds fall between, on and outside stored keys. */
    private byte[] randomKey()
    {
        final byte[] k = new byte[1 + random.nextInt(3)];
        for (int i = 0; i < k.length; i++)
        {
            k[i] = (byte)(random.nextInt(6) * 51); // 0x00, 0x33, ..., 0xFF
        }
        return k;
    }

    private NavigableMap<byte[], byte[]> fill(final String tree, final int n)
    {
        final NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree(tree);
            for (int i = 0; i < n; i++)
            {
                final byte[] k = new byte[2 + random.nextInt(3)];
                random.nextBytes(k);
                final byte[] v = {(byte)i};
                t.put(k, v);
                model.put(k, v);
            }
        });
        return model;
    }

    private static String hex(final byte[] k)
    {
        return k == null ? "none" : java.util.HexFormat.of().formatHex(k);
    }

    private void assertAt(final String what, final byte[] expected, final boolean found, final Cursor c)
    {
        assertEquals(expected != null, found, what + ": expected " + hex(expected) + where());
        if (expected != null)
        {
            assertArrayEquals(expected, c.key(), what + where());
        }
    }

    @Test
    void seeksFindFloorCeilingLowerAndHigherLikeANavigableMap()
    {
        final NavigableMap<byte[], byte[]> model = fill("t", KEYS);
        try (ReadTransaction r = db.beginRead(); Cursor c = r.tree("t").cursor())
        {
            for (int i = 0; i < 2_000; i++)
            {
                final byte[] k = i % 4 == 0
                    ? model.keySet().toArray(new byte[0][])[random.nextInt(model.size())]
                    : randomKey();
                assertAt("floor " + hex(k), model.floorKey(k), c.seekFloor(k), c);
                assertAt("ceiling " + hex(k), model.ceilingKey(k), c.seekCeiling(k), c);
                assertAt("lower " + hex(k), model.lowerKey(k), c.seekLower(k), c);
                assertAt("higher " + hex(k), model.higherKey(k), c.seekHigher(k), c);
            }
        }
    }

    @Test
    void boundedCursorSeesExactlyItsRangeInBothDirections()
    {
        final NavigableMap<byte[], byte[]> model = fill("t", KEYS);
        try (ReadTransaction r = db.beginRead())
        {
            final Tree t = r.tree("t");
            for (int i = 0; i < 300; i++)
            {
                byte[] from = randomKey();
                byte[] to = random.nextInt(5) == 0 ? null : randomKey();
                if (to != null && Arrays.compareUnsigned(from, to) > 0)
                {
                    final byte[] x = from;
                    from = to;
                    to = x;
                }
                final KeyRange range = KeyRange.of(from, to);
                final NavigableMap<byte[], byte[]> sub = to == null
                    ? model.tailMap(from, true)
                    : model.subMap(from, true, to, false);
                try (Cursor c = t.cursor(range))
                {
                    final List<byte[]> forward = new ArrayList<>();
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        forward.add(c.key());
                    }
                    assertEquals(sub.size(), forward.size(), "forward scan of " + range + where());
                    assertEquals(sub.size(), t.count(range), "count of " + range + where());
                    final List<byte[]> backward = new ArrayList<>();
                    for (boolean ok = c.last(); ok; ok = c.prev())
                    {
                        backward.add(0, c.key());
                    }
                    int j = 0;
                    for (final byte[] k : sub.keySet())
                    {
                        assertArrayEquals(k, forward.get(j), "forward " + range + where());
                        assertArrayEquals(k, backward.get(j), "backward " + range + where());
                        j++;
                    }
                    final byte[] probe = randomKey();
                    assertAt("bounded ceiling " + hex(probe) + " in " + range, sub.ceilingKey(probe), c.seek(probe), c);
                    assertAt("bounded floor " + hex(probe) + " in " + range, sub.floorKey(probe), c.seekFloor(probe),
                        c);
                    assertAt("bounded lower " + hex(probe) + " in " + range, sub.lowerKey(probe), c.seekLower(probe),
                        c);
                    assertAt("bounded higher " + hex(probe) + " in " + range, sub.higherKey(probe), c.seekHigher(probe),
                        c);
                }
            }
        }
    }

    @Test
    void boundedCursorScansTheTuplesOfOnePrefix()
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree("cn");
            for (final String v : new String[]{"je", "jen", "jensen", "jenny", "jo"})
            {
                for (long id = 1; id <= 3; id++)
                {
                    t.put(Tuple.of(v, id).encode(), new byte[0]);
                }
            }
        });
        try (ReadTransaction r = db.beginRead())
        {
            final Tree t = r.tree("cn");
            assertEquals(List.of("jen/1", "jen/2", "jen/3"), scan(t, Tuple.of("jen").prefixRange()));
            assertEquals(
                List.of("jen/1", "jen/2", "jen/3", "jenny/1", "jenny/2", "jenny/3", "jensen/1", "jensen/2", "jensen/3"),
                scan(t, Tuple.EMPTY.stringPrefixRange("jen")));
            assertEquals(9, t.count(Tuple.EMPTY.stringPrefixRange("jen")));
        }
    }

    private static List<String> scan(final Tree t, final KeyRange range)
    {
        final List<String> out = new ArrayList<>();
        try (Cursor c = t.cursor(range))
        {
            for (boolean ok = c.first(); ok; ok = c.next())
            {
                final Tuple k = Tuple.decode(c.key());
                out.add(k.getString(0) + "/" + k.getLong(1));
            }
        }
        return out;
    }

    @Test
    void deleteRangeRemovesExactlyTheRangeAndCountsIt()
    {
        final NavigableMap<byte[], byte[]> model = fill("t", KEYS);
        for (int round = 0; round < 40; round++)
        {
            byte[] from = randomKey();
            byte[] to = randomKey();
            if (Arrays.compareUnsigned(from, to) > 0)
            {
                final byte[] x = from;
                from = to;
                to = x;
            }
            final byte[] lo = round % 10 == 0 ? null : from;
            final byte[] hi = round % 7 == 0 ? null : to;
            final NavigableMap<byte[], byte[]> doomed = lo == null
                ? (hi == null ? model : model.headMap(hi, false))
                : (hi == null ? model.tailMap(lo, true) : model.subMap(lo, true, hi, false));
            final long expected = doomed.size();
            final long deleted = db.writeAndGet(txn -> txn.openOrCreateTree("t").deleteRange(lo, hi));
            assertEquals(expected, deleted, "deleteRange(" + hex(lo) + ", " + hex(hi) + ")" + where());
            doomed.clear();
            if (model.size() < KEYS / 4)
            {
                model.putAll(fill("t", KEYS / 2));
            }
            try (ReadTransaction r = db.beginRead(); Cursor c = r.tree("t").cursor())
            {
                assertEquals(model.size(), r.tree("t").size(), where());
                int j = 0;
                boolean ok = c.first();
                for (final Map.Entry<byte[], byte[]> e : model.entrySet())
                {
                    assertTrue(ok, "entry " + j + " missing" + where());
                    assertArrayEquals(e.getKey(), c.key(), where());
                    ok = c.next();
                    j++;
                }
                assertFalse(ok, "extra entries after delete" + where());
            }
        }
    }

    @Test
    void deleteRangeOfAnEmptyRangeChangesNothingAndReadersKeepTheirSnapshot()
    {
        final long n = fill("t", 500).size();
        try (ReadTransaction before = db.beginRead())
        {
            assertEquals(0L,
                (long)db.writeAndGet(txn -> txn.openOrCreateTree("t").deleteRange(new byte[]{5}, new byte[]{5})));
            assertEquals(n,
                (long)db.writeAndGet(txn -> txn.openOrCreateTree("t").deleteRange(KeyRange.prefix(new byte[0]))));
            assertEquals(n, before.tree("t").size());
            assertEquals(n, before.tree("t").count(null, null));
        }
        try (ReadTransaction after = db.beginRead())
        {
            assertEquals(0, after.tree("t").size());
            try (Cursor c = after.tree("t").cursor())
            {
                assertFalse(c.first());
            }
        }
    }

    @Test
    void deleteRangeInAReadTransactionIsRefused()
    {
        fill("t", 10);
        try (ReadTransaction r = db.beginRead())
        {
            assertThrows(ReadOnlyTransactionException.class, () -> r.tree("t").deleteRange(null, null));
        }
    }

    @Test
    void boundedWriteCursorStaysInRangeWhileItsTreeChanges()
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree("t");
            for (int i = 0; i < 100; i++)
            {
                t.put(new byte[]{(byte)i}, new byte[]{(byte)i});
            }
            final List<Integer> seen = new ArrayList<>();
            try (Cursor c = t.cursor(KeyRange.of(new byte[]{10}, new byte[]{20})))
            {
                for (boolean ok = c.first(); ok; ok = c.next())
                {
                    seen.add((int)c.key()[0]);
                    t.delete(c.key()); // the cursor detaches and re-seeks by key
                    t.put(new byte[]{(byte)(c.hashCode() & 0x7 | 0x40)}, new byte[0]); // outside the range
                }
            }
            assertEquals(List.of(10, 11, 12, 13, 14, 15, 16, 17, 18, 19), seen);
            assertEquals(0, t.count(new byte[]{10}, new byte[]{20}));
            try (Cursor c = t.cursor(KeyRange.of(new byte[]{10}, new byte[]{20})))
            {
                assertFalse(c.first());
                assertFalse(c.last());
                assertFalse(c.seekFloor(new byte[]{30}));
            }
        });
    }

    @Test
    void boundedCursorOverAnEmptyRangeFindsNothing()
    {
        fill("t", 200);
        try (ReadTransaction r = db.beginRead();
            Cursor c = r.tree("t").cursor(KeyRange.of(new byte[]{9}, new byte[]{9})))
        {
            assertFalse(c.first());
            assertFalse(c.last());
            assertFalse(c.seek(new byte[]{9}));
            assertFalse(c.seekFloor(new byte[]{(byte)0xFF}));
        }
    }
}
