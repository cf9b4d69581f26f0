package dev.cambium.jmh.peers;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * What a get or a scan returns instead of the bytes themselves: cheap enough not to dominate a
 * lookup, yet it reads the value's first and last 8 bytes (so a store cannot skip materialising the
 * value) and changes if an adapter returns the wrong value, a wrong length, or visits entries in the
 * wrong order. The benchmarks hand it to JMH's blackhole; the model test compares it with the same
 * function over a {@code TreeMap}.
 *
 * <p>The "head" of a byte string is its first {@code min(8, length)} bytes read big-endian into a
 * long (zero-padded on the right); the "tail" its last {@code min(8, length)} bytes.
 */
public final class Fingerprint
{
    /** Returned by {@link Peer.Reader#get} for an absent key; no present value maps to it. */
    public static final long ABSENT = Long.MIN_VALUE;

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Fingerprint()
    {
    }

    /**
     * @param length value length.
     * @param head   head of the value.
     * @param tail   tail of the value.
     * @return the get fingerprint, never {@link #ABSENT}.
     */
    public static long valueOf(final int length, final long head, final long tail)
    {
        final long f = (length * 0x9E3779B97F4A7C15L) ^ head ^ Long.rotateLeft(tail, 29);
        return f == ABSENT ? ABSENT + 1 : f;
    }

    /**
     * Folds one entry into a scan accumulator (order-sensitive).
     *
     * @param acc       accumulator so far (0 before the first entry).
     * @param keyLength key length.
     * @param keyHead   head of the key.
     * @param valueLength value length.
     * @param valueHead head of the value.
     * @return the new accumulator.
     */
    public static long scanStep(final long acc, final int keyLength, final long keyHead, final int valueLength,
        final long valueHead)
    {
        return acc * 31 + keyHead + (valueHead ^ ((long)keyLength << 32 | valueLength));
    }

    /**
     * @param b      bytes.
     * @param off    start.
     * @param length length.
     * @return the head of {@code b[off, off + length)}.
     */
    public static long head(final byte[] b, final int off, final int length)
    {
        if (length >= 8)
        {
            return (long)LONG_BE.get(b, off);
        }
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = v << 8 | (i < length ? b[off + i] & 0xFF : 0);
        }
        return v;
    }

    /**
     * @param b      bytes.
     * @param off    start.
     * @param length length.
     * @return the tail of {@code b[off, off + length)}.
     */
    public static long tail(final byte[] b, final int off, final int length)
    {
        return length >= 8 ? (long)LONG_BE.get(b, off + length - 8) : head(b, off, length);
    }

    /**
     * @param b a buffer whose content is {@code [index, index + length)}.
     * @param index start.
     * @param length length.
     * @return the head.
     */
    public static long head(final DirectBuffer b, final int index, final int length)
    {
        if (length >= 8)
        {
            return b.getLong(index, ByteOrder.BIG_ENDIAN);
        }
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = v << 8 | (i < length ? b.getByte(index + i) & 0xFF : 0);
        }
        return v;
    }

    /**
     * @param b a buffer whose content is {@code [index, index + length)}.
     * @param index start.
     * @param length length.
     * @return the tail.
     */
    public static long tail(final DirectBuffer b, final int index, final int length)
    {
        return length >= 8 ? b.getLong(index + length - 8, ByteOrder.BIG_ENDIAN) : head(b, index, length);
    }

    /**
     * @param b a big-endian buffer; the content is {@code [position, limit)}.
     * @return the head.
     */
    public static long head(final ByteBuffer b)
    {
        final int p = b.position();
        final int length = b.remaining();
        if (length >= 8)
        {
            return b.getLong(p);
        }
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = v << 8 | (i < length ? b.get(p + i) & 0xFF : 0);
        }
        return v;
    }

    /**
     * @param b a big-endian buffer; the content is {@code [position, limit)}.
     * @return the tail.
     */
    public static long tail(final ByteBuffer b)
    {
        return b.remaining() >= 8 ? b.getLong(b.limit() - 8) : head(b);
    }

    /**
     * @param value a whole value.
     * @return its get fingerprint.
     */
    public static long valueOf(final byte[] value)
    {
        return valueOf(value.length, head(value, 0, value.length), tail(value, 0, value.length));
    }

    /**
     * @param acc   accumulator so far.
     * @param key   whole key.
     * @param value whole value.
     * @return {@link #scanStep} of the entry.
     */
    public static long scanStep(final long acc, final byte[] key, final byte[] value)
    {
        return scanStep(acc, key.length, head(key, 0, key.length), value.length, head(value, 0, value.length));
    }
}
