package dev.cambium.crash;

import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The deterministic workload shared by {@link KillNineChild} (which applies it to a database) and
 * {@link KillNineTest} (which replays it on an in-memory model): commit number {@code n} of a run with seed
 * {@code seed} is a batch of puts and deletes on the three {@link #TREES} derived only from {@code (seed, n)}, plus
 * {@code meta/commit = n} in the same transaction. So the expected content of the whole database after commits
 * {@code 1..c} is a pure function of {@code (seed, c)}.
 */
final class KillNineWorkload
{
    /** The data trees every commit touches. */
    static final List<String> TREES = List.of("alpha", "beta", "gamma");
    /** The tree holding {@link #COMMIT_KEY}. */
    static final String META = "meta";
    /** Key of the number of the last commit in {@link #META}. */
    static final byte[] COMMIT_KEY = {'c', 'o', 'm', 'm', 'i', 't'};

    private static final int KEY_SPACE = 600;

    private KillNineWorkload()
    {
    }

    /** Receives the operations of one commit, in order. */
    interface Ops
    {
        void put(String tree, byte[] key, byte[] value);

        void delete(String tree, byte[] key);
    }

    /**
     * Generates commit {@code n}'s operations on the data trees (not the meta key).
     *
     * @param seed the run's seed.
     * @param n    the commit number, from 1.
     * @param ops  where the operations go.
     */
    static void generate(final long seed, final long n, final Ops ops)
    {
        final SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        // mostly small transactions (a kill then lands between or inside many commits), sometimes a large one
        // that splits and merges pages
        final int size = r.nextInt(20) == 0 ? 100 + r.nextInt(400) : 1 + r.nextInt(12);
        for (final String tree : TREES)
        {
            final int count = 1 + r.nextInt(size);
            for (int i = 0; i < count; i++)
            {
                final byte[] key = key(r.nextInt(KEY_SPACE));
                if (r.nextInt(10) < 7)
                {
                    ops.put(tree, key, value(r, n, tree, key));
                }
                else
                {
                    ops.delete(tree, key);
                }
            }
        }
    }

    private static byte[] key(final int k)
    {
        return String.format("k%05d", k).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static byte[] value(final SplittableRandom r, final long n, final String tree, final byte[] key)
    {
        // the commit number and the tree are in the value, so content from another commit never matches
        final int pad = r.nextInt(8) == 0 ? r.nextInt(1500) : r.nextInt(120);
        final ByteBuffer b = ByteBuffer.allocate(8 + 1 + key.length + pad);
        b.putLong(n).put((byte)tree.charAt(0)).put(key);
        final byte fill = (byte)(n * 31 + key[key.length - 1]);
        while (b.hasRemaining())
        {
            b.put(fill);
        }
        return b.array();
    }

    /**
     * Applies commit {@code n} to an open write transaction (creating the trees when needed), including
     * {@code meta/commit = n}. The caller commits.
     */
    static void apply(final WriteTransaction txn, final long seed, final long n)
    {
        final Tree[] trees = new Tree[TREES.size()];
        for (int i = 0; i < trees.length; i++)
        {
            trees[i] = txn.openOrCreateTree(TREES.get(i));
        }
        generate(seed, n, new Ops()
        {
            @Override
            public void put(final String tree, final byte[] key, final byte[] value)
            {
                trees[TREES.indexOf(tree)].put(key, value);
            }

            @Override
            public void delete(final String tree, final byte[] key)
            {
                trees[TREES.indexOf(tree)].delete(key);
            }
        });
        txn.openOrCreateTree(META).put(COMMIT_KEY, encode(n));
    }

    static byte[] encode(final long n)
    {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    /**
     * @return the number of the last commit in the database read by {@code txn}, 0 before the first.
     */
    static long lastCommit(final ReadTransaction txn)
    {
        if (!txn.hasTree(META))
        {
            return 0;
        }
        final byte[] v = txn.tree(META).get(COMMIT_KEY);
        if (v == null)
        {
            return 0;
        }
        if (v.length != 8)
        {
            throw new AssertionError("meta/commit has " + v.length + " bytes");
        }
        return ByteBuffer.wrap(v).getLong();
    }

    /** The expected content after commits {@code 1..commit()}, advanced one commit at a time. */
    static final class Model
    {
        private final long seed;
        private final TreeMap<String, NavigableMap<byte[], byte[]>> trees = new TreeMap<>();
        private long commit;

        Model(final long seed)
        {
            this.seed = seed;
            for (final String t : TREES)
            {
                trees.put(t, new TreeMap<>(Arrays::compareUnsigned));
            }
        }

        long commit()
        {
            return commit;
        }

        NavigableMap<byte[], byte[]> tree(final String name)
        {
            return trees.get(name);
        }

        /** Replays commits up to {@code target} (never backwards). */
        void advanceTo(final long target)
        {
            if (target < commit)
            {
                throw new IllegalArgumentException("model at " + commit + " cannot go back to " + target);
            }
            while (commit < target)
            {
                commit++;
                generate(seed, commit, new Ops()
                {
                    @Override
                    public void put(final String tree, final byte[] key, final byte[] value)
                    {
                        trees.get(tree).put(key, value);
                    }

                    @Override
                    public void delete(final String tree, final byte[] key)
                    {
                        trees.get(tree).remove(key);
                    }
                });
            }
        }
    }
}
