package dev.cambium.codec;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds a tuple key from components, e.g. an LDAP index key
 * {@code (attribute, normalizedValue, entryId)}:
 * <pre>{@code
 * byte[] key = new TupleEncoder().addString("cn").addString("jensen").addLong(42).toByteArray();
 * KeyRange all = new TupleEncoder().addString("cn").addString("jensen").prefixRange();
 * KeyRange initial = new TupleEncoder().addString("cn").stringPrefixRange("jen");  // cn=jen*
 * }</pre>
 *
 * <p><b>Order:</b> the byte order of encoded tuples is the component-wise order of {@link Tuple#compareTo}:
 * the first differing component decides; components of different types sort by {@link TupleType};
 * a tuple sorts before its extensions, so {@code ("a", 2) < ("ab", 1)} and {@code ("a") < ("a", 1)}.
 *
 * <p><b>Format</b> (each component starts with its {@link TupleType#tag() tag}):
 * INT and LONG are big-endian with the sign bit flipped; UUID is its 16 bytes; STRING (as UTF-8) and
 * BYTES have each 0x00 byte escaped as {@code 0x00 0xFF} and end with {@code 0x00 0x00}, which sorts
 * below every continuation, so {@code "a"} sorts before {@code "a\0"} and {@code "ab"} whatever
 * follows. Each component is thus self-delimiting: the encoding of a tuple is a byte prefix of
 * exactly the encodings of its extensions, so {@link KeyRange#prefix} of it equals
 * {@link #prefixRange()}. Every valid encoding is the only encoding of its tuple.
 *
 * <p>Not thread-safe; reusable through {@link #reset()}.
 */
public final class TupleEncoder
{
    private byte[] buffer;
    private int length;
    private int size;

    /**
     * Creates an empty encoder.
     */
    public TupleEncoder()
    {
        buffer = new byte[64];
    }

    /**
     * @param value the component.
     * @return this.
     */
    public TupleEncoder addLong(final long value)
    {
        ensure(9);
        buffer[length] = TupleType.LONG.tag();
        KeyCodecs.putLong(buffer, length + 1, value ^ Long.MIN_VALUE);
        return added(9);
    }

    /**
     * @param value the component.
     * @return this.
     */
    public TupleEncoder addInt(final int value)
    {
        ensure(5);
        buffer[length] = TupleType.INT.tag();
        KeyCodecs.putInt(buffer, length + 1, value ^ Integer.MIN_VALUE);
        return added(5);
    }

    /**
     * @param value the component.
     * @return this.
     * @throws IllegalArgumentException if the string has an unpaired surrogate.
     */
    public TupleEncoder addString(final String value)
    {
        Objects.requireNonNull(value, "value");
        final int n = Utf8.encodedLength(value, true);
        ensure(n + 3L);
        buffer[length] = TupleType.STRING.tag();
        final int end = Utf8.encode(value, true, buffer, length + 1);
        buffer[end] = 0;
        buffer[end + 1] = 0;
        return added(n + 3);
    }

    /**
     * @param value the component (copied).
     * @return this.
     */
    public TupleEncoder addBytes(final byte[] value)
    {
        Objects.requireNonNull(value, "value");
        return addBytes(value, 0, value.length);
    }

    /**
     * @param value  array holding the component.
     * @param offset where the component starts.
     * @param count  the component's length.
     * @return this.
     */
    public TupleEncoder addBytes(final byte[] value, final int offset, final int count)
    {
        Objects.requireNonNull(value, "value");
        Objects.checkFromIndexSize(offset, count, value.length);
        ensure(3 + 2L * count);
        buffer[length] = TupleType.BYTES.tag();
        final int end = writeEscaped(value, offset, count, buffer, length + 1);
        buffer[end] = 0;
        buffer[end + 1] = 0;
        return added(end + 2 - length);
    }

    /**
     * @param value the component.
     * @return this.
     */
    public TupleEncoder addUuid(final UUID value)
    {
        Objects.requireNonNull(value, "value");
        ensure(17);
        buffer[length] = TupleType.UUID.tag();
        KeyCodecs.putLong(buffer, length + 1, value.getMostSignificantBits());
        KeyCodecs.putLong(buffer, length + 9, value.getLeastSignificantBits());
        return added(17);
    }

    /**
     * @param component a {@link String}, {@link Long}, {@link Integer}, {@code byte[]} or {@link UUID}.
     * @return this.
     * @throws IllegalArgumentException if the component has another type.
     */
    public TupleEncoder add(final Object component)
    {
        Objects.requireNonNull(component, "component");
        switch (TupleType.of(component))
        {
            case STRING:
                return addString((String)component);
            case LONG:
                return addLong((Long)component);
            case INT:
                return addInt((Integer)component);
            case BYTES:
                return addBytes((byte[])component);
            default:
                return addUuid((UUID)component);
        }
    }

    /**
     * @param tuple components to append.
     * @return this.
     */
    public TupleEncoder addAll(final Tuple tuple)
    {
        Objects.requireNonNull(tuple, "tuple");
        for (int i = 0; i < tuple.size(); i++)
        {
            add(tuple.get(i));
        }
        return this;
    }

    /**
     * @return the number of components added.
     */
    public int size()
    {
        return size;
    }

    /**
     * @return the encoded length so far, in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Removes all components.
     *
     * @return this.
     */
    public TupleEncoder reset()
    {
        length = 0;
        size = 0;
        return this;
    }

    /**
     * @return a new array holding the encoded tuple.
     */
    public byte[] toByteArray()
    {
        return Arrays.copyOf(buffer, length);
    }

    /**
     * The keys of all tuples that start with the components added so far, including that tuple itself.
     *
     * @return {@code KeyRange.prefix(toByteArray())}; unbounded above if no component was added.
     */
    public KeyRange prefixRange()
    {
        return partialRange(toByteArray());
    }

    /**
     * The keys of all tuples that consist of the components added so far, then a string starting with
     * {@code prefix}, then anything (e.g. an LDAP substring filter's initial part).
     *
     * @param prefix the start of the string component; "" matches every string.
     * @return the range.
     * @throws IllegalArgumentException if the prefix has an unpaired surrogate.
     */
    public KeyRange stringPrefixRange(final String prefix)
    {
        Objects.requireNonNull(prefix, "prefix");
        final int n = Utf8.encodedLength(prefix, true);
        final byte[] from = Arrays.copyOf(buffer, length + 1 + n);
        from[length] = TupleType.STRING.tag();
        Utf8.encode(prefix, true, from, length + 1);
        return partialRange(from);
    }

    /**
     * The keys of all tuples that consist of the components added so far, then a byte string starting
     * with {@code prefix}, then anything.
     *
     * @param prefix the start of the byte-string component; empty matches every byte string.
     * @return the range.
     */
    public KeyRange bytesPrefixRange(final byte[] prefix)
    {
        Objects.requireNonNull(prefix, "prefix");
        final byte[] from = Arrays.copyOf(buffer, length + 1 + 2 * prefix.length);
        from[length] = TupleType.BYTES.tag();
        final int end = writeEscaped(prefix, 0, prefix.length, from, length + 1);
        return partialRange(Arrays.copyOf(from, end));
    }

    /**
     * For an unterminated last component too, the matching keys are exactly those with this byte
     * prefix, because escaping is compositional: esc(p + s) = esc(p) + esc(s).
     */
    private static KeyRange partialRange(final byte[] from)
    {
        return KeyRange.wrap(from, KeyRange.prefixSuccessor(from, from.length));
    }

    private static int writeEscaped(final byte[] src, final int offset, final int count, final byte[] dst, final int at)
    {
        int p = at;
        for (int i = offset; i < offset + count; i++)
        {
            dst[p++] = src[i];
            if (src[i] == 0)
            {
                dst[p++] = (byte)0xFF;
            }
        }
        return p;
    }

    private TupleEncoder added(final int bytes)
    {
        length += bytes;
        size++;
        return this;
    }

    private void ensure(final long extra)
    {
        final long needed = length + extra;
        if (needed > buffer.length)
        {
            if (needed > Integer.MAX_VALUE - 8)
            {
                throw new IllegalArgumentException("tuple too long: " + needed + " bytes");
            }
            buffer = Arrays.copyOf(buffer, (int)Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * buffer.length)));
        }
    }
}
