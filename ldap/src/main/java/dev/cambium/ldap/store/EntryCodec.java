package dev.cambium.ldap.store;

import com.unboundid.ldap.sdk.Attribute;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact encoding of a {@link StoredEntry} (the value in the {@code entries} tree):
 * <pre>
 * varint parentId, string rdn, varint attributeCount,
 *   per attribute: string name, varint valueCount, per value: varint length, bytes
 * </pre>
 * where a string is a varint length and UTF-8 bytes, and a varint is 7 bits per byte, low group
 * first, high bit set on every byte but the last. No LDIF, no DN: about the size of the values.
 */
public final class EntryCodec
{
    private EntryCodec()
    {
    }

    /**
     * @param parentId   the parent id.
     * @param rdn        the RDN as given.
     * @param attributes the attributes.
     * @return the encoding.
     */
    public static byte[] encode(final long parentId, final String rdn, final List<Attribute> attributes)
    {
        final Writer w = new Writer();
        w.varint(parentId);
        w.string(rdn);
        w.varint(attributes.size());
        for (final Attribute a : attributes)
        {
            w.string(a.getName());
            final byte[][] values = a.getValueByteArrays();
            w.varint(values.length);
            for (final byte[] v : values)
            {
                w.varint(v.length);
                w.bytes(v);
            }
        }
        return w.toArray();
    }

    /**
     * @param id    the entry's id (the key it was stored under).
     * @param bytes the encoding.
     * @return the entry.
     * @throws IllegalArgumentException if the bytes are not an entry's encoding.
     */
    public static StoredEntry decode(final long id, final byte[] bytes)
    {
        final Reader r = new Reader(bytes);
        final long parent = r.varint();
        final String rdn = r.string();
        final int count = r.count();
        final List<Attribute> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final String name = r.string();
            final int n = r.count();
            final byte[][] values = new byte[n][];
            for (int j = 0; j < n; j++)
            {
                values[j] = r.bytes(r.count());
            }
            attributes.add(new Attribute(name, values));
        }
        if (r.at != bytes.length)
        {
            throw new IllegalArgumentException("entry " + id + ": " + (bytes.length - r.at) + " trailing bytes");
        }
        return new StoredEntry(id, parent, rdn, attributes);
    }

    /**
     * @param bytes an entry's encoding.
     * @return its parent id, read without decoding the rest.
     */
    public static long parentOf(final byte[] bytes)
    {
        return new Reader(bytes).varint();
    }

    private static final class Writer
    {
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        private int length;

        void varint(final long value)
        {
            long v = value;
            while ((v & ~0x7FL) != 0)
            {
                buffer.putByte(length++, (byte)((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buffer.putByte(length++, (byte)v);
        }

        void string(final String s)
        {
            final byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            bytes(b);
        }

        void bytes(final byte[] b)
        {
            buffer.putBytes(length, b);
            length += b.length;
        }

        byte[] toArray()
        {
            final byte[] out = new byte[length];
            buffer.getBytes(0, out);
            return out;
        }
    }

    private static final class Reader
    {
        private final byte[] bytes;
        private int at;

        Reader(final byte[] bytes)
        {
            this.bytes = bytes;
        }

        long varint()
        {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (at >= bytes.length)
                {
                    throw new IllegalArgumentException("truncated entry encoding at byte " + at);
                }
                final byte b = bytes[at++];
                v |= (long)(b & 0x7F) << shift;
                if (b >= 0)
                {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at byte " + at);
        }

        int count()
        {
            final long v = varint();
            if (v < 0 || v > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("count " + v + " at byte " + at);
            }
            return (int)v;
        }

        byte[] bytes(final int n)
        {
            if (n > bytes.length - at)
            {
                throw new IllegalArgumentException("value of " + n + " bytes runs past the end at byte " + at);
            }
            final byte[] out = new byte[n];
            System.arraycopy(bytes, at, out, 0, n);
            at += n;
            return out;
        }

        String string()
        {
            return new String(bytes(count()), StandardCharsets.UTF_8);
        }
    }
}
