package dev.cambium.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TupleTest
{
    private final TestSeed seed = TestSeed.create();

    private static byte[] key(final Object... components)
    {
        return Tuple.of(components).encode();
    }

    private static int cmp(final byte[] a, final byte[] b)
    {
        return Integer.signum(Arrays.compareUnsigned(a, b));
    }

    @Test
    void mixedTuplesSortComponentWiseLikeTheirEncodings()
    {
        final List<Tuple> tuples = Gen.tuples(seed.random, 500);
        final List<byte[]> keys = new ArrayList<>();
        tuples.forEach(t -> keys.add(t.encode()));
        for (int i = 0; i < tuples.size(); i++)
        {
            for (int j = 0; j < tuples.size(); j++)
            {
                final int expected = Integer.signum(tuples.get(i).compareTo(tuples.get(j)));
                if (expected != cmp(keys.get(i), keys.get(j)))
                {
                    fail(seed.with(tuples.get(i) + " vs " + tuples.get(j) + ": compareTo " + expected));
                }
                assertEquals(expected == 0, tuples.get(i).equals(tuples.get(j)), seed.toString());
                if (expected == 0)
                {
                    assertEquals(tuples.get(i).hashCode(), tuples.get(j).hashCode(), seed.toString());
                }
            }
        }
    }

    @Test
    void tuplesRoundTripThroughTupleAndDecoder()
    {
        final TupleEncoder encoder = new TupleEncoder();
        for (final Tuple t : Gen.tuples(seed.random, 2000))
        {
            final byte[] key = t.encode();
            assertEquals(t, Tuple.decode(key), seed.with(t.toString()));
            assertEquals(t, KeyCodecs.TUPLE.decode(key), seed.with(t.toString()));
            assertArrayEquals(key, encoder.reset().addAll(t).toByteArray(), seed.with(t.toString()));
            assertEquals(t.size(), encoder.size());
            assertEquals(key.length, encoder.length());
            final TupleDecoder d = new TupleDecoder(key);
            for (int i = 0; i < t.size(); i++)
            {
                assertEquals(t.type(i), d.peekType());
                switch (t.type(i))
                {
                    case LONG:
                        assertEquals(t.getLong(i), d.readLong());
                        break;
                    case INT:
                        assertEquals(t.getInt(i), d.readInt());
                        break;
                    case STRING:
                        assertEquals(t.getString(i), d.readString());
                        break;
                    case BYTES:
                        assertArrayEquals(t.getBytes(i), d.readBytes());
                        break;
                    default:
                        assertEquals(t.getUuid(i), d.readUuid());
                }
            }
            assertFalse(d.hasNext());
            d.finish();
        }
    }

    @Test
    void typedEncoderMethodsMatchTupleOf()
    {
        final UUID u = new UUID(-1, 5);
        final byte[] viaEncoder = new TupleEncoder().addString("cn").addBytes(new byte[]{0, -1}).addInt(-7).addLong(42)
            .addUuid(u).toByteArray();
        assertArrayEquals(key("cn", new byte[]{0, -1}, -7, 42L, u), viaEncoder);
        assertEquals(
            "20636e0000" + "1000ff" + "ff0000" + "307ffffff9" + "40800000000000002a"
                + "50ffffffffffffffff0000000000000005",
            HexFormat.of().formatHex(viaEncoder));
        final TupleDecoder d = new TupleDecoder(viaEncoder);
        d.skip();
        d.skip();
        assertEquals(-7, d.readInt());
        d.skip();
        assertEquals(u, d.read());
        d.finish();
    }

    @Test
    void shorterStringSortsFirstWhateverFollows()
    {
        assertTrue(cmp(key("a", 2L), key("ab", 1L)) < 0);
        assertTrue(cmp(key("a", Long.MAX_VALUE), key("a\0")) < 0);
        assertTrue(cmp(key("a", "\uFFFF"), key("a\0", "")) < 0);
        assertTrue(cmp(key(new byte[]{1}, new UUID(-1, -1)), key(new byte[]{1, 0})) < 0);
        assertTrue(cmp(key(new byte[]{1, 0}), key(new byte[]{1, 0, 0})) < 0);
        assertTrue(cmp(key(new byte[]{1, 0, (byte)0xFF}), key(new byte[]{1, 1})) < 0);
    }

    @Test
    void prefixSortsBeforeItsExtensions()
    {
        for (final Tuple t : Gen.tuples(seed.random, 500))
        {
            final Tuple longer = t.append(Gen.nextComponent(seed.random));
            assertTrue(t.compareTo(longer) < 0, seed.with(t + " vs " + longer));
            assertTrue(cmp(t.encode(), longer.encode()) < 0, seed.with(t + " vs " + longer));
            assertTrue(longer.startsWith(t));
        }
    }

    @Test
    void componentsOfDifferentTypesSortByType()
    {
        assertTrue(cmp(key(new byte[]{(byte)0xFF}), key("")) < 0);
        assertTrue(cmp(key("\uDBFF\uDFFF"), key(Integer.MIN_VALUE)) < 0);
        assertTrue(cmp(key(Integer.MAX_VALUE), key(Long.MIN_VALUE)) < 0);
        assertTrue(cmp(key(Long.MAX_VALUE), key(new UUID(0, 0))) < 0);
        assertTrue(Tuple.of(1).compareTo(Tuple.of(1L)) < 0);
        assertFalse(Tuple.of(1).equals(Tuple.of(1L)));
    }

    /** Simulates a cursor scan over a sorted key set: seek(from), then next() while contains(key). */
    private static List<Tuple> scan(final NavigableSet<byte[]> keys, final KeyRange range)
    {
        final List<Tuple> out = new ArrayList<>();
        for (final byte[] k : keys.tailSet(range.from(), true))
        {
            if (!range.contains(k))
            {
                assertTrue(range.isAfter(k));
                break;
            }
            out.add(Tuple.decode(k));
        }
        return out;
    }

    private void assertScanFindsExactly(final List<Tuple> universe, final NavigableSet<byte[]> keys,
        final KeyRange range,
        final Predicate<Tuple> matches, final String what)
    {
        final List<Tuple> expected = new ArrayList<>(new TreeSet<>(universe.stream().filter(matches).toList()));
        assertEquals(expected, scan(keys, range), seed.with(what + " " + range));
        for (final Tuple t : universe)
        {
            assertEquals(matches.test(t), range.contains(t.encode()), seed.with(what + " " + range + " contains " + t));
        }
    }

    @Test
    void prefixRangeHoldsExactlyTheTuplesWithThatPrefix()
    {
        final List<Tuple> universe = Gen.tuples(seed.random, 400);
        universe.add(Tuple.of("a"));
        universe.add(Tuple.of("a\0"));
        universe.add(Tuple.of("a", "b"));
        universe.add(Tuple.of("a\0", 1L));
        final NavigableSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        universe.forEach(t -> keys.add(t.encode()));
        final List<Tuple> prefixes = new ArrayList<>(
            List.of(Tuple.EMPTY, Tuple.of("a"), Tuple.of(new byte[]{(byte)0xFF})));
        for (int i = 0; i < 100; i++)
        {
            final Tuple t = universe.get(seed.random.nextInt(universe.size()));
            Tuple p = Tuple.EMPTY;
            for (int k = seed.random.nextInt(t.size() + 1); k > 0; k--)
            {
                p = p.append(t.get(p.size()));
            }
            prefixes.add(seed.random.nextInt(5) == 0 ? p.append(Gen.nextComponent(seed.random)) : p);
        }
        for (final Tuple p : prefixes)
        {
            final KeyRange range = p.prefixRange();
            assertEquals(range, new TupleEncoder().addAll(p).prefixRange());
            assertEquals(range, KeyRange.prefix(p.encode()));
            assertScanFindsExactly(universe, keys, range, t -> t.startsWith(p), "prefix " + p);
        }
        assertFalse(Tuple.of("a").prefixRange().contains(key("a\0")),
            "a string that only continues is not an extension");
    }

    @Test
    void ldapIndexScanFindsTheEntriesOfOneValue()
    {
        final NavigableSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        final List<Tuple> universe = new ArrayList<>();
        for (final String attr : new String[]{"cn", "objectClass", "objectClass\0", "objectclass"})
        {
            for (final String value : new String[]{"", "person", "person\0", "personX", "persoo", "inetOrgPerson"})
            {
                for (long id = -2; id <= 2; id++)
                {
                    universe.add(Tuple.of(attr, value, id));
                    keys.add(key(attr, value, id));
                }
            }
        }
        final KeyRange range = new TupleEncoder().addString("objectClass").addString("person").prefixRange();
        final List<Tuple> found = scan(keys, range);
        assertEquals(5, found.size());
        for (int i = 0; i < 5; i++)
        {
            assertEquals(Tuple.of("objectClass", "person", i - 2L), found.get(i));
        }
        assertScanFindsExactly(universe, keys, new TupleEncoder().addString("objectClass").stringPrefixRange("person"),
            t -> t.getString(0).equals("objectClass") && t.getString(1).startsWith("person"), "objectClass=person*");
    }

    @Test
    void stringPrefixRangeHoldsExactlyTheStringsStartingWithIt()
    {
        final List<Tuple> universe = new ArrayList<>();
        for (int i = 0; i < 600; i++)
        {
            final Tuple head = seed.random.nextBoolean() ? Tuple.of("x") : Tuple.of(Gen.nextComponent(seed.random));
            universe.add(seed.random.nextInt(4) == 0
                ? head
                : head.append(Gen.nextString(seed.random) + Gen.nextString(seed.random), 7L));
        }
        final NavigableSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        universe.forEach(t -> keys.add(t.encode()));
        for (int i = 0; i < 100; i++)
        {
            final Tuple t = universe.get(seed.random.nextInt(universe.size()));
            final String s = t.size() > 1 ? t.getString(1) : Gen.nextString(seed.random);
            final int cut = s.offsetByCodePoints(0, seed.random.nextInt(s.codePointCount(0, s.length()) + 1));
            final String prefix = s.substring(0, cut);
            final Tuple head = Tuple.of(t.get(0));
            assertScanFindsExactly(universe, keys, new TupleEncoder().addAll(head).stringPrefixRange(prefix),
                u -> u.size() > 1 && Tuple.of(u.get(0)).equals(head) && u.getString(1).startsWith(prefix),
                "string prefix " + head + " " + prefix);
        }
    }

    @Test
    void bytesPrefixRangeHoldsExactlyTheByteStringsStartingWithIt()
    {
        final List<Tuple> universe = new ArrayList<>();
        for (int i = 0; i < 600; i++)
        {
            final byte[] b = Gen.nextBytes(seed.random);
            universe.add(seed.random.nextBoolean() ? Tuple.of(b) : Tuple.of(b, Gen.nextComponent(seed.random)));
        }
        final NavigableSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
        universe.forEach(t -> keys.add(t.encode()));
        for (int i = 0; i < 100; i++)
        {
            final byte[] full = universe.get(seed.random.nextInt(universe.size())).getBytes(0);
            final byte[] prefix = Arrays.copyOf(full, seed.random.nextInt(full.length + 1));
            assertScanFindsExactly(universe, keys, new TupleEncoder().bytesPrefixRange(prefix),
                u -> Arrays.equals(u.getBytes(0), 0, Math.min(prefix.length, u.getBytes(0).length), prefix, 0,
                    prefix.length)
                    && u.getBytes(0).length >= prefix.length,
                "bytes prefix " + HexFormat.of().formatHex(prefix));
        }
    }

    private static void assertMalformed(final String expectedMessage, final Executable decode)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, decode);
        assertEquals(expectedMessage, e.getMessage());
    }

    private static byte[] hex(final String s)
    {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void malformedTuplesAreRejectedWithPosition()
    {
        assertMalformed("unknown component tag 0x7 at position 5", () -> Tuple.decode(hex("3080000001" + "07")));
        assertMalformed("unknown component tag 0xff at position 0", () -> Tuple.decode(hex("ff")));
        assertMalformed("truncated LONG: needs 8 bytes, 3 remain at position 3",
            () -> Tuple.decode(hex("200000" + "40800000")));
        assertMalformed("truncated UUID: needs 16 bytes, 0 remain at position 0", () -> Tuple.decode(hex("50")));
        assertMalformed("unterminated STRING at position 0", () -> Tuple.decode(hex("206162")));
        assertMalformed("unterminated BYTES at position 0", () -> Tuple.decode(hex("100100ff")));
        assertMalformed("unterminated BYTES at position 0", () -> Tuple.decode(hex("100100")));
        assertMalformed("invalid escape 0x00 0x1 at position 2", () -> Tuple.decode(hex("20610001")));
        assertMalformed("invalid UTF-8 continuation byte 0x0 at position 3", () -> Tuple.decode(hex("2061e200ff0000")));
        assertMalformed("truncated UTF-8 sequence at position 2", () -> Tuple.decode(hex("2061e20000")));
        assertMalformed("invalid UTF-8 sequence (overlong, surrogate or beyond U+10FFFF) at position 1",
            () -> Tuple.decode(hex("20c0800000")));
        // positions count from the start of the tuple, not of the array
        assertMalformed("unterminated STRING at position 0", () -> Tuple.decode(hex("ffff206162"), 2, 3));
        assertMalformed("expected LONG but found STRING at position 0", () -> new TupleDecoder(key("x")).readLong());
        assertMalformed("expected another component but the tuple ends at position 4", () ->
        {
            final TupleDecoder d = new TupleDecoder(key("x"));
            d.readString();
            d.readString();
        });
        assertMalformed("expected the end of the tuple but 9 bytes remain at position 4", () ->
        {
            final TupleDecoder d = new TupleDecoder(key("x", 1L));
            d.readString();
            d.finish();
        });
    }

    @Test
    void failedReadLeavesTheDecoderInPlace()
    {
        final TupleDecoder d = new TupleDecoder(key("x", 5L));
        assertThrows(IllegalArgumentException.class, d::readLong);
        assertEquals(0, d.position());
        assertEquals("x", d.readString());
        assertThrows(IllegalArgumentException.class, d::readInt);
        assertEquals(4, d.position());
        assertEquals(5L, d.readLong());
        assertFalse(d.hasNext());
    }

    @Test
    void everyTruncationIsRejectedOrEndsAtAComponentBoundary()
    {
        for (final Tuple t : Gen.tuples(seed.random, 300))
        {
            final byte[] key = t.encode();
            for (int n = 0; n < key.length; n++)
            {
                try
                {
                    final Tuple cut = Tuple.decode(key, 0, n);
                    assertTrue(t.startsWith(cut) && cut.size() < t.size(),
                        seed.with(t + " cut at " + n + " gave " + cut));
                }
                catch (final IllegalArgumentException expected)
                {
                    assertTrue(expected.getMessage().contains("position"), expected.getMessage());
                }
            }
        }
    }

    @Test
    void randomBytesDecodeToTheirOnlyTupleOrFailWithIllegalArgument()
    {
        final byte[] alphabet = {0x00, (byte)0xFF, 0x10, 0x20, 0x30, 0x40, 0x50, 0x61, (byte)0x80, (byte)0xC3,
            (byte)0xA9, (byte)0xE2};
        int decoded = 0;
        for (int i = 0; i < 50_000; i++)
        {
            final byte[] bytes = new byte[seed.random.nextInt(12)];
            for (int k = 0; k < bytes.length; k++)
            {
                bytes[k] = seed.random.nextInt(3) == 0
                    ? (byte)seed.random.nextInt(256)
                    : alphabet[seed.random.nextInt(alphabet.length)];
            }
            final Tuple t;
            try
            {
                t = Tuple.decode(bytes);
            }
            catch (final IllegalArgumentException expected)
            {
                continue;
            }
            decoded++;
            assertArrayEquals(bytes, t.encode(), seed.with("re-encoding " + HexFormat.of().formatHex(bytes)));
        }
        assertTrue(decoded > 100, seed.with("fuzzer decoded only " + decoded));
    }

    @Test
    void nullArgumentsGiveNullPointerExceptionNamingTheArgument()
    {
        final TupleEncoder e = new TupleEncoder();
        assertEquals("value", assertThrows(NullPointerException.class, () -> e.addString(null)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> e.addBytes(null)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> e.addBytes(null, 0, 0)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> e.addUuid(null)).getMessage());
        assertEquals("component", assertThrows(NullPointerException.class, () -> e.add(null)).getMessage());
        assertEquals("tuple", assertThrows(NullPointerException.class, () -> e.addAll(null)).getMessage());
        assertEquals("prefix", assertThrows(NullPointerException.class, () -> e.stringPrefixRange(null)).getMessage());
        assertEquals("prefix", assertThrows(NullPointerException.class, () -> e.bytesPrefixRange(null)).getMessage());
        assertEquals(0, e.size(), "failed adds leave the encoder unchanged");
        assertEquals("components",
            assertThrows(NullPointerException.class, () -> Tuple.of((Object[])null)).getMessage());
        assertEquals("components[1]", assertThrows(NullPointerException.class, () -> Tuple.of("a", null)).getMessage());
        assertEquals("bytes", assertThrows(NullPointerException.class, () -> Tuple.decode(null)).getMessage());
        assertEquals("bytes", assertThrows(NullPointerException.class, () -> new TupleDecoder(null)).getMessage());
        assertEquals("prefix",
            assertThrows(NullPointerException.class, () -> Tuple.EMPTY.startsWith(null)).getMessage());
    }

    @Test
    void unsupportedComponentsAndUnpairedSurrogatesAreRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> Tuple.of((short)1));
        assertThrows(IllegalArgumentException.class, () -> new TupleEncoder().add(1.5));
        final TupleEncoder e = new TupleEncoder().addLong(1);
        assertThrows(IllegalArgumentException.class, () -> e.addString("a\uD800"));
        assertArrayEquals(key(1L), e.toByteArray(), "a rejected string leaves the encoder unchanged");
        assertThrows(IllegalArgumentException.class, () -> Tuple.of(2).getLong(0));
    }

    @Test
    void tupleIsImmutableAndPrintable()
    {
        final byte[] b = {1};
        final Tuple t = Tuple.of("cn", 42L, 7, b);
        b[0] = 2;
        t.getBytes(3)[0] = 3;
        ((byte[])t.get(3))[0] = 4;
        assertArrayEquals(new byte[]{1}, t.getBytes(3));
        assertEquals("(\"cn\", 42, 7i, 0x01)", t.toString());
    }

    @Test
    void largeComponentsGrowTheEncoder()
    {
        final String big = "\uD83D\uDE00".repeat(5000) + "\0";
        final byte[] bytes = new byte[10_000];
        final Tuple t = Tuple.of(big, bytes, big);
        assertEquals(t, Tuple.decode(t.encode()));
    }
}
