package dev.cambium.cli;

import dev.cambium.codec.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text {@link Tuple#toString()} writes: {@code ("a string", 42, 7i, 0x00ff,
 * 123e4567-e89b-12d3-a456-426614174000)}, i.e. a string in double quotes (with {@code \\} and {@code \"}), a long,
 * an int with the suffix {@code i}, bytes as {@code 0x} and hex, a UUID.
 */
final class TupleParser
{
    private static final Pattern UUID_TEXT = Pattern
        .compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+i?");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]*");

    private final String text;
    private int pos;

    private TupleParser(final String text)
    {
        this.text = text;
    }

    /**
     * @param text a tuple literal.
     * @return the tuple.
     * @throws IllegalArgumentException naming the position of the first error.
     */
    static Tuple parse(final String text)
    {
        return new TupleParser(text).tuple();
    }

    private Tuple tuple()
    {
        skipSpaces();
        expect('(');
        final List<Object> components = new ArrayList<>();
        skipSpaces();
        if (peek() == ')')
        {
            pos++;
        }
        else
        {
            while (true)
            {
                skipSpaces();
                components.add(component());
                skipSpaces();
                if (peek() == ',')
                {
                    pos++;
                    continue;
                }
                expect(')');
                break;
            }
        }
        skipSpaces();
        if (pos != text.length())
        {
            throw error("text after the closing parenthesis");
        }
        return Tuple.of(components.toArray());
    }

    private Object component()
    {
        if (peek() == '"')
        {
            return string();
        }
        final Matcher uuid = UUID_TEXT.matcher(text).region(pos, text.length());
        if (uuid.lookingAt())
        {
            pos = uuid.end();
            return UUID.fromString(uuid.group());
        }
        final Matcher hex = HEX.matcher(text).region(pos, text.length());
        if (hex.lookingAt())
        {
            pos = hex.end();
            return ByteFormat.parseHex(hex.group());
        }
        final Matcher number = NUMBER.matcher(text).region(pos, text.length());
        if (number.lookingAt())
        {
            pos = number.end();
            final String n = number.group();
            try
            {
                return n.endsWith("i")
                    ? (Object)Integer.valueOf(n.substring(0, n.length() - 1))
                    : (Object)Long.valueOf(n);
            }
            catch (final NumberFormatException e)
            {
                throw error("number out of range: " + n);
            }
        }
        throw error("expected a string, a number, 0x bytes or a UUID");
    }

    private String string()
    {
        pos++; // the opening quote
        final StringBuilder sb = new StringBuilder();
        while (pos < text.length())
        {
            final char c = text.charAt(pos++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c == '\\')
            {
                if (pos >= text.length())
                {
                    break;
                }
                sb.append(text.charAt(pos++));
            }
            else
            {
                sb.append(c);
            }
        }
        throw error("unterminated string");
    }

    private char peek()
    {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpaces()
    {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos)))
        {
            pos++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("tuple '" + text + "' at character " + pos + ": " + what);
    }
}
