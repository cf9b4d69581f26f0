package dev.cambium.cli;

import dev.cambium.codec.Tuple;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * How the CLI shows and accepts keys and values ({@code --format}).
 *
 * <p>Every format is exact both ways: what {@link #format} prints, {@link #parse} turns back into the same bytes.
 */
public enum ByteFormat
{
    /** Two lowercase hex digits per byte; input may start with {@code 0x} and contain spaces. */
    HEX
    {
        @Override
        public String format(final byte[] bytes)
        {
            return HexFormat.of().formatHex(bytes);
        }

        @Override
        public byte[] parse(final String text)
        {
            return parseHex(text);
        }
    },
    /**
     * Printable ASCII as it is, a backslash as {@code \\}, every other byte as a backslash and two hex digits
     * ({@code \00}): the escaping of {@code mdb_dump -p}. Input may also contain any other Unicode character,
     * taken as its UTF-8 bytes.
     */
    TEXT
    {
        @Override
        public String format(final byte[] bytes)
        {
            return escape(bytes);
        }

        @Override
        public byte[] parse(final String text)
        {
            return unescape(text);
        }
    },
    /**
     * A decoded {@link Tuple} as {@link Tuple#toString()} prints it, e.g. {@code ("person", 42, 7i, 0x00ff)};
     * bytes that are not a tuple are shown as {@code 0x} and hex, which input accepts too.
     */
    TUPLE
    {
        @Override
        public String format(final byte[] bytes)
        {
            try
            {
                return Tuple.decode(bytes).toString();
            }
            catch (final IllegalArgumentException notATuple)
            {
                return "0x" + HexFormat.of().formatHex(bytes);
            }
        }

        @Override
        public byte[] parse(final String text)
        {
            final String t = text.strip();
            if (t.startsWith("0x") || t.startsWith("0X"))
            {
                return parseHex(t);
            }
            return TupleParser.parse(t).encode();
        }
    };

    /**
     * @param bytes a key or value.
     * @return its text in this format.
     */
    public abstract String format(byte[] bytes);

    /**
     * @param text a key or value in this format.
     * @return its bytes.
     * @throws IllegalArgumentException if the text is not valid in this format (the message says where).
     */
    public abstract byte[] parse(String text);

    static byte[] parseHex(final String text)
    {
        String t = text.replaceAll("\\s+", "");
        if (t.startsWith("0x") || t.startsWith("0X"))
        {
            t = t.substring(2);
        }
        if ((t.length() & 1) != 0)
        {
            throw new IllegalArgumentException("odd number of hex digits in '" + text + "'");
        }
        try
        {
            return HexFormat.of().parseHex(t);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("not hex: '" + text + "'", e);
        }
    }

    /**
     * The {@code mdb_dump -p} escaping, with a backslash doubled (which Debian's lmdb-utils 0.9.24 forgets).
     *
     * @param bytes the bytes.
     * @return printable ASCII.
     */
    public static String escape(final byte[] bytes)
    {
        final StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (final byte b : bytes)
        {
            final int c = b & 0xFF;
            if (c == '\\')
            {
                sb.append("\\\\");
            }
            else if (c >= 0x20 && c < 0x7F)
            {
                sb.append((char)c);
            }
            else
            {
                sb.append('\\').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return sb.toString();
    }

    /**
     * Inverse of {@link #escape}: {@code \\} is a backslash, a backslash and two hex digits one byte, any other
     * character its UTF-8 bytes.
     *
     * @param text the escaped text.
     * @return the bytes.
     * @throws IllegalArgumentException on a backslash followed by anything else.
     */
    public static byte[] unescape(final String text)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if (c == '\\')
            {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\\')
                {
                    out.write('\\');
                    i += 2;
                    continue;
                }
                final int hi = i + 1 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                final int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0)
                {
                    throw new IllegalArgumentException("bad escape at character " + i +
                        ": a backslash must be followed by a backslash or two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 3;
            }
            else
            {
                final int end = i + Character.charCount(text.codePointAt(i));
                out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toByteArray();
    }
}
