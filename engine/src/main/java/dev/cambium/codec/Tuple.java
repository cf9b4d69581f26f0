package dev.cambium.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An immutable sequence of components ({@link String}, {@link Long}, {@link Integer},
 * {@code byte[]}, {@link UUID}) that encodes to a key ({@link #encode()}, format in
 * {@link TupleEncoder}) whose byte order is {@link #compareTo}.
 *
 * <p>For hot paths {@link TupleEncoder} and {@link TupleDecoder} avoid boxing; this class is the
 * convenient value form, e.g. {@code Tuple.of("objectClass", "person", 42L)}.
 */
public final class Tuple implements Comparable<Tuple>
{
    /** The tuple with no components; it encodes to an empty key and sorts first. */
    public static final Tuple EMPTY = new Tuple(new Object[0]);

    // Components as given, byte[] copied; never exposed without copying.
    private final Object[] components;

    private Tuple(final Object[] components)
    {
        this.components = components;
    }

    /**
     * @param components each a {@link String}, {@link Long}, {@link Integer}, {@code byte[]} (copied)
     *                   or {@link UUID}; note that {@code 42} is an INT and {@code 42L} a LONG.
     * @return the tuple.
     * @throws NullPointerException     if a component is null (message {@code components[i]}).
     * @throws IllegalArgumentException if a component has another type.
     */
    public static Tuple of(final Object... components)
    {
        Objects.requireNonNull(components, "components");
        final Object[] copy = components.clone();
        for (int i = 0; i < copy.length; i++)
        {
            Objects.requireNonNull(copy[i], "components[" + i + "]");
            if (TupleType.of(copy[i]) == TupleType.BYTES)
            {
                copy[i] = ((byte[])copy[i]).clone();
            }
        }
        return new Tuple(copy);
    }

    /**
     * @param bytes an encoded tuple.
     * @return the tuple.
     * @throws IllegalArgumentException if {@code bytes} is not a valid encoding.
     */
    public static Tuple decode(final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length);
    }

    /**
     * @param bytes  array holding an encoded tuple.
     * @param offset where the tuple starts.
     * @param length the tuple's length.
     * @return the tuple.
     * @throws IllegalArgumentException if the range is not a valid encoding.
     */
    public static Tuple decode(final byte[] bytes, final int offset, final int length)
    {
        final TupleDecoder decoder = new TupleDecoder(bytes, offset, length);
        final List<Object> out = new ArrayList<>();
        while (decoder.hasNext())
        {
            out.add(decoder.read());
        }
        return new Tuple(out.toArray());
    }

    /**
     * @return the number of components.
     */
    public int size()
    {
        return components.length;
    }

    /**
     * @param index the component index.
     * @return the component's type.
     */
    public TupleType type(final int index)
    {
        return TupleType.of(components[index]);
    }

    /**
     * @param index the component index.
     * @return the component ({@code byte[]} copied).
     */
    public Object get(final int index)
    {
        final Object c = components[index];
        return c instanceof byte[] ? ((byte[])c).clone() : c;
    }

    /**
     * @param index the component index.
     * @return the component, which must be a LONG.
     * @throws IllegalArgumentException if it has another type.
     */
    public long getLong(final int index)
    {
        return (Long)typed(index, TupleType.LONG);
    }

    /**
     * @param index the component index.
     * @return the component, which must be an INT.
     * @throws IllegalArgumentException if it has another type.
     */
    public int getInt(final int index)
    {
        return (Integer)typed(index, TupleType.INT);
    }

    /**
     * @param index the component index.
     * @return the component, which must be a STRING.
     * @throws IllegalArgumentException if it has another type.
     */
    public String getString(final int index)
    {
        return (String)typed(index, TupleType.STRING);
    }

    /**
     * @param index the component index.
     * @return a copy of the component, which must be BYTES.
     * @throws IllegalArgumentException if it has another type.
     */
    public byte[] getBytes(final int index)
    {
        return ((byte[])typed(index, TupleType.BYTES)).clone();
    }

    /**
     * @param index the component index.
     * @return the component, which must be a UUID.
     * @throws IllegalArgumentException if it has another type.
     */
    public UUID getUuid(final int index)
    {
        return (UUID)typed(index, TupleType.UUID);
    }

    /**
     * @param more components to append (types as in {@link #of}).
     * @return a new tuple with this tuple's components followed by {@code more}.
     */
    public Tuple append(final Object... more)
    {
        final Tuple tail = of(more);
        final Object[] all = Arrays.copyOf(components, components.length + tail.components.length);
        System.arraycopy(tail.components, 0, all, components.length, tail.components.length);
        return new Tuple(all);
    }

    /**
     * @param prefix a tuple.
     * @return true if this tuple's first components equal all of {@code prefix}'s.
     */
    public boolean startsWith(final Tuple prefix)
    {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.size() > size())
        {
            return false;
        }
        for (int i = 0; i < prefix.size(); i++)
        {
            if (compareComponents(components[i], prefix.components[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return a new array holding the key.
     * @throws IllegalArgumentException if a string component has an unpaired surrogate.
     */
    public byte[] encode()
    {
        return new TupleEncoder().addAll(this).toByteArray();
    }

    /**
     * The keys of the tuples that start with this tuple's components, whole: {@code
     * Tuple.of("jen").prefixRange()} contains {@code ("jen")}, {@code ("jen", 42)} and
     * {@code ("jen", "x", 7)}, but not {@code ("jensen", 42)}, because "jen" and "jensen" are
     * different first components. For tuples whose last component starts with a string, use
     * {@link #stringPrefixRange(String)}.
     *
     * @return the keys of exactly the tuples that {@link #startsWith} this one (this one included).
     */
    public KeyRange prefixRange()
    {
        return new TupleEncoder().addAll(this).prefixRange();
    }

    /**
     * The keys of the tuples made of this tuple's components, then a string component that starts
     * with {@code prefix}, then anything: {@code Tuple.of("cn").stringPrefixRange("jen")} contains
     * {@code ("cn", "jen", 1)} and {@code ("cn", "jensen", 2)} but not {@code ("cn", "je", 3)} (an LDAP
     * substring filter's initial part {@code cn=jen*}).
     *
     * @param prefix the start of the next, string, component; "" matches every string.
     * @return the range.
     * @throws IllegalArgumentException if a string has an unpaired surrogate.
     */
    public KeyRange stringPrefixRange(final String prefix)
    {
        return new TupleEncoder().addAll(this).stringPrefixRange(prefix);
    }

    /**
     * The keys of the tuples made of this tuple's components, then a byte-string component that
     * starts with {@code prefix}, then anything.
     *
     * @param prefix the start of the next, byte-string, component; empty matches every byte string.
     * @return the range.
     */
    public KeyRange bytesPrefixRange(final byte[] prefix)
    {
        return new TupleEncoder().addAll(this).bytesPrefixRange(prefix);
    }

    /**
     * Component-wise order: the first differing component decides, where components of different
     * types order by {@link TupleType}, BYTES by unsigned bytes, STRING by code points, INT and LONG
     * signed, UUID as {@link KeyCodecs#UUID}; a proper prefix sorts first. Consistent with
     * {@link #equals} and with the byte order of {@link #encode()}.
     */
    @Override
    public int compareTo(final Tuple other)
    {
        final int n = Math.min(size(), other.size());
        for (int i = 0; i < n; i++)
        {
            final int c = compareComponents(components[i], other.components[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return Integer.compare(size(), other.size());
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof Tuple && compareTo((Tuple)o) == 0;
    }

    @Override
    public int hashCode()
    {
        int h = 1;
        for (final Object c : components)
        {
            // Integer 1 and Long 1 are different components, so mix the type in.
            h = 31 * h + TupleType.of(c).ordinal() * 17
                + (c instanceof byte[] ? Arrays.hashCode((byte[])c) : c.hashCode());
        }
        return h;
    }

    /**
     * @return e.g. {@code ("cn", 42, 7i, 0x00ff, 123e4567-e89b-12d3-a456-426614174000)}: an INT has
     *         suffix {@code i}, BYTES are hex.
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < components.length; i++)
        {
            final Object c = components[i];
            sb.append(i == 0 ? "" : ", ");
            if (c instanceof String)
            {
                sb.append('"').append(((String)c).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            else if (c instanceof byte[])
            {
                sb.append("0x").append(HexFormat.of().formatHex((byte[])c));
            }
            else
            {
                sb.append(c).append(c instanceof Integer ? "i" : "");
            }
        }
        return sb.append(')').toString();
    }

    private Object typed(final int index, final TupleType type)
    {
        final Object c = components[index];
        if (TupleType.of(c) != type)
        {
            throw new IllegalArgumentException("component " + index + " is " + TupleType.of(c) + ", not " + type);
        }
        return c;
    }

    private static int compareComponents(final Object a, final Object b)
    {
        final TupleType ta = TupleType.of(a);
        final TupleType tb = TupleType.of(b);
        if (ta != tb)
        {
            return Integer.compare(ta.tag() & 0xFF, tb.tag() & 0xFF);
        }
        switch (ta)
        {
            case STRING:
                return KeyCodecs.compareCodePoints((String)a, (String)b);
            case LONG:
                return Long.compare((Long)a, (Long)b);
            case INT:
                return Integer.compare((Integer)a, (Integer)b);
            case BYTES:
                return Arrays.compareUnsigned((byte[])a, (byte[])b);
            default:
                return KeyCodecs.compareUuids((UUID)a, (UUID)b);
        }
    }
}
