package dev.cambium.jmh.peers;

import org.apache.directory.mavibot.btree.serializer.ByteArraySerializer;

import java.util.Arrays;

/**
 * Mavibot's byte-array serializer with unsigned byte order: Mavibot's own {@code ByteArrayComparator}
 * compares bytes as signed, which would make its scans visit keys in a different order from every
 * other store. Mavibot records the serializer's class name in its file and re-instantiates it from
 * the public static {@link #INSTANCE} field on reopen, so this class must stay public.
 */
public final class UnsignedBytesSerializer extends ByteArraySerializer
{
    /** The instance Mavibot looks up by reflection when it reopens a file. */
    public static final UnsignedBytesSerializer INSTANCE = new UnsignedBytesSerializer();

    /** Public for Mavibot's reflective fallback; use {@link #INSTANCE}. */
    public UnsignedBytesSerializer()
    {
        super(Arrays::compareUnsigned);
    }
}
