package dev.cambium.jmh.report;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;

/**
 * Reads JMH's JSON result files with Gson's tree model, strictly: RFC 8259 only (Gson's default
 * tree parsing is lenient and would accept comments, single quotes and unquoted names), exactly one
 * value, nesting bounded by Gson's limit so hostile input cannot overflow the stack.
 *
 * <p>JMH writes non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}; {@link #number(JsonElement)} reads them back as doubles.
 */
public final class Json
{
    /** Gson's adapter for {@link JsonElement} trees; it leaves the reader's strictness as the caller set it. */
    private static final TypeAdapter<JsonElement> TREE = new Gson().getAdapter(JsonElement.class);

    private Json()
    {
    }

    /**
     * Parses one JSON value that must span the whole text (surrounding whitespace allowed).
     *
     * @param text the JSON text
     * @return the value as a Gson tree (objects keep the file's key order)
     * @throws JsonException if the text is not exactly one well-formed JSON value
     */
    public static JsonElement parse(final String text)
    {
        final JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        try
        {
            final JsonElement value = TREE.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT)
            {
                throw new JsonException("unexpected text after the value at " + reader.getPath(), null);
            }
            return value;
        }
        catch (final IOException | JsonParseException | IllegalStateException | NumberFormatException e)
        {
            // IOException from a StringReader is only ever Gson's MalformedJsonException or an EOF.
            throw new JsonException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    /**
     * Reads a JSON number or one of JMH's non-finite spellings as a double.
     *
     * @param value a parsed value (a number, or a string such as {@code "NaN"}); may be null
     * @return the double, or NaN for null and for anything that is not a number
     */
    public static double number(final JsonElement value)
    {
        if (value == null || !value.isJsonPrimitive())
        {
            return Double.NaN;
        }
        final JsonPrimitive p = value.getAsJsonPrimitive();
        if (p.isNumber())
        {
            return p.getAsDouble();
        }
        if (!p.isString())
        {
            return Double.NaN;
        }
        switch (p.getAsString())
        {
            case "Infinity":
            case "+Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                try
                {
                    return Double.parseDouble(p.getAsString());
                }
                catch (final NumberFormatException e)
                {
                    return Double.NaN;
                }
        }
    }

    /** Malformed JSON: the message names the problem and where it is (line, column and path). */
    public static final class JsonException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        JsonException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }
}
