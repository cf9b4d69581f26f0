package dev.cambium.jmh;

import java.util.SplittableRandom;

/**
 * Seeded benchmark data: distinct random keys and values, so every run measures the same input.
 */
final class Data
{
    static final long SEED = 0x5EED_CA4B_1114L;

    private Data()
    {
    }

    /**
     * @return {@code count} distinct random keys of {@code keyLength} bytes.
     */
    static byte[][] randomKeys(final int count, final int keyLength, final long seed)
    {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final java.util.HashSet<java.nio.ByteBuffer> seen = new java.util.HashSet<>(count * 2);
        final byte[][] keys = new byte[count][];
        int n = 0;
        while (n < count)
        {
            final byte[] k = new byte[keyLength];
            rnd.nextBytes(k);
            if (seen.add(java.nio.ByteBuffer.wrap(k)))
            {
                keys[n++] = k;
            }
        }
        return keys;
    }

    static byte[] value(final int length, final long seed)
    {
        final byte[] v = new byte[length];
        new SplittableRandom(seed).nextBytes(v);
        return v;
    }
}
