package dev.cambium.jmh.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A benchmark run that JMH reported as failed in its console log. JMH leaves failed runs out of the
 * JSON result entirely (and still exits 0 unless {@code -foe true}), so the log is the only record of
 * which store/workload combination broke and why.
 *
 * @param benchmark the full benchmark name from the {@code # Benchmark:} line
 * @param store     the {@code store} parameter, null if the benchmark has none
 * @param params    every other parameter from the {@code # Parameters:} line
 * @param reason    the first line of the exception, or JMH's own failure text
 */
public record Failure(String benchmark, String store, SortedMap<String, String> params, String reason)
{
    /** Longer reasons are cut: the page needs the exception, the log has the stack trace. */
    static final int MAX_REASON = 200;

    private static final String BENCHMARK_LINE = "# Benchmark: ";
    private static final String PARAMETERS_LINE = "# Parameters: (";

    /** @return the method (or group) name */
    public String method()
    {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /**
     * Finds every failed benchmark run in a JMH console log. A run is the text after a
     * {@code # Benchmark:} line and its {@code # Parameters:} line; it failed if an iteration printed
     * {@code <failure>} (followed by the exception), {@code <failure: text>}, or the forked VM exited
     * abnormally ({@code <forked VM failed with exit code N>}). Several failure lines of one run are
     * joined into one reason.
     *
     * @param lines the log's lines
     * @return one failure per failed run, in log order
     */
    public static List<Failure> parseLog(final List<String> lines)
    {
        final Map<String, Failure> byRun = new LinkedHashMap<>();
        String benchmark = null;
        SortedMap<String, String> params = new TreeMap<>();
        int runNumber = 0;
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            if (line.startsWith(BENCHMARK_LINE))
            {
                benchmark = line.substring(BENCHMARK_LINE.length()).trim();
                params = new TreeMap<>();
                runNumber++;
                continue;
            }
            if (line.startsWith(PARAMETERS_LINE) && line.endsWith(")"))
            {
                params = parseParameters(line.substring(PARAMETERS_LINE.length(), line.length() - 1));
                continue;
            }
            final String reason = reasonAt(lines, i);
            if (reason == null || benchmark == null)
            {
                continue;
            }
            final String key = runNumber + " " + benchmark + " " + params;
            final Failure previous = byRun.get(key);
            final String joined = previous == null || previous.reason().contains(reason)
                ? reason
                : previous.reason() + "; " + reason;
            final SortedMap<String, String> others = new TreeMap<>(params);
            final String store = others.remove(BenchmarkResult.STORE_PARAM);
            byRun.put(key, new Failure(benchmark, store, Collections.unmodifiableSortedMap(others), clip(joined)));
        }
        return Collections.unmodifiableList(new ArrayList<>(byRun.values()));
    }

    /** The failure reason reported on line {@code i}, or null if that line reports none. */
    private static String reasonAt(final List<String> lines, final int i)
    {
        final String line = lines.get(i);
        final int plain = line.indexOf("<failure>");
        if (plain >= 0)
        {
            // JMH prints a blank line, then the throwable's toString() and its stack trace.
            for (int j = i + 1; j < lines.size(); j++)
            {
                final String next = lines.get(j).trim();
                if (!next.isEmpty())
                {
                    return next.startsWith("#") || next.startsWith("at ") ? "failure (no exception text)" : next;
                }
            }
            return "failure (no exception text)";
        }
        final int described = line.indexOf("<failure: ");
        if (described >= 0)
        {
            final int end = line.lastIndexOf('>');
            return line.substring(described + "<failure: ".length(), end > described ? end : line.length()).trim();
        }
        final int forked = line.indexOf("<forked VM failed with exit code ");
        if (forked >= 0)
        {
            final int end = line.indexOf('>', forked);
            return line.substring(forked + 1, end > forked ? end : line.length()).trim();
        }
        return null;
    }

    /** {@code entries = 1000, store = lmdb} as JMH prints it. */
    static SortedMap<String, String> parseParameters(final String text)
    {
        final SortedMap<String, String> params = new TreeMap<>();
        for (final String pair : text.split(", "))
        {
            final int eq = pair.indexOf(" = ");
            if (eq > 0)
            {
                params.put(pair.substring(0, eq).trim(), pair.substring(eq + 3).trim());
            }
        }
        return params;
    }

    private static String clip(final String reason)
    {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON - 1) + "…";
    }
}
