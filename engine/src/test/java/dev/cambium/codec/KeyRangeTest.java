package dev.cambium.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class KeyRangeTest
{
    private final TestSeed seed = TestSeed.create();

    private static byte[] b(final int... v)
    {
        final byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++)
        {
            out[i] = (byte)v[i];
        }
        return out;
    }

    @Test
    void bytePrefixRangeEndsAtTheIncrementedPrefixWithoutTrailingFf()
    {
        assertArrayEquals(b(1, 3), KeyRange.prefix(b(1, 2)).to());
        assertArrayEquals(b(2), KeyRange.prefix(b(1, 0xFF, 0xFF)).to());
        assertNull(KeyRange.prefix(b(0xFF, 0xFF)).to());
        assertFalse(KeyRange.prefix(b()).hasUpperBound());
    }

    @Test
    void bytePrefixRangeHoldsExactlyTheKeysWithThatPrefix()
    {
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] prefix = Gen.nextBytes(seed.random);
            final byte[] key = seed.random.nextBoolean()
                ? Gen.nextBytes(seed.random)
                : concat(Arrays.copyOf(prefix, seed.random.nextInt(prefix.length + 1)), Gen.nextBytes(seed.random));
            final boolean startsWith = key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
            assertEquals(startsWith, KeyRange.prefix(prefix).contains(key),
                seed.with(Arrays.toString(prefix) + " " + Arrays.toString(key)));
        }
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void rangesAreHalfOpenAndCopied()
    {
        final byte[] from = b(1);
        final KeyRange r = KeyRange.of(from, b(2));
        from[0] = 9;
        assertTrue(r.contains(b(1)));
        assertTrue(r.contains(b(1, 0xFF)));
        assertFalse(r.contains(b(2)));
        assertFalse(r.contains(b(0, 0xFF)));
        assertTrue(r.isAfter(b(2)));
        assertFalse(r.isAfter(b(1)));
        r.from()[0] = 7;
        assertArrayEquals(b(1), r.from());
        assertEquals(KeyRange.of(b(1), b(2)), r);
        assertEquals("[01, 02)", r.toString());
        assertEquals("from", assertThrows(NullPointerException.class, () -> KeyRange.of(null, null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> r.contains(null)).getMessage());
    }
}
