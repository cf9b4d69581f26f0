package dev.cambium.codec;

/**
 * The component types of a {@link Tuple}, in the order components of different types sort at the
 * same position. Each encoded component starts with its type's tag byte.
 */
public enum TupleType
{
    /** {@code byte[]}, unsigned lexicographic order; tag 0x10, escaped and terminated. */
    BYTES(0x10),
    /** {@link String}, code point order ({@link KeyCodecs#CODE_POINT_ORDER}); tag 0x20, escaped UTF-8, terminated. */
    STRING(0x20),
    /** {@code int}, signed order; tag 0x30, 4 bytes big-endian, sign bit flipped. */
    INT(0x30),
    /** {@code long}, signed order; tag 0x40, 8 bytes big-endian, sign bit flipped. */
    LONG(0x40),
    /** {@link java.util.UUID}, unsigned order as {@link KeyCodecs#UUID}; tag 0x50, 16 bytes. */
    UUID(0x50);

    // Tags 0x00 and 0xFF are reserved (never valid), gaps leave room for future types in order.
    private final byte tag;

    TupleType(final int tag)
    {
        this.tag = (byte)tag;
    }

    /**
     * @return the tag byte that starts an encoded component of this type.
     */
    public byte tag()
    {
        return tag;
    }

    static TupleType ofTag(final byte tag)
    {
        switch (tag)
        {
            case 0x10:
                return BYTES;
            case 0x20:
                return STRING;
            case 0x30:
                return INT;
            case 0x40:
                return LONG;
            case 0x50:
                return UUID;
            default:
                return null;
        }
    }

    static TupleType of(final Object component)
    {
        if (component instanceof String)
        {
            return STRING;
        }
        if (component instanceof Long)
        {
            return LONG;
        }
        if (component instanceof Integer)
        {
            return INT;
        }
        if (component instanceof byte[])
        {
            return BYTES;
        }
        if (component instanceof java.util.UUID)
        {
            return UUID;
        }
        throw new IllegalArgumentException("unsupported tuple component type " + component.getClass().getName()
            + " (expected String, Long, Integer, byte[] or UUID)");
    }
}
