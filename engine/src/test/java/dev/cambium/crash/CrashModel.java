package dev.cambium.crash;

import dev.cambium.CheckReport;
import dev.cambium.Cursor;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.engine.Engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The model the crash tests compare recovered files with: the content of every tree at each acknowledged revision,
 * changed in step with a write transaction ({@link Tx}), the reading of a whole database into a model, and the
 * seeds of crash images.
 * Shared by the power-loss tests ({@link CrashPointTest}, {@link ShrinkCrashTest}, {@link BatchedCrashPointTest},
 * {@link CreationCrashTest}, {@link NoSyncPowerLossTest}); their common harness is {@link CrashPoints}.
 */
final class CrashModel
{
    private CrashModel()
    {
    }

    /** Unsigned lexicographic order, like the engine's. */
    static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    /** Tree name to content. */
    static final class Model
    {
        final TreeMap<String, NavigableMap<byte[], byte[]>> trees = new TreeMap<>();
        long revision;

        Model copy()
        {
            final Model m = new Model();
            m.revision = revision;
            trees.forEach((name, content) ->
            {
                final TreeMap<byte[], byte[]> c = new TreeMap<>(KEY_ORDER);
                c.putAll(content);
                m.trees.put(name, c);
            });
            return m;
        }

        /** @return null if equal to {@code actual}, else the first difference. */
        String difference(final Model actual)
        {
            if (!trees.keySet().equals(actual.trees.keySet()))
            {
                return "trees " + actual.trees.keySet() + " != expected " + trees.keySet();
            }
            for (final String name : trees.keySet())
            {
                final NavigableMap<byte[], byte[]> e = trees.get(name);
                final NavigableMap<byte[], byte[]> a = actual.trees.get(name);
                if (e.size() != a.size())
                {
                    return "tree " + name + " has " + a.size() + " entries, expected " + e.size();
                }
                final var ei = e.entrySet().iterator();
                final var ai = a.entrySet().iterator();
                while (ei.hasNext())
                {
                    final var x = ei.next();
                    final var y = ai.next();
                    if (!Arrays.equals(x.getKey(), y.getKey()))
                    {
                        return "tree " + name + ": key " + hex(y.getKey()) + " where " + hex(x.getKey()) + " expected";
                    }
                    if (!Arrays.equals(x.getValue(), y.getValue()))
                    {
                        return "tree " + name + ": value of key " + hex(x.getKey()) + " differs (" +
                            y.getValue().length + " bytes, expected " + x.getValue().length + ")";
                    }
                }
            }
            return null;
        }

        long entries()
        {
            return trees.values().stream().mapToLong(Map::size).sum();
        }
    }

    private static String hex(final byte[] b)
    {
        final StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 16); i++)
        {
            s.append(String.format("%02x", b[i]));
        }
        return b.length > 16 ? s + "..." : s.toString();
    }

    /** A write transaction and the model it changes, in step. */
    static final class Tx
    {
        final WriteTransaction w;
        final Model model;
        private final Map<String, Tree> handles = new HashMap<>();

        Tx(final WriteTransaction w, final Model model)
        {
            this.w = w;
            this.model = model;
        }

        private Tree tree(final String name)
        {
            return handles.computeIfAbsent(name, n ->
            {
                model.trees.computeIfAbsent(n, x -> new TreeMap<>(KEY_ORDER));
                return w.openOrCreateTree(n);
            });
        }

        void put(final String name, final byte[] key, final byte[] value)
        {
            tree(name).put(key, value);
            model.trees.get(name).put(key, value);
        }

        void delete(final String name, final byte[] key)
        {
            tree(name).delete(key);
            model.trees.get(name).remove(key);
        }

        void create(final String name)
        {
            handles.put(name, w.createTree(name));
            model.trees.put(name, new TreeMap<>(KEY_ORDER));
        }

        void drop(final String name)
        {
            w.dropTree(name);
            handles.remove(name);
            model.trees.remove(name);
        }
    }

    /** Runs a scenario's commits against an engine, remembering the model of each acknowledged revision. */
    static final class Harness
    {
        final Engine engine;
        Model acknowledged;
        /** The model of every revision acknowledged through this harness, the opened one first. */
        final List<Model> history = new ArrayList<>();

        Harness(final Engine engine)
        {
            this.engine = engine;
            this.acknowledged = new Model();
            this.acknowledged.revision = engine.revision();
            history.add(acknowledged);
        }

        /** One commit; the model advances only if {@code commit()} returns. */
        void commit(final Consumer<Tx> body)
        {
            final Model next = acknowledged.copy();
            final WriteTransaction w = engine.beginWrite();
            try
            {
                body.accept(new Tx(w, next));
                w.commit();
            }
            finally
            {
                w.close();
            }
            next.revision = engine.revision();
            acknowledged = next;
            history.add(next);
        }
    }

    static Model read(final Engine engine)
    {
        final Model m = new Model();
        try (ReadTransaction r = engine.beginRead())
        {
            m.revision = r.revision();
            for (final String name : r.treeNames())
            {
                final TreeMap<byte[], byte[]> content = new TreeMap<>(KEY_ORDER);
                final Tree t = r.tree(name);
                try (Cursor c = t.cursor())
                {
                    for (boolean more = c.first(); more; more = c.next())
                    {
                        content.put(c.key(), c.value());
                    }
                }
                assertEquals(t.size(), content.size(), "size() of tree " + name + " disagrees with a full scan");
                m.trees.put(name, content);
            }
        }
        return m;
    }

    static byte[] key(final long k)
    {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    static byte[] value(final Random r, final int length)
    {
        final byte[] v = new byte[length];
        r.nextBytes(v);
        return v;
    }

    /**
     * The seed of one crash image: a base seed mixed with the image's coordinates (scenario, crash point, kind,
     * repetition: whatever the test counts by), so that neighbouring images get unrelated random outcomes.
     *
     * @param base the test's base seed.
     * @param a    first coordinate.
     * @param b    second coordinate.
     * @param c    third coordinate.
     * @return the mixed seed.
     */
    static long seed(final long base, final long a, final long b, final long c)
    {
        long x = base ^ (a * 0x9E3779B97F4A7C15L) ^ (b * 0xC2B2AE3D27D4EB4FL) ^ (c * 0x165667B19E3779F9L);
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    /**
     * The recovered database must accept a commit (reusing whatever its free-space map calls free) and still pass
     * {@code check()}: a wrong free-space map would hand out a page a tree still uses.
     *
     * @return null if fine, else the problem.
     */
    static String writeAfterRecovery(final Engine engine)
    {
        try
        {
            final WriteTransaction w = engine.beginWrite();
            try
            {
                final Tree t = w.openOrCreateTree("after-recovery");
                final Random r = new Random(99);
                for (int i = 0; i < 50; i++)
                {
                    t.put(key(r.nextLong()), value(r, 64));
                }
                w.commit();
            }
            finally
            {
                w.close();
            }
            final CheckReport report = engine.check();
            return report.ok() ? null : "check() after a commit on the recovered file found " + report.problems();
        }
        catch (final RuntimeException | Error e)
        {
            return "a commit on the recovered file failed: " + e;
        }
    }
}
