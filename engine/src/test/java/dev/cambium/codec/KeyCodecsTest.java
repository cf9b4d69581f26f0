package dev.cambium.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class KeyCodecsTest
{
    private static final int VALUES = 400;
    private final TestSeed seed = TestSeed.create();

    private <T> List<T> values(final Supplier<T> next)
    {
        final List<T> out = new ArrayList<>();
        for (int i = 0; i < VALUES; i++)
        {
            out.add(next.get());
        }
        return out;
    }

    /** Checks the KeyCodec order guarantee on every pair, and round trips (whole array, slice, buffer). */
    private <T> void assertOrderAndRoundTrip(final KeyCodec<T> codec, final List<T> values)
    {
        final List<byte[]> keys = new ArrayList<>();
        for (final T v : values)
        {
            final byte[] key = codec.encode(v);
            keys.add(key);
            final String what = seed.with(codec + " round trip of " + show(v));
            assertEquals(0, codec.comparator().compare(v, codec.decode(key)), what);
            final byte[] padded = new byte[key.length + 5];
            System.arraycopy(key, 0, padded, 3, key.length);
            assertEquals(0, codec.comparator().compare(v, codec.decode(padded, 3, key.length)), what);
            assertEquals(0, codec.comparator().compare(v, codec.decode(new UnsafeBuffer(padded), 3, key.length)), what);
        }
        for (int i = 0; i < values.size(); i++)
        {
            for (int j = 0; j < values.size(); j++)
            {
                final int expected = Integer.signum(codec.comparator().compare(values.get(i), values.get(j)));
                final int actual = Integer.signum(Arrays.compareUnsigned(keys.get(i), keys.get(j)));
                if (expected != actual)
                {
                    fail(seed.with(codec + ": " + show(values.get(i)) + " vs " + show(values.get(j)) + " compare "
                        + expected + " but encodings compare " + actual));
                }
            }
        }
    }

    private static String show(final Object v)
    {
        if (v instanceof byte[])
        {
            return "0x" + HexFormat.of().formatHex((byte[])v);
        }
        if (v instanceof String)
        {
            final StringBuilder sb = new StringBuilder("\"");
            ((String)v).codePoints().forEach(
                cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u{%X}", cp) : Character.toString(cp)));
            return sb.append('"').toString();
        }
        return String.valueOf(v);
    }

    @Test
    void signedLongsSortLikeTheirEncodings()
    {
        assertOrderAndRoundTrip(KeyCodecs.LONG, values(() -> Gen.nextLong(seed.random)));
        assertArrayEquals(new byte[8], KeyCodecs.LONG.encode(Long.MIN_VALUE));
        assertArrayEquals(new byte[]{(byte)0x80, 0, 0, 0, 0, 0, 0, 0}, KeyCodecs.LONG.encode(0L));
        assertArrayEquals(new byte[]{0x7F, -1, -1, -1, -1, -1, -1, -1}, KeyCodecs.LONG.encode(-1L));
    }

    @Test
    void unsignedLongsSortUnsignedLikeTheirEncodings()
    {
        assertOrderAndRoundTrip(KeyCodecs.UNSIGNED_LONG, values(() -> Gen.nextLong(seed.random)));
        assertTrue(Arrays.compareUnsigned(KeyCodecs.UNSIGNED_LONG.encode(-1L),
            KeyCodecs.UNSIGNED_LONG.encode(Long.MAX_VALUE)) > 0);
    }

    @Test
    void signedIntsSortLikeTheirEncodings()
    {
        assertOrderAndRoundTrip(KeyCodecs.INT, values(() -> Gen.nextInt(seed.random)));
        assertArrayEquals(new byte[]{(byte)0x80, 0, 0, 0}, KeyCodecs.INT.encode(0));
    }

    @Test
    void stringsSortByCodePointLikeTheirEncodings()
    {
        assertOrderAndRoundTrip(KeyCodecs.STRING, values(() -> Gen.nextString(seed.random)));
    }

    @Test
    void stringEncodingIsStandardUtf8IncludingNul()
    {
        for (final String s : values(() -> Gen.nextString(seed.random)))
        {
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), KeyCodecs.STRING.encode(s), seed.with(show(s)));
        }
        assertArrayEquals(new byte[]{'a', 0, 'b'}, KeyCodecs.STRING.encode("a\0b"));
    }

    @Test
    void codePointOrderIsTheOrderOfCodePointSequences()
    {
        final List<String> strings = values(() -> Gen.nextString(seed.random));
        for (final String a : strings)
        {
            for (final String b : strings)
            {
                assertEquals(Integer.signum(Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray())),
                    Integer.signum(KeyCodecs.CODE_POINT_ORDER.compare(a, b)), seed.with(show(a) + " vs " + show(b)));
            }
        }
    }

    @Test
    void supplementaryCharactersSortAfterHighBmpCharactersUnlikeStringCompareTo()
    {
        final String bmp = "\uFFFF";
        final String supplementary = new String(Character.toChars(0x10000)); // "\uD800\uDC00"
        assertTrue(supplementary.compareTo(bmp) < 0, "UTF-16 order puts the surrogate pair first");
        assertTrue(KeyCodecs.CODE_POINT_ORDER.compare(bmp, supplementary) < 0);
        assertTrue(Arrays.compareUnsigned(KeyCodecs.STRING.encode(bmp), KeyCodecs.STRING.encode(supplementary)) < 0);
        assertTrue(KeyCodecs.STRING.comparator().compare(bmp, supplementary) < 0);
    }

    @Test
    void unsignedUuidsSortLikeTheirEncodings()
    {
        assertOrderAndRoundTrip(KeyCodecs.UUID, values(() -> Gen.nextUuid(seed.random)));
        final UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertEquals("123e4567e89b12d3a456426614174000", HexFormat.of().formatHex(KeyCodecs.UUID.encode(u)));
    }

    @Test
    void uuidOrderFollowsTheStringFormNotUuidCompareTo()
    {
        final UUID high = UUID.fromString("80000000-0000-0000-0000-000000000000");
        final UUID low = UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff");
        assertTrue(high.compareTo(low) < 0, "UUID.compareTo is signed");
        assertTrue(KeyCodecs.UUID.comparator().compare(high, low) > 0);
        assertTrue(Arrays.compareUnsigned(KeyCodecs.UUID.encode(high), KeyCodecs.UUID.encode(low)) > 0);
        for (final UUID a : values(() -> Gen.nextUuid(seed.random)))
        {
            final UUID b = Gen.nextUuid(seed.random);
            assertEquals(Integer.signum(a.toString().compareTo(b.toString())),
                Integer.signum(KeyCodecs.UUID.comparator().compare(a, b)), seed.with(a + " vs " + b));
        }
    }

    @Test
    void byteStringsSortUnsignedAndAreCopied()
    {
        assertOrderAndRoundTrip(KeyCodecs.BYTES, values(() -> Gen.nextBytes(seed.random)));
        final byte[] value = {1, 2};
        final byte[] key = KeyCodecs.BYTES.encode(value);
        value[0] = 9;
        assertArrayEquals(new byte[]{1, 2}, key);
    }

    @Test
    void fixedWidthKeysOfTheWrongLengthAreRejectedWithPosition()
    {
        for (final KeyCodec<?> codec : List.of(KeyCodecs.LONG, KeyCodecs.UNSIGNED_LONG, KeyCodecs.INT, KeyCodecs.UUID))
        {
            for (final int length : new int[]{0, 3, 7, 9, 15, 17})
            {
                if (length == width(codec))
                {
                    continue;
                }
                final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> codec.decode(new byte[length]));
                assertTrue(e.getMessage().contains("position"), e.getMessage());
            }
        }
    }

    private static <T> int width(final KeyCodec<T> codec)
    {
        return codec.encode(sample(codec)).length;
    }

    @SuppressWarnings("unchecked")
    private static <T> T sample(final KeyCodec<T> codec)
    {
        return (T)(codec == KeyCodecs.INT ? (Object)1 : codec == KeyCodecs.UUID ? (Object)new UUID(1, 2) : (Object)1L);
    }

    @Test
    void malformedUtf8IsRejectedWithPosition()
    {
        final String[][] cases = {
            {"c080", "0"}, // overlong NUL
            {"61e08080", "1"}, // overlong 3-byte
            {"eda080", "0"}, // encoded surrogate
            {"f4908080", "0"}, // beyond U+10FFFF
            {"6180", "1"}, // stray continuation byte
            {"61e282", "1"}, // truncated
            {"61ff", "1"}, // invalid lead byte
            {"e2286a", "1"}, // bad continuation byte
        };
        for (final String[] c : cases)
        {
            final byte[] bytes = HexFormat.of().parseHex(c[0]);
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyCodecs.STRING.decode(bytes), c[0]);
            assertTrue(e.getMessage().endsWith("at position " + c[1]), c[0] + ": " + e.getMessage());
            // positions are relative to the key, not the array
            final byte[] padded = new byte[bytes.length + 4];
            System.arraycopy(bytes, 0, padded, 4, bytes.length);
            final IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> KeyCodecs.STRING.decode(padded, 4, bytes.length));
            assertEquals(e.getMessage(), e2.getMessage());
        }
    }

    @Test
    void randomBytesDecodeAsStandardUtf8OrFailWithIllegalArgument()
    {
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] bytes = new byte[seed.random.nextInt(6)];
            for (int k = 0; k < bytes.length; k++)
            {
                bytes[k] = (byte)(seed.random.nextBoolean()
                    ? seed.random.nextInt(256)
                    : 0x80 | seed.random.nextInt(0x80));
            }
            final String s;
            try
            {
                s = KeyCodecs.STRING.decode(bytes);
            }
            catch (final IllegalArgumentException expected)
            {
                continue;
            }
            assertArrayEquals(bytes, KeyCodecs.STRING.encode(s), seed.with(HexFormat.of().formatHex(bytes)));
            assertEquals(new String(bytes, StandardCharsets.UTF_8), s, seed.with(HexFormat.of().formatHex(bytes)));
        }
    }

    @Test
    void unpairedSurrogatesAreRejectedOnEncode()
    {
        for (final String s : new String[]{"\uD800", "a\uDC00", "\uD800a", "\uDC00\uD800", "ok\uD83D"})
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyCodecs.STRING.encode(s));
            assertTrue(e.getMessage().contains("unpaired surrogate at index"), e.getMessage());
        }
    }

    @Test
    void nullArgumentsGiveNullPointerExceptionNamingTheArgument()
    {
        for (final KeyCodec<?> codec : List.of(KeyCodecs.LONG, KeyCodecs.UNSIGNED_LONG, KeyCodecs.INT, KeyCodecs.UUID,
            KeyCodecs.STRING, KeyCodecs.BYTES, KeyCodecs.TUPLE))
        {
            @SuppressWarnings("unchecked")
            final KeyCodec<Object> c = (KeyCodec<Object>)codec;
            assertEquals("value", assertThrows(NullPointerException.class, () -> c.encode(null)).getMessage(),
                codec.toString());
            assertEquals("bytes", assertThrows(NullPointerException.class, () -> c.decode((byte[])null)).getMessage(),
                codec.toString());
            assertEquals("bytes",
                assertThrows(NullPointerException.class, () -> c.decode((byte[])null, 0, 0)).getMessage(),
                codec.toString());
            assertEquals("buffer",
                assertThrows(NullPointerException.class, () -> c.decode((UnsafeBuffer)null, 0, 0)).getMessage());
        }
    }

    @Test
    void slicesOutsideTheArrayAreIndexErrorsNotMalformedKeys()
    {
        assertThrows(IndexOutOfBoundsException.class, () -> KeyCodecs.LONG.decode(new byte[8], 1, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> KeyCodecs.STRING.decode(new byte[2], -1, 1));
        assertTrue(Objects.nonNull(KeyCodecs.BYTES.decode(new byte[2], 2, 0)));
    }
}
