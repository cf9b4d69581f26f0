package dev.cambium.ldap.store;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.RDN;
import dev.cambium.codec.TupleEncoder;
import dev.cambium.ldap.schema.DirectorySchema;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key encodings of the directory's trees (see docs/design.md, "The directory on Cambium").
 *
 * <ul>
 *   <li>{@code entries}: the id as 8 bytes big-endian (ids are positive, so byte order is id
 *   order).</li>
 *   <li>{@code children}: the tuple {@code (parentId LONG, normalisedRdn STRING)}; one parent's
 *   children are one prefix range.</li>
 *   <li>{@code eq.<attr>}: the tuple {@code (normalisedValue BYTES, id LONG)}; one value's entries
 *   are one prefix range, values starting with a prefix too.</li>
 * </ul>
 */
public final class Keys
{
    /**
     * Normalised values longer than this are indexed by their first bytes only: keys stay far below
     * the page's key limit, and a lookup of a long value finds a superset that the filter then
     * narrows.
     */
    public static final int MAX_INDEXED_VALUE = 400;

    private Keys()
    {
    }

    /**
     * @param id an entry id.
     * @return its key in {@code entries}.
     */
    public static byte[] id(final long id)
    {
        final byte[] k = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            k[i] = (byte)(id >>> (56 - 8 * i));
        }
        return k;
    }

    /**
     * @param key an {@code entries} key.
     * @return the id.
     */
    public static long idOf(final byte[] key)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 8) | (key[i] & 0xFF);
        }
        return v;
    }

    /**
     * @param key    a {@code children} value or an index key view.
     * @param offset where the id's 8 bytes start.
     * @param signFlipped true for a tuple LONG component (sign bit flipped), false for a plain id.
     * @return the id.
     */
    public static long idAt(final DirectBuffer key, final int offset, final boolean signFlipped)
    {
        final long raw = key.getLong(offset, ByteOrder.BIG_ENDIAN);
        return signFlipped ? raw ^ Long.MIN_VALUE : raw;
    }

    /**
     * @param parentId the parent's id.
     * @param normRdn  the child's normalised RDN.
     * @return the child's key in {@code children}.
     */
    public static byte[] child(final long parentId, final String normRdn)
    {
        return new TupleEncoder().addLong(parentId).addString(normRdn).toByteArray();
    }

    /**
     * @param normValue a normalised value.
     * @param id        the entry's id.
     * @return the index key.
     */
    public static byte[] index(final byte[] normValue, final long id)
    {
        return new TupleEncoder().addBytes(truncate(normValue)).addLong(id).toByteArray();
    }

    /**
     * @param normValue a normalised value.
     * @return the encoder holding the value component, for a prefix range of its entries.
     */
    public static TupleEncoder value(final byte[] normValue)
    {
        return new TupleEncoder().addBytes(truncate(normValue));
    }

    /**
     * @param value a normalised value.
     * @return the value cut to {@link #MAX_INDEXED_VALUE} bytes.
     */
    public static byte[] truncate(final byte[] value)
    {
        return value.length <= MAX_INDEXED_VALUE ? value : Arrays.copyOf(value, MAX_INDEXED_VALUE);
    }

    /**
     * A schema-aware normal form of an RDN: attribute keys and equality-normalised values, pairs
     * sorted, so that {@code CN=Jen}, {@code commonName=jen} and {@code cn= jen} are one RDN.
     * Values are carried byte for byte (ISO-8859-1) so binary values round-trip.
     *
     * @param rdn    an RDN.
     * @param schema the schema.
     * @return its normal form.
     */
    public static String normalizedRdn(final RDN rdn, final DirectorySchema schema)
    {
        final String[] names = rdn.getAttributeNames();
        final byte[][] values = rdn.getByteArrayAttributeValues();
        final String[] pairs = new String[names.length];
        for (int i = 0; i < names.length; i++)
        {
            final String name = schema.canonical(names[i]);
            final byte[] norm = schema.normalize(name, new ASN1OctetString(values[i]));
            pairs[i] = schema.key(name) + '\u0000' + new String(norm, StandardCharsets.ISO_8859_1);
        }
        Arrays.sort(pairs);
        return String.join("\u0000\u0000", pairs);
    }
}
