package dev.cambium.codec;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.UUID;

/**
 * Order-preserving {@link KeyCodec}s for common key types.
 *
 * <p>Numbers are fixed-width big-endian; signed ones have the sign bit flipped so that negative values
 * sort before positive ones. Strings and byte strings are stored as is (no terminator), so these
 * single-value codecs must be the whole key: to combine several values use {@link #TUPLE}.
 *
 * <p>An empty string or byte string encodes to an empty key, which a tree does not accept; wrap such
 * values in a {@link Tuple} (whose string components are never empty keys) if they must be keys.
 */
public final class KeyCodecs
{
    /**
     * Unicode code point order, which differs from {@link String#compareTo} (UTF-16 code unit order)
     * when a supplementary character (U+10000 and up, e.g. emoji) is compared with a character from
     * U+E000 to U+FFFF: here U+FFFF sorts before U+10000, as in UTF-8 byte order.
     */
    public static final Comparator<String> CODE_POINT_ORDER = KeyCodecs::compareCodePoints;

    /**
     * Signed {@code long}: 8 bytes, big-endian, sign bit flipped. Order: {@link Long#compare}.
     */
    public static final KeyCodec<Long> LONG = new Fixed<Long>("LONG", 8, Comparator.naturalOrder())
    {
        @Override
        public byte[] encode(final Long value)
        {
            Objects.requireNonNull(value, "value");
            final byte[] bytes = new byte[8];
            putLong(bytes, 0, value ^ Long.MIN_VALUE);
            return bytes;
        }

        @Override
        Long read(final byte[] bytes, final int offset)
        {
            return getLong(bytes, offset) ^ Long.MIN_VALUE;
        }
    };

    /**
     * Unsigned {@code long}: 8 bytes, big-endian, as is. Order: {@link Long#compareUnsigned}, so -1
     * is the largest value.
     */
    public static final KeyCodec<Long> UNSIGNED_LONG = new Fixed<Long>("UNSIGNED_LONG", 8, Long::compareUnsigned)
    {
        @Override
        public byte[] encode(final Long value)
        {
            Objects.requireNonNull(value, "value");
            final byte[] bytes = new byte[8];
            putLong(bytes, 0, value);
            return bytes;
        }

        @Override
        Long read(final byte[] bytes, final int offset)
        {
            return getLong(bytes, offset);
        }
    };

    /**
     * Signed {@code int}: 4 bytes, big-endian, sign bit flipped. Order: {@link Integer#compare}.
     */
    public static final KeyCodec<Integer> INT = new Fixed<Integer>("INT", 4, Comparator.naturalOrder())
    {
        @Override
        public byte[] encode(final Integer value)
        {
            Objects.requireNonNull(value, "value");
            final byte[] bytes = new byte[4];
            putInt(bytes, 0, value ^ Integer.MIN_VALUE);
            return bytes;
        }

        @Override
        Integer read(final byte[] bytes, final int offset)
        {
            return getInt(bytes, offset) ^ Integer.MIN_VALUE;
        }
    };

    /**
     * {@link UUID}: its 16 bytes in the standard (RFC 4122) big-endian layout, as is. Order: unsigned,
     * most significant bits first, which is the order of the canonical string form and of the binary
     * form in other systems (and time order for version 7 UUIDs).
     *
     * <p><b>Not</b> {@link UUID#compareTo}, which compares the two halves as signed longs, so a UUID
     * whose first hex digit is 8-f sorts before one starting with 0-7 there. Use
     * {@link KeyCodec#comparator()} of this codec to sort UUIDs in memory consistently with keys.
     */
    public static final KeyCodec<UUID> UUID = new Fixed<UUID>("UUID", 16, KeyCodecs::compareUuids)
    {
        @Override
        public byte[] encode(final UUID value)
        {
            Objects.requireNonNull(value, "value");
            final byte[] bytes = new byte[16];
            putLong(bytes, 0, value.getMostSignificantBits());
            putLong(bytes, 8, value.getLeastSignificantBits());
            return bytes;
        }

        @Override
        UUID read(final byte[] bytes, final int offset)
        {
            return new UUID(getLong(bytes, offset), getLong(bytes, offset + 8));
        }
    };

