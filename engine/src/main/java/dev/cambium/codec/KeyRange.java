package dev.cambium.codec;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A half-open range of keys {@code [from, to)} in unsigned lexicographic byte order, for bounding a
 * cursor scan: {@code cursor.seek(range.from())}, then move forward while
 * {@code range.contains(cursor.key())}.
 *
 * <p>Immutable; accessors return copies.
 */
public final class KeyRange
{
    private final byte[] from;
    private final byte[] to;

    private KeyRange(final byte[] from, final byte[] to)
    {
        this.from = from;
        this.to = to;
    }

    /**
     * @param from the smallest key in the range (inclusive).
     * @param to   the first key after the range (exclusive), or null for no upper bound.
     * @return the range (empty if {@code to <= from}).
     */
    public static KeyRange of(final byte[] from, final byte[] to)
    {
        Objects.requireNonNull(from, "from");
        return new KeyRange(from.clone(), to == null ? null : to.clone());
    }

    /**
     * The keys that start with a byte prefix. For an encoded tuple these are exactly the keys of the
     * tuples that extend it ({@link Tuple#prefixRange()}).
     *
     * @param prefix the byte prefix.
     * @return {@code [prefix, successor)} where successor is the smallest key greater than every key
     *         starting with {@code prefix}; unbounded above if the prefix is empty or all 0xFF.
     */
    public static KeyRange prefix(final byte[] prefix)
    {
        Objects.requireNonNull(prefix, "prefix");
        return new KeyRange(prefix.clone(), prefixSuccessor(prefix, prefix.length));
    }

    /**
     * Drops trailing 0xFF bytes and increments the last remaining one: every key starting with the
     * prefix sorts below the result and nothing in between does. Null if no such key exists.
     */
    static byte[] prefixSuccessor(final byte[] prefix, final int length)
    {
        int end = length;
        while (end > 0 && prefix[end - 1] == (byte)0xFF)
        {
            end--;
        }
        if (end == 0)
        {
            return null;
        }
        final byte[] successor = Arrays.copyOf(prefix, end);
        successor[end - 1]++;
        return successor;
    }

    /** Wraps arrays the caller no longer shares. */
    static KeyRange wrap(final byte[] from, final byte[] to)
    {
        return new KeyRange(from, to);
    }

    /**
     * @return a copy of the inclusive lower bound.
     */
    public byte[] from()
    {
        return from.clone();
    }

    /**
     * @return a copy of the exclusive upper bound, or null if the range is unbounded above.
     */
    public byte[] to()
    {
        return to == null ? null : to.clone();
    }

    /**
     * @return true if the range has an upper bound.
     */
    public boolean hasUpperBound()
    {
        return to != null;
    }

    /**
     * @param key a key.
     * @return true if {@code from <= key < to}.
     */
    public boolean contains(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        return Arrays.compareUnsigned(key, from) >= 0 && (to == null || Arrays.compareUnsigned(key, to) < 0);
    }

    /**
     * @param key a key.
     * @return true if {@code key >= to}: a forward scan can stop.
     */
    public boolean isAfter(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        return to != null && Arrays.compareUnsigned(key, to) >= 0;
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof KeyRange && Arrays.equals(from, ((KeyRange)o).from) && Arrays.equals(to, ((KeyRange)o).to);
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(from) + Arrays.hashCode(to);
    }

    @Override
    public String toString()
    {
        final HexFormat hex = HexFormat.of();
        return "[" + hex.formatHex(from) + ", " + (to == null ? "+inf" : hex.formatHex(to)) + ")";
    }
}
