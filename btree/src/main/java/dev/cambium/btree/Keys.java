package dev.cambium.btree;

import org.agrona.UnsafeApi;

/**
 * Key comparison over raw memory (a heap array plus offset, or a native address with a null array), for the
 * readers' hot paths: {@link ReadNode} reads keys this way only inside bounds it has checked, so no buffer's
 * bounds check runs again per byte.
 */
final class Keys
{
    private Keys()
    {
    }

    /**
     * Unsigned lexicographic comparison, eight bytes at a time. The caller has checked both ranges.
     *
     * @return negative, zero or positive as key a is less than, equal to or greater than key b.
     */
    static int compare(
        final byte[] a, final long aAddress, final int aLen, final byte[] b, final long bAddress, final int bLen)
    {
        final int min = Math.min(aLen, bLen);
        int i = 0;
        for (; i + 8 <= min; i += 8)
        {
            final long x = UnsafeApi.getLongUnaligned(a, aAddress + i, true);
            final long y = UnsafeApi.getLongUnaligned(b, bAddress + i, true);
            if (x != y)
            {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < min; i++)
        {
            final int x = UnsafeApi.getByte(a, aAddress + i) & 0xFF;
            final int y = UnsafeApi.getByte(b, bAddress + i) & 0xFF;
            if (x != y)
            {
                return x - y;
            }
        }
        return Integer.compare(aLen, bLen);
    }

    /**
     * The head of a key as {@link Node#head} defines it: its first four bytes, big-endian, zero-padded. The caller
     * has checked the range.
     */
    static int head(final byte[] key, final long address, final int len)
    {
        if (len >= 4)
        {
            return UnsafeApi.getIntUnaligned(key, address, true);
        }
        int h = 0;
        for (int i = 0; i < 4; i++)
        {
            h = (h << 8) | (i < len ? UnsafeApi.getByte(key, address + i) & 0xFF : 0);
        }
        return h;
    }
}
