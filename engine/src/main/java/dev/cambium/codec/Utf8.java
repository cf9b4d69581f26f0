package dev.cambium.codec;

/**
 * Strict UTF-8 for keys. The JDK's {@code String.getBytes(UTF_8)} and {@code new String(bytes, UTF_8)}
 * silently replace unpaired surrogates and malformed bytes with substitutes, so two different strings
 * (or byte strings) could map to one key; here both directions reject such input instead.
 */
final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param s      the string.
     * @param escape whether U+0000 is written as {@code 0x00 0xFF} (tuple components).
     * @return the number of bytes {@link #encode} writes.
     * @throws IllegalArgumentException on an unpaired surrogate.
     */
    static int encodedLength(final String s, final boolean escape)
    {
        final int n = s.length();
        int length = 0;
        for (int i = 0; i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                length += (c == 0 && escape) ? 2 : 1;
            }
            else if (c < 0x800)
            {
                length += 2;
            }
            else if (Character.isSurrogate(c))
            {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1)))
                {
                    throw new IllegalArgumentException("unpaired surrogate at index " + i + " of string");
                }
                length += 4;
                i++;
            }
            else
            {
                length += 3;
            }
        }
        return length;
    }

    /**
     * Writes the string, which {@link #encodedLength} must have validated.
     *
     * @return the position after the last byte written.
     */
    static int encode(final String s, final boolean escape, final byte[] dst, final int offset)
    {
        int p = offset;
        final int n = s.length();
        for (int i = 0; i < n; i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                dst[p++] = (byte)c;
                if (c == 0 && escape)
                {
                    dst[p++] = (byte)0xFF;
                }
            }
            else if (c < 0x800)
            {
                dst[p++] = (byte)(0xC0 | (c >>> 6));
                dst[p++] = (byte)(0x80 | (c & 0x3F));
            }
            else if (Character.isHighSurrogate(c))
            {
                final int cp = Character.toCodePoint(c, s.charAt(++i));
                dst[p++] = (byte)(0xF0 | (cp >>> 18));
                dst[p++] = (byte)(0x80 | ((cp >>> 12) & 0x3F));
                dst[p++] = (byte)(0x80 | ((cp >>> 6) & 0x3F));
                dst[p++] = (byte)(0x80 | (cp & 0x3F));
            }
            else
            {
                dst[p++] = (byte)(0xE0 | (c >>> 12));
                dst[p++] = (byte)(0x80 | ((c >>> 6) & 0x3F));
                dst[p++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    /**
     * Decodes {@code src[from, to)}, rejecting overlong forms, encoded surrogates, code points above
     * U+10FFFF and truncated sequences.
     *
     * @param escaped whether {@code 0x00 0xFF} stands for U+0000 (the caller has checked that every
     *                0x00 in the range is followed by 0xFF).
     * @param base    subtracted from array indexes to report positions relative to the key start.
     */
    static String decode(final byte[] src, final int from, final int to, final boolean escaped, final int base)
    {
        final char[] chars = new char[to - from];
        int n = 0;
        int i = from;
        while (i < to)
        {
            final int b = src[i] & 0xFF;
            if (b < 0x80)
            {
                chars[n++] = (char)b;
                i += (b == 0 && escaped) ? 2 : 1;
                continue;
            }
            final int extra;
            final int min;
            int cp;
            if (b >= 0xC0 && b < 0xE0)
            {
                extra = 1;
                min = 0x80;
                cp = b & 0x1F;
            }
            else if (b >= 0xE0 && b < 0xF0)
            {
                extra = 2;
                min = 0x800;
                cp = b & 0x0F;
            }
            else if (b >= 0xF0 && b < 0xF5)
            {
                extra = 3;
                min = 0x10000;
                cp = b & 0x07;
            }
            else
            {
                throw malformed("invalid UTF-8 lead byte 0x" + Integer.toHexString(b), i - base);
            }
            if (i + extra >= to)
            {
                throw malformed("truncated UTF-8 sequence", i - base);
            }
            for (int k = 1; k <= extra; k++)
            {
                final int c = src[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80)
                {
                    throw malformed("invalid UTF-8 continuation byte 0x" + Integer.toHexString(c), i + k - base);
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > Character.MAX_CODE_POINT
                || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
            {
                throw malformed("invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF)", i - base);
            }
            n += Character.toChars(cp, chars, n);
            i += extra + 1;
        }
        return new String(chars, 0, n);
    }

    static IllegalArgumentException malformed(final String what, final int position)
    {
        return new IllegalArgumentException(what + " at position " + position);
    }
}
