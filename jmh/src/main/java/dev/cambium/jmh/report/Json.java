package dev.cambium.jmh.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader for RFC 8259 JSON, enough for JMH's result files without adding a dependency.
 *
 * <p>Objects become insertion-ordered {@code Map<String, Object>}, arrays {@code List<Object>},
 * numbers {@code Double}, and {@code true}/{@code false}/{@code null} their Java counterparts.
 * JMH writes non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}; they stay strings here and {@link #number(Object)} converts them.
 * Malformed input throws {@link JsonException} with the offset of the problem; nesting is limited
 * so hostile input cannot overflow the stack.
 */
public final class Json
{
    /** Deeper nesting than any JMH file needs; keeps recursion far from the thread's stack limit. */
    static final int MAX_DEPTH = 256;

    private final String text;
    private int pos;

    private Json(final String text)
    {
        this.text = text;
    }

    /**
     * Parses one JSON value that must span the whole text (surrounding whitespace allowed).
     *
     * @param text the JSON text
     * @return the value: Map, List, String, Double, Boolean or null
     * @throws JsonException if the text is not exactly one well-formed JSON value
     */
    public static Object parse(final String text)
    {
        final Json p = new Json(text);
        p.skipWhitespace();
        final Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length())
        {
            throw p.error("unexpected text after the value");
        }
        return value;
    }

    /**
     * Reads a JSON number or one of JMH's non-finite spellings as a double.
     *
     * @param value a parsed value (Double, or a String such as {@code "NaN"})
     * @return the double, or NaN for null and for strings that are not numbers
     */
    public static double number(final Object value)
    {
        if (value instanceof Double)
        {
            return (Double)value;
        }
        if (value instanceof String)
        {
            switch ((String)value)
            {
                case "Infinity":
                case "+Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try
                    {
                        return Double.parseDouble((String)value);
                    }
                    catch (final NumberFormatException e)
                    {
                        return Double.NaN;
                    }
            }
        }
        return Double.NaN;
    }

    private Object value(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (pos >= text.length())
        {
            throw error("unexpected end of input");
        }
        final char c = text.charAt(pos);
        switch (c)
        {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return numberToken();
                }
                throw error("unexpected character '" + printable(c) + "'");
        }
    }

    private Map<String, Object> object(final int depth)
    {
        pos++; // '{'
        final Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}')
        {
            pos++;
            return map;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("expected a string key");
            }
            final String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            map.put(key, value(depth + 1));
            skipWhitespace();
            final char c = peek();
            pos++;
            if (c == '}')
            {
                return map;
            }
            if (c != ',')
            {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(final int depth)
    {
        pos++; // '['
        final List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']')
        {
            pos++;
            return Collections.unmodifiableList(list);
        }
        while (true)
        {
            skipWhitespace();
            list.add(value(depth + 1));
            skipWhitespace();
            final char c = peek();
            pos++;
            if (c == ']')
            {
                return Collections.unmodifiableList(list);
            }
            if (c != ',')
            {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string()
    {
        pos++; // opening quote
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            if (pos >= text.length())
            {
                throw error("unterminated string");
            }
            final char c = text.charAt(pos++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                pos--;
                throw error("control character in string");
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            if (pos >= text.length())
            {
                throw error("unterminated escape");
            }
            final char e = text.charAt(pos++);
            switch (e)
            {
                case '"':
                case '\\':
                case '/':
                    sb.append(e);
                    break;
                case 'b':
                    sb.append('\b');
                    break;
                case 'f':
                    sb.append('\f');
                    break;
                case 'n':
                    sb.append('\n');
                    break;
                case 'r':
                    sb.append('\r');
                    break;
                case 't':
                    sb.append('\t');
                    break;
                case 'u':
                    sb.append(hex4());
                    break;
                default:
                    pos--;
                    throw error("bad escape '\\" + printable(e) + "'");
            }
        }
    }

    /** Four hex digits; surrogate pairs arrive as two escapes and are kept as two chars, which is what Java strings hold. */
    private char hex4()
    {
        if (pos + 4 > text.length())
        {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++)
        {
            final int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0)
            {
                throw error("bad hex digit in \\u escape");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char)v;
    }

    private Double numberToken()
    {
        final int start = pos;
        if (peek() == '-')
        {
            pos++;
        }
        if (peek() == '0')
        {
            pos++;
        }
        else if (isDigit(peek()))
        {
            digits();
        }
        else
        {
            throw error("expected a digit");
        }
        if (peek() == '.')
        {
            pos++;
            if (!isDigit(peek()))
            {
                throw error("expected a digit after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E')
        {
            pos++;
            if (peek() == '+' || peek() == '-')
            {
                pos++;
            }
            if (!isDigit(peek()))
            {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
        return Double.valueOf(text.substring(start, pos));
    }

    private void digits()
    {
        while (isDigit(peek()))
        {
            pos++;
        }
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, pos))
        {
            throw error("expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or NUL at the end (NUL is never valid there, so callers report an error). */
    private char peek()
    {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace()
    {
        while (pos < text.length())
        {
            final char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }
            pos++;
        }
    }

    private JsonException error(final String message)
    {
        return new JsonException(message + " at offset " + pos, pos);
    }

    private static String printable(final char c)
    {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int)c) : String.valueOf(c);
    }

    /** Malformed JSON: the message names the problem and the character offset. */
    public static final class JsonException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        private final int offset;

        JsonException(final String message, final int offset)
        {
            super(message);
            this.offset = offset;
        }

        /** @return the character offset where parsing stopped */
        public int offset()
        {
            return offset;
        }
    }
}
