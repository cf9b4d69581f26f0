package dev.cambium.cli;

import dev.cambium.cli.dump.DumpFormatException;
import dev.cambium.cli.dump.DumpReader;
import dev.cambium.cli.dump.DumpWriter;
import dev.cambium.codec.Tuple;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key/value formats and the mdb_dump text format, in process: every format reads back exactly what it writes
 * (seeded random bytes and tuples), and bad input is refused with a message that says where.
 */
class FormatsTest
{
    private final long seed = TestData.seed();
    private final Random rnd = new Random(seed);

    private String context()
    {
        return "seed " + seed + " (rerun with -Dtest.seed=" + seed + ")";
    }

    @Test
    void shouldReadBackEveryByteStringInEveryFormat()
    {
        for (int i = 0; i < 2000; i++)
        {
            final byte[] b = TestData.bytes(rnd, rnd.nextInt(40));
            for (final ByteFormat f : ByteFormat.values())
            {
                final String text = f.format(b);
                assertArrayEquals(b, f.parse(text), f + " of " + text + "; " + context());
                assertTrue(text.indexOf('\t') < 0 && text.indexOf('\n') < 0 || f == ByteFormat.TUPLE, text);
            }
        }
        assertEquals("a\\\\b\\00\\ff", ByteFormat.TEXT.format(new byte[]{'a', '\\', 'b', 0, (byte)0xFF}));
        assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), ByteFormat.TEXT.parse("é"));
    }

    @Test
    void shouldReadBackEveryTupleItPrints()
    {
        for (int i = 0; i < 500; i++)
        {
            final List<Object> components = new ArrayList<>();
            for (int n = rnd.nextInt(5); n > 0; n--)
            {
                switch (rnd.nextInt(5))
                {
                    case 0 -> components.add("s\"\\,() " + rnd.nextInt());
                    case 1 -> components.add(rnd.nextLong());
                    case 2 -> components.add(rnd.nextInt());
                    case 3 -> components.add(TestData.bytes(rnd, rnd.nextInt(6)));
                    default -> components.add(new UUID(rnd.nextLong(), rnd.nextLong()));
                }
            }
            final Tuple t = Tuple.of(components.toArray());
            final String text = ByteFormat.TUPLE.format(t.encode());
            assertEquals(t.toString(), text);
            assertArrayEquals(t.encode(), ByteFormat.TUPLE.parse(text), text + "; " + context());
        }
    }

    @Test
    void shouldRefuseMalformedKeysWithAMessage()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteFormat.HEX.parse("abc")).getMessage()
            .contains("odd number of hex digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteFormat.HEX.parse("zz")).getMessage()
            .contains("not hex"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteFormat.TEXT.parse("a\\q")).getMessage()
            .contains("bad escape at character 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ByteFormat.TUPLE.parse("(\"a\", )")).getMessage()
            .contains("at character 6"));
        assertThrows(IllegalArgumentException.class, () -> ByteFormat.TUPLE.parse("(1) x"));
        assertThrows(IllegalArgumentException.class, () -> ByteFormat.TUPLE.parse("(99999999999i)"));
    }

    @Test
    void shouldReadBackDumpsInBothFormats() throws IOException
    {
        for (final boolean print : new boolean[]{false, true})
        {
            final List<byte[][]> pairs = new ArrayList<>();
            for (int i = 0; i < 500; i++)
            {
                pairs
                    .add(new byte[][]{TestData.bytes(rnd, 1 + rnd.nextInt(30)), TestData.bytes(rnd, rnd.nextInt(300))});
            }
            final StringWriter w = new StringWriter();
            final DumpWriter dump = new DumpWriter(w, print);
            dump.beginSection("tree ä", 1 << 20);
            for (final byte[][] p : pairs)
            {
                dump.pair(p[0], p[1]);
            }
            dump.endSection();
            final String text = w.toString();
            assertTrue(text.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7F || c == 'ä'), "printable");
            assertTrue(print || !text.contains("\\"), "bytevalue has no escapes");
            // the reader sees bytes: the name's UTF-8 arrives as ISO-8859-1 chars
            final String asBytes = new String(text.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
            final DumpReader reader = new DumpReader(new BufferedReader(new StringReader(asBytes)), m ->
            {
            });
            final DumpReader.Section section = reader.nextSection();
            assertEquals("tree ä", section.database());
            assertEquals(print, section.print());
            for (final byte[][] p : pairs)
            {
                final byte[][] read = reader.nextPair();
                assertArrayEquals(p[0], read[0], context());
                assertArrayEquals(p[1], read[1], context());
            }
            assertNull(reader.nextPair());
            assertNull(reader.nextSection());
        }
    }

    @Test
    void shouldReadBothBackslashSpellingsAndNameTheLineOfAnError() throws IOException
    {
        final String in = "VERSION=3\nformat=print\ndatabase=t\nHEADER=END\n a\\\\b\\5c\n \\5c\\5c\n k\n \\4\nDATA=END\n";
        final DumpReader reader = new DumpReader(new BufferedReader(new StringReader(in)), m ->
        {
        });
        reader.nextSection();
        final byte[][] pair = reader.nextPair();
        assertArrayEquals(new byte[]{'a', '\\', 'b', '\\'}, pair[0]);
        assertArrayEquals(new byte[]{'\\', '\\'}, pair[1]);
        final DumpFormatException e = assertThrows(DumpFormatException.class, reader::nextPair);
        assertTrue(e.getMessage().startsWith("line 8: bad escape"), e.getMessage());
    }
}
