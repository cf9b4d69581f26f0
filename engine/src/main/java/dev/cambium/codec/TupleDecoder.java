package dev.cambium.codec;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads the components of an encoded tuple (see {@link TupleEncoder}) in sequence:
 * <pre>{@code
 * TupleDecoder d = new TupleDecoder(cursor.key());
 * String attribute = d.readString();
 * String value = d.readString();
 * long entryId = d.readLong();
 * d.finish();  // no trailing components
 * }</pre>
 *
 * <p>Every malformation (unknown tag, truncated or unterminated component, 0x00 followed by
 * neither 0x00 nor 0xFF, invalid UTF-8, a
 * component of another type than requested, reading past the end, trailing bytes at
 * {@link #finish()}) throws {@link IllegalArgumentException} naming the position, counted from the
 * start of the tuple. A failed read does not move the decoder.
 *
 * <p>Not thread-safe; reusable through {@link #wrap}.
 */
public final class TupleDecoder
{
    private byte[] bytes;
    private int start;
    private int end;
    private int position;

    /**
     * @param bytes an encoded tuple (not copied).
     */
    public TupleDecoder(final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "bytes");
        wrap(bytes, 0, bytes.length);
    }

    /**
     * @param bytes  an array holding an encoded tuple (not copied).
     * @param offset where the tuple starts.
     * @param length the tuple's length.
     */
    public TupleDecoder(final byte[] bytes, final int offset, final int length)
    {
        wrap(bytes, offset, length);
    }

    /**
     * Starts decoding another tuple.
     *
     * @param bytes  an array holding an encoded tuple (not copied).
     * @param offset where the tuple starts.
     * @param length the tuple's length.
     * @return this.
     */
    public TupleDecoder wrap(final byte[] bytes, final int offset, final int length)
    {
        KeyCodecs.checkRange(bytes, offset, length);
        this.bytes = bytes;
        this.start = offset;
        this.end = offset + length;
        this.position = offset;
        return this;
    }

    /**
     * @return true if another component follows.
     */
    public boolean hasNext()
    {
        return position < end;
    }

    /**
     * @return the position of the next component, counted from the start of the tuple.
     */
    public int position()
    {
        return position - start;
    }

    /**
     * @return the type of the next component.
     * @throws IllegalArgumentException at the end of the tuple or on an unknown tag.
     */
    public TupleType peekType()
    {
        if (position >= end)
        {
            throw error("expected another component but the tuple ends", position);
        }
        final TupleType type = TupleType.ofTag(bytes[position]);
        if (type == null)
        {
            throw error("unknown component tag 0x" + Integer.toHexString(bytes[position] & 0xFF), position);
        }
        return type;
    }

    /**
     * @return the next component, which must be a LONG.
     */
    public long readLong()
    {
        expect(TupleType.LONG, 8);
        final long v = KeyCodecs.getLong(bytes, position + 1) ^ Long.MIN_VALUE;
        position += 9;
        return v;
    }

    /**
     * @return the next component, which must be an INT.
     */
    public int readInt()
    {
        expect(TupleType.INT, 4);
        final int v = KeyCodecs.getInt(bytes, position + 1) ^ Integer.MIN_VALUE;
        position += 5;
        return v;
    }

    /**
     * @return the next component, which must be a UUID.
     */
    public UUID readUuid()
    {
        expect(TupleType.UUID, 16);
        final UUID v = new UUID(KeyCodecs.getLong(bytes, position + 1), KeyCodecs.getLong(bytes, position + 9));
        position += 17;
        return v;
    }

    /**
     * @return the next component, which must be a STRING.
     */
    public String readString()
    {
        expect(TupleType.STRING, 0);
        final int terminator = findTerminator();
        final String v = Utf8.decode(bytes, position + 1, terminator, true, start);
        position = terminator + 2;
        return v;
    }

    /**
     * @return a new array holding the next component, which must be BYTES.
     */
    public byte[] readBytes()
    {
        expect(TupleType.BYTES, 0);
        final int terminator = findTerminator();
        final byte[] out = new byte[terminator - position - 1];
        int n = 0;
        for (int i = position + 1; i < terminator; i++)
        {
            out[n++] = bytes[i];
            if (bytes[i] == 0)
            {
                i++; // skip the 0xFF escape, which findTerminator() has verified
            }
        }
        position = terminator + 2;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /**
     * @return the next component as a {@link String}, {@link Long}, {@link Integer}, {@code byte[]}
     *         or {@link UUID}, according to its type.
     */
    public Object read()
    {
        switch (peekType())
        {
            case STRING:
                return readString();
            case LONG:
                return readLong();
            case INT:
                return readInt();
            case BYTES:
                return readBytes();
            default:
                return readUuid();
        }
    }

    /**
     * Skips the next component, checking only its framing (not its UTF-8).
     */
    public void skip()
    {
        final TupleType type = peekType();
        switch (type)
        {
            case STRING:
            case BYTES:
                position = findTerminator() + 2;
                break;
            default:
                final int width = type == TupleType.INT ? 4 : type == TupleType.LONG ? 8 : 16;
                expect(type, width);
                position += 1 + width;
        }
    }

    /**
     * Checks that all components have been read.
     *
     * @throws IllegalArgumentException if bytes remain.
     */
    public void finish()
    {
        if (position < end)
        {
            throw error("expected the end of the tuple but " + (end - position) + " bytes remain", position);
        }
    }

    private void expect(final TupleType type, final int width)
    {
        final TupleType actual = peekType();
        if (actual != type)
        {
            throw error("expected " + type + " but found " + actual, position);
        }
        if (end - position - 1 < width)
        {
            throw error("truncated " + type + ": needs " + width + " bytes, " + (end - position - 1) + " remain",
                position);
        }
    }

    /** @return the index of the 0x00 0x00 ending the variable-length component at {@code position}. */
    private int findTerminator()
    {
        int i = position + 1;
        while (i < end)
        {
            if (bytes[i] == 0)
            {
                if (i + 1 >= end)
                {
                    break;
                }
                if (bytes[i + 1] == 0)
                {
                    return i;
                }
                if (bytes[i + 1] != (byte)0xFF)
                {
                    throw error("invalid escape 0x00 0x" + Integer.toHexString(bytes[i + 1] & 0xFF), i);
                }
                i += 2;
                continue;
            }
            i++;
        }
        throw error("unterminated " + TupleType.ofTag(bytes[position]), position);
    }

    private IllegalArgumentException error(final String what, final int index)
    {
        return Utf8.malformed(what, index - start);
    }
}
