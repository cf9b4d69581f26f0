package dev.cambium.jmh.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest
{
    @Test
    void shouldParseNestedObjectsArraysAndLiteralsKeepingKeyOrder()
    {
        final JsonObject m = Json.parse(" {\"z\": [1, true, false, null, {}], \"a\": {\"b\": []}} ").getAsJsonObject();
        assertEquals(List.of("z", "a"), List.copyOf(m.keySet()));
        final JsonArray z = m.getAsJsonArray("z");
        assertEquals(5, z.size());
        assertEquals(1.0, z.get(0).getAsDouble());
        assertTrue(z.get(1).getAsBoolean());
        assertEquals(new JsonPrimitive(false), z.get(2));
        assertEquals(JsonNull.INSTANCE, z.get(3));
        assertTrue(z.get(4).getAsJsonObject().isEmpty());
        assertTrue(m.getAsJsonObject("a").getAsJsonArray("b").isEmpty());
    }

    @Test
    void shouldDecodeEveryEscapeIncludingSurrogatePairs()
    {
        final String s = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 \\u0041\"")
            .getAsString();
        assertEquals("q\" b\\ s/ \b\f\n\r\t \u00e9 \ud83d\ude00 A", s);
        assertEquals("😀", s.substring(s.length() - 4, s.length() - 2));
    }

    @Test
    void shouldKeepNonAsciiCharactersAsTheyAre()
    {
        assertEquals("·gc.alloc.rate.norm ≈ 0", Json.parse("\"·gc.alloc.rate.norm ≈ 0\"").getAsString());
    }

    @Test
    void shouldParseNumbersInEveryJsonForm()
    {
        assertEquals(1.0E-5, Json.number(Json.parse("1.0E-5")));
        assertEquals(-2500.0, Json.number(Json.parse("-2.5e+3")));
        assertEquals(0.25, Json.number(Json.parse("25E-2")));
        assertEquals(0.0, Json.number(Json.parse("0")));
        assertEquals(-0.0, Json.number(Json.parse("-0.0")));
        assertEquals(123456789012.0, Json.number(Json.parse("123456789012")));
        assertEquals(344.6344278950453, Json.number(Json.parse("344.6344278950453")));
    }

    @Test
    void shouldReadJmhNonFiniteStringsAsDoubles()
    {
        assertTrue(Double.isNaN(Json.number(Json.parse("\"NaN\""))));
        assertEquals(Double.POSITIVE_INFINITY, Json.number(new JsonPrimitive("Infinity")));
        assertEquals(Double.NEGATIVE_INFINITY, Json.number(new JsonPrimitive("-Infinity")));
        assertEquals(12.5, Json.number(new JsonPrimitive("12.5")));
        assertEquals(3.0, Json.number(new JsonPrimitive(3.0)));
        assertTrue(Double.isNaN(Json.number(null)));
        assertTrue(Double.isNaN(Json.number(JsonNull.INSTANCE)));
        assertTrue(Double.isNaN(Json.number(new JsonPrimitive(true))));
        assertTrue(Double.isNaN(Json.number(new JsonPrimitive("not a number"))));
        assertTrue(Double.isNaN(Json.number(new JsonArray())));
    }

    /** What Gson accepts only in lenient mode (comments, single quotes, bare words, NaN) must be rejected too. */
    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "[", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "{\"a\":}",
        "01", "1.", "-", "+1", ".5", "1e", "1e+", "\"abc", "\"\\x\"", "\"\\u12g4\"", "\"\\u12\"", "\"a\nb\"",
        "tru", "nul", "NaN", "[1] 2", "{} {}", "'a'", "[\"a\\\"]", "{a:1}", "[1;2]", "[1] // c", "/* c */ 1",
        "{\"a\"=1}", "[1,,2]", "[,1]"})
    void shouldRejectMalformedInputSayingWhere(final String text)
    {
        final Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a message for " + text);
    }

    @Test
    void shouldNameTheLineAndColumnOfTheProblem()
    {
        final Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse("[\n  1,\n  x\n]"));
        assertTrue(e.getMessage().contains("line 3 column 3"), e.getMessage());
    }

    @Test
    void shouldRejectExcessiveNestingInsteadOfOverflowingTheStack()
    {
        final String deep = "[".repeat(100_000) + "]".repeat(100_000);
        final Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().startsWith("Nesting limit"), e.getMessage());
        final JsonElement ok = Json.parse("[".repeat(200) + "]".repeat(200));
        assertTrue(ok.isJsonArray() && !ok.getAsJsonArray().isEmpty());
    }
}