    /**
     * {@link String} as strict UTF-8, no terminator. Order: {@link #CODE_POINT_ORDER} (not
     * {@link String#compareTo}). Strings with unpaired surrogates are rejected on encode, and malformed
     * UTF-8 on decode, because lenient conversion would map different keys to one string.
     */
    public static final KeyCodec<String> STRING = new KeyCodec<>()
    {
        @Override
        public byte[] encode(final String value)
        {
            Objects.requireNonNull(value, "value");
            final byte[] bytes = new byte[Utf8.encodedLength(value, false)];
            Utf8.encode(value, false, bytes, 0);
            return bytes;
        }

        @Override
        public String decode(final byte[] bytes, final int offset, final int length)
        {
            checkRange(bytes, offset, length);
            return Utf8.decode(bytes, offset, offset + length, false, offset);
        }

        @Override
        public Comparator<String> comparator()
        {
            return CODE_POINT_ORDER;
        }

        @Override
        public String toString()
        {
            return "KeyCodecs.STRING";
        }
    };

    /**
     * Byte strings as is. Order: {@link Arrays#compareUnsigned(byte[], byte[])}. Encode and decode
     * copy.
     */
    public static final KeyCodec<byte[]> BYTES = new KeyCodec<>()
    {
        @Override
        public byte[] encode(final byte[] value)
        {
            Objects.requireNonNull(value, "value");
            return value.clone();
        }

        @Override
        public byte[] decode(final byte[] bytes, final int offset, final int length)
        {
            checkRange(bytes, offset, length);
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }

        @Override
        public Comparator<byte[]> comparator()
        {
            return Arrays::compareUnsigned;
        }

        @Override
        public String toString()
        {
            return "KeyCodecs.BYTES";
        }
    };

    /**
     * {@link Tuple}s in the {@link TupleEncoder} format. Order: {@link Tuple#compareTo}.
     */
    public static final KeyCodec<Tuple> TUPLE = new KeyCodec<>()
    {
        @Override
        public byte[] encode(final Tuple value)
        {
            Objects.requireNonNull(value, "value");
            return value.encode();
        }

        @Override
        public Tuple decode(final byte[] bytes, final int offset, final int length)
        {
            return Tuple.decode(bytes, offset, length);
        }

        @Override
        public Comparator<Tuple> comparator()
        {
            return Comparator.naturalOrder();
        }

        @Override
        public String toString()
        {
            return "KeyCodecs.TUPLE";
        }
    };

    private KeyCodecs()
    {
    }

    /** A fixed-width codec: decode insists on exactly {@code width} bytes. */
    private abstract static class Fixed<T> implements KeyCodec<T>
    {
        private final String name;
        private final int width;
        private final Comparator<T> order;

        Fixed(final String name, final int width, final Comparator<T> order)
        {
            this.name = name;
            this.width = width;
            this.order = order;
        }

        abstract T read(byte[] bytes, int offset);

        @Override
        public T decode(final byte[] bytes, final int offset, final int length)
        {
            checkRange(bytes, offset, length);
            if (length != width)
            {
                throw new IllegalArgumentException(
                    name + " key must be " + width + " bytes, got " + length + " (position " + Math.min(length, width)
                        + ")");
            }
            return read(bytes, offset);
        }

        @Override
        public Comparator<T> comparator()
        {
            return order;
        }

        @Override
        public String toString()
        {
            return "KeyCodecs." + name;
        }
    }

    static void checkRange(final byte[] bytes, final int offset, final int length)
    {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    static int compareCodePoints(final String a, final String b)
    {
        final int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++)
        {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb)
            {
                // Surrogates (D800-DFFF) encode code points above FFFF, so move them above E000-FFFF;
                // the first difference between well-formed strings is never high vs low surrogate.
                if (ca >= 0xD800 && cb >= 0xD800)
                {
                    ca += ca >= 0xE000 ? -0x800 : 0x2000;
                    cb += cb >= 0xE000 ? -0x800 : 0x2000;
                }
                return ca - cb;
            }
        }
        return a.length() - b.length();
    }

    static int compareUuids(final UUID a, final UUID b)
    {
        final int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    static void putLong(final byte[] b, final int offset, final long v)
    {
        for (int i = 7; i >= 0; i--)
        {
            b[offset + 7 - i] = (byte)(v >>> (i * 8));
        }
    }

    static long getLong(final byte[] b, final int offset)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 8) | (b[offset + i] & 0xFF);
        }
        return v;
    }

    static void putInt(final byte[] b, final int offset, final int v)
    {
        b[offset] = (byte)(v >>> 24);
        b[offset + 1] = (byte)(v >>> 16);
        b[offset + 2] = (byte)(v >>> 8);
        b[offset + 3] = (byte)v;
    }

    static int getInt(final byte[] b, final int offset)
    {
        return (b[offset] & 0xFF) << 24 | (b[offset + 1] & 0xFF) << 16 | (b[offset + 2] & 0xFF) << 8
            | (b[offset + 3] & 0xFF);
    }
}
