package dev.cambium.jmh.peers;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The seeded data every store is given: {@code entries} distinct keys (sorted, unsigned order) and
 * a value for each. Keys are {@code sequential} (the big-endian entry number, zero-padded on the
 * left to the key length) or {@code random} (seeded random bytes, duplicates replaced). Values
 * come from a pool of {@value #POOL} distinct seeded values of one length; value {@code i} is
 * {@code pool[i % POOL]}. The same (entries, keyLength, keyOrder, valueLength, seed) always gives
 * the same bytes.
 */
public final class Dataset
{
    /** Distinct values in the pool. */
    public static final int POOL = 4096;

    /** The default seed of the benchmarks. */
    public static final long SEED = 0x5EED_CA4B_1114L;

    final int entries;
    final int keyLength;
    final String keyOrder;
    final int valueLength;
    final long seed;
    /** Keys in ascending unsigned order; never modified (stores may keep references). */
    final byte[][] keys;
    /** {@code values[i]} belongs to {@code keys[i]}; never modified. */
    final byte[][] values;
    final byte[][] pool;

    private Dataset(final int entries, final int keyLength, final String keyOrder, final int valueLength,
        final long seed)
    {
        if (entries < 1 || keyLength < 1 || valueLength < 0)
        {
            throw new IllegalArgumentException("need entries >= 1, keyLength >= 1, valueLength >= 0");
        }
        this.entries = entries;
        this.keyLength = keyLength;
        this.keyOrder = keyOrder;
        this.valueLength = valueLength;
        this.seed = seed;
        this.keys = switch (keyOrder)
        {
            case "sequential" -> sequentialKeys(entries, keyLength);
            case "random" -> randomKeys(entries, keyLength, seed);
            default -> throw new IllegalArgumentException("keyOrder must be sequential or random, was " + keyOrder);
        };
        this.pool = new byte[POOL][];
        final SplittableRandom rnd = new SplittableRandom(seed ^ 0x7A1E5L);
        for (int i = 0; i < POOL; i++)
        {
            pool[i] = new byte[valueLength];
            rnd.nextBytes(pool[i]);
        }
        this.values = new byte[entries][];
        for (int i = 0; i < entries; i++)
        {
            values[i] = pool[i % POOL];
        }
    }

    /**
     * @param entries     number of entries.
     * @param keyLength   key length in bytes (at least 8 for sequential keys beyond 2^56).
     * @param keyOrder    {@code sequential} or {@code random}.
     * @param valueLength value length in bytes.
     * @param seed        seed.
     * @return the data set.
     */
    public static Dataset of(final int entries, final int keyLength, final String keyOrder, final int valueLength,
        final long seed)
    {
        return new Dataset(entries, keyLength, keyOrder, valueLength, seed);
    }

    private static byte[][] sequentialKeys(final int n, final int keyLength)
    {
        if (keyLength < 8 && n > 1L << (8 * keyLength))
        {
            throw new IllegalArgumentException(n + " sequential keys do not fit in " + keyLength + " bytes");
        }
        final byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            final byte[] k = new byte[keyLength];
            long v = i;
            for (int j = keyLength - 1; j >= 0 && v != 0; j--, v >>>= 8)
            {
                k[j] = (byte)v;
            }
            keys[i] = k;
        }
        return keys;
    }

    private static byte[][] randomKeys(final int n, final int keyLength, final long seed)
    {
        final SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] keys = new byte[0][];
        while (keys.length < n)
        {
            final int have = keys.length;
            final byte[][] more = Arrays.copyOf(keys, n);
            for (int i = have; i < n; i++)
            {
                more[i] = new byte[keyLength];
                rnd.nextBytes(more[i]);
            }
            Arrays.sort(more, Arrays::compareUnsigned);
            int unique = 0;
            for (int i = 0; i < n; i++)
            {
                if (unique == 0 || !Arrays.equals(more[unique - 1], more[i]))
                {
                    more[unique++] = more[i];
                }
            }
            keys = Arrays.copyOf(more, unique);
        }
        return keys;
    }

    /**
     * @param seed seed of the permutation.
     * @return a seeded random permutation of the entry numbers.
     */
    public int[] shuffledOrder(final long seed)
    {
        final int[] order = new int[entries];
        for (int i = 0; i < entries; i++)
        {
            order[i] = i;
        }
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = entries - 1; i > 0; i--)
        {
            final int j = rnd.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * @param order entry numbers.
     * @return the keys in that order (same array objects).
     */
    public byte[][] keysIn(final int[] order)
    {
        final byte[][] out = new byte[order.length][];
        for (int i = 0; i < order.length; i++)
        {
            out[i] = keys[order[i]];
        }
        return out;
    }

    /**
     * @param order entry numbers.
     * @return the values in that order (same array objects).
     */
    public byte[][] valuesIn(final int[] order)
    {
        final byte[][] out = new byte[order.length][];
        for (int i = 0; i < order.length; i++)
        {
            out[i] = values[order[i]];
        }
        return out;
    }

    /**
     * A stream of keys to look up, back to back in one array so that walking it costs no cache miss
     * (every store then pays the same small cost to fetch the next key).
     *
     * @param count number of lookups.
     * @param seed  seed of the choice.
     * @return {@code count * keyLength} bytes: uniformly chosen present keys.
     */
    public byte[] probes(final int count, final long seed)
    {
        final byte[] out = new byte[Math.multiplyExact(count, keyLength)];
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++)
        {
            System.arraycopy(keys[rnd.nextInt(entries)], 0, out, i * keyLength, keyLength);
        }
        return out;
    }

    /**
     * A stream of keys to look up in key order: {@code count} consecutive keys starting at entry
     * {@code start}, wrapping to the first key after the last, back to back in one array.
     *
     * @param count number of lookups (at most {@link #entries()}, so no key repeats).
     * @param start entry number of the first key, {@code 0 <= start < entries}.
     * @return {@code count * keyLength} bytes.
     */
    public byte[] inOrderProbes(final int count, final int start)
    {
        if (count < 1 || count > entries || start < 0 || start >= entries)
        {
            throw new IllegalArgumentException("need 1 <= count <= " + entries + " and 0 <= start < " + entries
                + ", got count " + count + " and start " + start);
        }
        final byte[] out = new byte[Math.multiplyExact(count, keyLength)];
        for (int i = 0; i < count; i++)
        {
            System.arraycopy(keys[(start + i) % entries], 0, out, i * keyLength, keyLength);
        }
        return out;
    }

    /** @return the number of entries. */
    public int entries()
    {
        return entries;
    }

    /** @return bytes of keys and values: entries × (keyLength + valueLength). */
    public long rawBytes()
    {
        return (long)entries * (keyLength + valueLength);
    }

    /**
     * @return the parameters as the report prints them: {@code k=v,k=v} in JMH's (alphabetical) order.
     */
    public String params()
    {
        return "entries=" + entries + ",keyLength=" + keyLength + ",keyOrder=" + keyOrder + ",valueLength="
            + valueLength;
    }
}
