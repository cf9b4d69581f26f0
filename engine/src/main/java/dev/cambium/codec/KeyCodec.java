package dev.cambium.codec;

import java.util.Comparator;
import java.util.Objects;

import org.agrona.DirectBuffer;

/**
 * Converts values to and from keys whose unsigned lexicographic byte order (the only order a Cambium
 * tree knows) is the values' order, so that no comparator has to be stored or registered.
 *
 * <p><b>Order guarantee:</b> for all values {@code a} and {@code b},
 * {@code comparator().compare(a, b)} has the same sign as
 * {@code Arrays.compareUnsigned(encode(a), encode(b))}. In particular equal values have equal
 * encodings, and {@code decode(encode(v))} equals {@code v}.
 *
 * <p>Implementations are immutable and thread-safe. Arguments must not be null
 * ({@link NullPointerException} naming the argument). Bytes that are not an encoding of this codec
 * are rejected with {@link IllegalArgumentException} stating the position (counted from the start
 * of the key) where decoding failed.
 *
 * @param <T> the value type.
 * @see KeyCodecs
 */
public interface KeyCodec<T>
{
    /**
     * @param value the value.
     * @return a new array holding the key.
     * @throws IllegalArgumentException if the value cannot be encoded (e.g. a string with an
     *                                  unpaired surrogate).
     */
    byte[] encode(T value);

    /**
     * @param bytes a key produced by {@link #encode}.
     * @return the value.
     * @throws IllegalArgumentException if {@code bytes} is not an encoding of this codec.
     */
    default T decode(final byte[] bytes)
    {
        Objects.requireNonNull(bytes, "bytes");
        return decode(bytes, 0, bytes.length);
    }

    /**
     * @param bytes  an array holding a key produced by {@link #encode}.
     * @param offset where the key starts in {@code bytes}.
     * @param length the key's length; the key must fill it exactly.
     * @return the value.
     * @throws IllegalArgumentException  if the range is not an encoding of this codec.
     * @throws IndexOutOfBoundsException if the range is outside {@code bytes}.
     */
    T decode(byte[] bytes, int offset, int length);

    /**
     * Decodes from a buffer, e.g. a {@code Cursor.keyBuffer()} view, by copying the key out first.
     *
     * @param buffer the buffer holding the key.
     * @param offset where the key starts in {@code buffer}.
     * @param length the key's length.
     * @return the value.
     * @throws IllegalArgumentException if the range is not an encoding of this codec.
     */
    default T decode(final DirectBuffer buffer, final int offset, final int length)
    {
        Objects.requireNonNull(buffer, "buffer");
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return decode(copy, 0, length);
    }

    /**
     * @return the order this codec's encodings preserve (see the order guarantee above).
     */
    Comparator<? super T> comparator();
}
