package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseStats;
import dev.cambium.Tree;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The workload {@link FileGrowth} and {@link CleanerCost} share: {@value #KEY_LENGTH}-byte seeded
 * random keys loaded with {@value #VALUE_LENGTH}-byte values, {@value #LOAD_BATCH} keys per
 * transaction, then overwritten {@value #UPDATE_BATCH} per transaction. Key {@code i} holds
 * {@code Data.value(VALUE_LENGTH, valueSeed[i])}: keeping one seed per key instead of its value lets
 * a run check every key at the end without holding the values.
 */
final class Overwrites
{
    static final int KEY_LENGTH = 16;
    static final int VALUE_LENGTH = 100;
    static final int LOAD_BATCH = 1000;
    static final int UPDATE_BATCH = 100;

    private Overwrites()
    {
    }

    /**
     * @param n    keys.
     * @param seed the run's seed.
     * @return the value seeds of the load, the same for every run with this seed.
     */
    static long[] loadSeeds(final int n, final long seed)
    {
        final SplittableRandom rnd = new SplittableRandom(seed + 1);
        final long[] valueSeed = new long[n];
        for (int i = 0; i < n; i++)
        {
            valueSeed[i] = rnd.nextLong();
        }
        return valueSeed;
    }

    /**
     * Commits one load transaction: keys {@code from} to {@code from + LOAD_BATCH} (or the last key).
     *
     * @param db        the database.
     * @param tree      the tree, created by the first call.
     * @param keys      all keys.
     * @param valueSeed their value seeds.
     * @param from      first key of the transaction.
     */
    static void loadBatch(final Database db, final String tree, final byte[][] keys, final long[] valueSeed,
        final int from)
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree(tree);
            for (int j = from; j < Math.min(keys.length, from + LOAD_BATCH); j++)
            {
                t.put(keys[j], Data.value(VALUE_LENGTH, valueSeed[j]));
            }
        });
    }

    /**
     * @return how many keys do not hold the value their seed gives.
     */
    static long wrongValues(final Tree t, final byte[][] keys, final long[] valueSeed)
    {
        long wrong = 0;
        for (int i = 0; i < keys.length; i++)
        {
            if (!Arrays.equals(t.get(keys[i]), Data.value(VALUE_LENGTH, valueSeed[i])))
            {
                wrong++;
            }
        }
        return wrong;
    }

    /**
     * @return the part of the file in use, {@code pageCount * pageSize}.
     */
    static long inUse(final DatabaseStats s)
    {
        return s.pageCount() * s.pageSize();
    }

    static String mib(final long bytes)
    {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /**
     * Splits {@code --name value} arguments into pairs, in order.
     *
     * @param args the arguments.
     * @return each option as {name, value}.
     * @throws IllegalArgumentException if the last name has no value.
     */
    static String[][] options(final String[] args)
    {
        if (args.length % 2 != 0)
        {
            throw new IllegalArgumentException("missing value after " + args[args.length - 1]);
        }
        final String[][] pairs = new String[args.length / 2][];
        for (int i = 0; i < pairs.length; i++)
        {
            pairs[i] = new String[]{args[2 * i], args[2 * i + 1]};
        }
        return pairs;
    }
}
