package dev.cambium.cli;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded databases for the CLI tests, and a byte-exact comparison of two files' trees.
 */
final class TestData
{
    private TestData()
    {
    }

    /** Orders byte arrays as the trees do: unsigned lexicographic. */
    static TreeMap<byte[], byte[]> sortedMap()
    {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /**
     * @return the seed: {@code -Dtest.seed=} if given, else a fresh one.
     */
    static long seed()
    {
        final String s = System.getProperty("test.seed", "");
        return s.isBlank() ? new Random().nextLong() : Long.parseLong(s.trim());
    }

    /**
     * Trees of every awkward kind: binary keys and values, empty values, values over a page, printable keys full of
     * backslashes, and an empty tree. Keys stay under LMDB's 511-byte limit.
     *
     * @param seed the seed.
     * @return tree name to its entries.
     */
    static Map<String, TreeMap<byte[], byte[]>> awkwardTrees(final long seed)
    {
        final Random rnd = new Random(seed);
        final Map<String, TreeMap<byte[], byte[]>> trees = new LinkedHashMap<>();
        final TreeMap<byte[], byte[]> binary = sortedMap();
        for (int i = 0; i < 2000; i++)
        {
            binary.put(bytes(rnd, 1 + rnd.nextInt(64)), bytes(rnd, rnd.nextInt(200)));
        }
        binary.put(new byte[]{0}, new byte[]{0, 0});
        binary.put(new byte[]{(byte)0xFF, '\\', '\n', '\r', ' '}, new byte[]{'\\', '\\', 'x', '\n'});
        trees.put("binary", binary);
        final TreeMap<byte[], byte[]> emptyValues = sortedMap();
        for (int i = 0; i < 300; i++)
        {
            emptyValues.put(("key-" + i).getBytes(StandardCharsets.UTF_8), new byte[0]);
        }
        trees.put("empty values", emptyValues);
        final TreeMap<byte[], byte[]> large = sortedMap();
        for (int i = 0; i < 25; i++)
        {
            large.put(bytes(rnd, 8), bytes(rnd, 4097 + rnd.nextInt(20000)));
        }
        trees.put("large", large);
        final TreeMap<byte[], byte[]> text = sortedMap();
        for (int i = 0; i < 200; i++)
        {
            text.put(("c:\\dir\\" + i + "\\file").getBytes(StandardCharsets.UTF_8),
                ("value \\" + Integer.toHexString(rnd.nextInt()) + "\\\\ end").getBytes(StandardCharsets.UTF_8));
        }
        trees.put("text\\with backslash", text);
        trees.put("nothing", sortedMap());
        return trees;
    }

    static byte[] bytes(final Random rnd, final int n)
    {
        final byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /**
     * Writes the trees into a new file, page size 4096.
     *
     * @param file  the file.
     * @param trees the trees.
     */
    static void write(final Path file, final Map<String, TreeMap<byte[], byte[]>> trees)
    {
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            db.write(txn -> trees.forEach((name, entries) ->
            {
                final var t = txn.openOrCreateTree(name);
                entries.forEach(t::put);
            }));
        }
    }

    /**
     * Reads every tree of a file.
     *
     * @param file the file.
     * @return tree name to its entries, in name order.
     */
    static Map<String, TreeMap<byte[], byte[]>> read(final Path file)
    {
        final Map<String, TreeMap<byte[], byte[]>> trees = new LinkedHashMap<>();
        try (Database db = Database.open(file); ReadTransaction txn = db.beginRead())
        {
            for (final String name : txn.treeNames())
            {
                final TreeMap<byte[], byte[]> entries = sortedMap();
                try (Cursor c = txn.tree(name).cursor())
                {
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        entries.put(c.key(), c.value());
                    }
                }
                trees.put(name, entries);
            }
        }
        return trees;
    }

    /**
     * Asserts that two sets of trees hold exactly the same names, keys and values.
     *
     * @param expected the trees written.
     * @param actual   the trees read back.
     * @param context  for messages (the seed, the path taken).
     */
    static void assertSameTrees(final Map<String, TreeMap<byte[], byte[]>> expected,
        final Map<String, TreeMap<byte[], byte[]>> actual, final String context)
    {
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet(), "tree names; " + context);
        for (final Map.Entry<String, TreeMap<byte[], byte[]>> tree : expected.entrySet())
        {
            final List<Map.Entry<byte[], byte[]>> want = List.copyOf(tree.getValue().entrySet());
            final List<Map.Entry<byte[], byte[]>> got = List.copyOf(actual.get(tree.getKey()).entrySet());
            assertEquals(want.size(), got.size(), "entries of '" + tree.getKey() + "'; " + context);
            for (int i = 0; i < want.size(); i++)
            {
                final int at = i;
                assertTrue(Arrays.equals(want.get(i).getKey(), got.get(i).getKey()) &&
                    Arrays.equals(want.get(i).getValue(), got.get(i).getValue()),
                    () -> "entry " + at + " of '" + tree.getKey() + "' differs: expected key " +
                        HexFormat.of().formatHex(want.get(at).getKey()) + ", got " +
                        HexFormat.of().formatHex(got.get(at).getKey()) + "; " + context);
            }
        }
    }
}
