package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest
{
    @Test
    void shouldParseNestedObjectsArraysAndLiteralsKeepingKeyOrder()
    {
        final Object v = Json.parse(" {\"z\": [1, true, false, null, {}], \"a\": {\"b\": []}} ");
        final Map<?, ?> m = (Map<?, ?>)v;
        assertEquals(List.of("z", "a"), List.copyOf(m.keySet()));
        final List<?> z = (List<?>)m.get("z");
        assertEquals(5, z.size());
        assertEquals(1.0, z.get(0));
        assertEquals(Boolean.TRUE, z.get(1));
        assertEquals(Boolean.FALSE, z.get(2));
        assertNull(z.get(3));
        assertTrue(((Map<?, ?>)z.get(4)).isEmpty());
        assertTrue(((List<?>)((Map<?, ?>)m.get("a")).get("b")).isEmpty());
    }

    @Test
    void shouldDecodeEveryEscapeIncludingSurrogatePairs()
    {
        final String s = (String)Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\u0041\"");
        assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00 A", s);
        assertEquals("😀", s.substring(s.length() - 4, s.length() - 2));
    }

    @Test
    void shouldKeepNonAsciiCharactersAsTheyAre()
    {
        assertEquals("·gc.alloc.rate.norm ≈ 0", Json.parse("\"·gc.alloc.rate.norm ≈ 0\""));
    }

    @Test
    void shouldParseNumbersInEveryJsonForm()
    {
        assertEquals(1.0E-5, Json.parse("1.0E-5"));
        assertEquals(-2500.0, Json.parse("-2.5e+3"));
        assertEquals(0.25, Json.parse("25E-2"));
        assertEquals(0.0, Json.parse("0"));
        assertEquals(-0.0, Json.parse("-0.0"));
        assertEquals(123456789012.0, Json.parse("123456789012"));
        assertEquals(344.6344278950453, Json.parse("344.6344278950453"));
    }

    @Test
    void shouldReadJmhNonFiniteStringsAsDoubles()
    {
        assertTrue(Double.isNaN(Json.number(Json.parse("\"NaN\""))));
        assertEquals(Double.POSITIVE_INFINITY, Json.number("Infinity"));
        assertEquals(Double.NEGATIVE_INFINITY, Json.number("-Infinity"));
        assertEquals(12.5, Json.number("12.5"));
        assertEquals(3.0, Json.number(3.0));
        assertTrue(Double.isNaN(Json.number(null)));
        assertTrue(Double.isNaN(Json.number("not a number")));
        assertTrue(Double.isNaN(Json.number(List.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "[", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\":}",
        "01", "1.", "-", "+1", ".5", "1e", "1e+", "\"abc", "\"\\x\"", "\"\\u12g4\"", "\"\\u12\"", "\"a\nb\"",
        "tru", "nul", "NaN", "[1] 2", "{} {}", "'a'", "[\"a\\"})
    void shouldRejectMalformedInputWithAnOffset(final String text)
    {
        final Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
        assertTrue(e.offset() >= 0 && e.offset() <= text.length(), "offset " + e.offset() + " for " + text);
        assertTrue(e.getMessage().contains("at offset " + e.offset()), e.getMessage());
    }

    @Test
    void shouldRejectExcessiveNestingInsteadOfOverflowingTheStack()
    {
        final String deep = "[".repeat(100_000) + "]".repeat(100_000);
        final Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        final String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertFalse(((List<?>)Json.parse(ok)).isEmpty());
    }
}
