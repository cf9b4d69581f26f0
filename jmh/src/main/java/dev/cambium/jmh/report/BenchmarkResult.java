package dev.cambium.jmh.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One entry of a JMH JSON result file: one benchmark method (or {@code @Group}) at one combination
 * of parameters.
 *
 * @param benchmark  the full benchmark name, e.g. {@code dev.cambium.jmh.peers.GetBenchmark.get}
 * @param mode       the benchmark mode
 * @param store      the value of the {@code store} parameter, null if the benchmark has none
 * @param params     every other parameter, sorted by name
 * @param primary    the primary metric (for a group: the sum or mean over its methods)
 * @param secondary  secondary metrics by name, profiler prefixes such as {@code ·} removed
 */
public record BenchmarkResult(String benchmark, Mode mode, String store, SortedMap<String, String> params,
    Metric primary, Map<String, Metric> secondary)
{
    /** The parameter that names the store; every other parameter identifies the workload. */
    public static final String STORE_PARAM = "store";

    /** Heap bytes allocated per operation, from JMH's gc profiler. */
    public static final String ALLOC_NORM = "gc.alloc.rate.norm";

    private static final Pattern METHOD_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    /** @return the method (or group) name: the part of {@link #benchmark()} after the last dot */
    public String method()
    {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** @return the simple class name, e.g. {@code GetBenchmark} */
    public String className()
    {
        final int lastDot = benchmark.lastIndexOf('.');
        if (lastDot < 0)
        {
            return "";
        }
        return benchmark.substring(benchmark.lastIndexOf('.', lastDot - 1) + 1, lastDot);
    }

    /** @return bytes allocated per operation, NaN when the run had no {@code -prof gc} */
    public double allocatedBytesPerOp()
    {
        final Metric m = secondary.get(ALLOC_NORM);
        return m == null ? Double.NaN : m.score();
    }

    /**
     * The per-method results of a {@code @Group} benchmark. JMH stores them as secondary metrics
     * named after the methods, in the primary metric's unit; profiler metrics have dotted names or
     * other units, which is how they are told apart.
     *
     * @return role name to metric, in the file's order; empty for an ordinary benchmark
     */
    public Map<String, Metric> groupMethods()
    {
        final Map<String, Metric> roles = new LinkedHashMap<>();
        for (final Map.Entry<String, Metric> e : secondary.entrySet())
        {
            if (METHOD_NAME.matcher(e.getKey()).matches() && e.getValue().unit().equals(primary.unit()))
            {
                roles.put(e.getKey(), e.getValue());
            }
        }
        return roles;
    }

    /**
     * Reads a JMH JSON result file ({@code -rf json}).
     *
     * @param json the file's text
     * @return its entries in file order
     * @throws Json.JsonException       if the text is not JSON
     * @throws IllegalArgumentException if the JSON is not shaped like a JMH result
     */
    public static List<BenchmarkResult> parseAll(final String json)
    {
        final JsonElement root = Json.parse(json);
        if (!root.isJsonArray())
        {
            throw new IllegalArgumentException("a JMH result file is a JSON array, found " + kind(root));
        }
        final List<BenchmarkResult> results = new ArrayList<>();
        int index = 0;
        for (final JsonElement entry : root.getAsJsonArray())
        {
            try
            {
                results.add(parse(object(entry, "entry")));
            }
            catch (final IllegalArgumentException e)
            {
                throw new IllegalArgumentException("result entry " + index + ": " + e.getMessage(), e);
            }
            index++;
        }
        return Collections.unmodifiableList(results);
    }

    private static BenchmarkResult parse(final JsonObject entry)
    {
        final String benchmark = string(entry.get("benchmark"), "benchmark");
        final Mode mode = Mode.of(string(entry.get("mode"), "mode"));
        final SortedMap<String, String> params = new TreeMap<>();
        String store = null;
        final JsonElement rawParams = present(entry.get("params"));
        if (rawParams != null)
        {
            for (final Map.Entry<String, JsonElement> p : object(rawParams, "params").entrySet())
            {
                final String value = scalar(p.getValue());
                if (STORE_PARAM.equals(p.getKey()))
                {
                    store = value;
                }
                else
                {
                    params.put(p.getKey(), value);
                }
            }
        }
        final Metric primary = metric(object(entry.get("primaryMetric"), "primaryMetric"));
        final Map<String, Metric> secondary = new LinkedHashMap<>();
        final JsonElement rawSecondary = present(entry.get("secondaryMetrics"));
        if (rawSecondary != null)
        {
            for (final Map.Entry<String, JsonElement> s : object(rawSecondary, "secondaryMetrics").entrySet())
            {
                secondary.put(stripProfilerPrefix(s.getKey()), metric(object(s.getValue(), s.getKey())));
            }
        }
        return new BenchmarkResult(benchmark, mode, store, Collections.unmodifiableSortedMap(params), primary,
            Collections.unmodifiableMap(secondary));
    }

    /** JMH before 1.37 prefixed profiler metrics with a middle dot ({@code ·gc.alloc.rate.norm}). */
    static String stripProfilerPrefix(final String name)
    {
        return name.startsWith("\u00b7") ? name.substring(1) : name;
    }

    private static Metric metric(final JsonObject m)
    {
        final JsonElement score = present(m.get("score"));
        if (score == null)
        {
            throw new IllegalArgumentException("metric without a score");
        }
        final JsonElement unit = present(m.get("scoreUnit"));
        return new Metric(Json.number(score), Json.number(m.get("scoreError")), unit == null ? "" : scalar(unit));
    }

    /** A member written as JSON {@code null} counts as absent, as a missing one does. */
    private static JsonElement present(final JsonElement value)
    {
        return value == null || value.isJsonNull() ? null : value;
    }

    private static JsonObject object(final JsonElement value, final String what)
    {
        if (value == null || !value.isJsonObject())
        {
            throw new IllegalArgumentException("'" + what + "' should be an object, found " + kind(value));
        }
        return value.getAsJsonObject();
    }

    private static String string(final JsonElement value, final String what)
    {
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString())
        {
            throw new IllegalArgumentException("'" + what + "' should be a string, found " + kind(value));
        }
        return value.getAsString();
    }

    /** Parameter values are strings in JMH's files; tolerate numbers written by hand in fixtures. */
    private static String scalar(final JsonElement value)
    {
        if (value != null && value.isJsonPrimitive())
        {
            final JsonPrimitive p = value.getAsJsonPrimitive();
            if (p.isNumber())
            {
                final double d = p.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long)d) : Double.toString(d);
            }
            return p.getAsString();
        }
        throw new IllegalArgumentException("expected a string or number, found " + kind(value));
    }

    private static String kind(final JsonElement value)
    {
        if (value == null || value.isJsonNull())
        {
            return "null";
        }
        if (value.isJsonObject())
        {
            return "an object";
        }
        if (value.isJsonArray())
        {
            return "an array";
        }
        final JsonPrimitive p = value.getAsJsonPrimitive();
        return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
    }
}
