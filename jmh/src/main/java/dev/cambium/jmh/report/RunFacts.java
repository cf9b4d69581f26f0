package dev.cambium.jmh.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readers for the small text files {@code jmh/compare} writes next to the JMH result: the machine
 * and run descriptions ({@code key: value} lines) and JMH's {@code -lp} listing of benchmarks and
 * their parameters.
 */
public final class RunFacts
{
    private RunFacts()
    {
    }

    /**
     * Reads {@code key: value} lines; later lines with the same key replace earlier ones, blank lines
     * and lines without {@code ": "} are skipped.
     *
     * @param lines the file's lines
     * @return key to value, in first-appearance order
     */
    public static Map<String, String> parseKeyValues(final List<String> lines)
    {
        final Map<String, String> facts = new LinkedHashMap<>();
        for (final String line : lines)
        {
            final int colon = line.indexOf(": ");
            if (colon > 0)
            {
                facts.put(line.substring(0, colon).trim(), line.substring(colon + 2).trim());
            }
        }
        return Collections.unmodifiableMap(facts);
    }

    /**
     * Reads the {@code store} values each benchmark declares from JMH's {@code -lp} output, which
     * lists each benchmark on its own line followed by indented lines like
     * {@code   param "store" = {cambium, lmdb}}.
     *
     * @param lines the output's lines
     * @return full benchmark name to declared stores; benchmarks without a store parameter are absent
     */
    public static Map<String, Set<String>> parseDeclaredStores(final List<String> lines)
    {
        final String storeParam = "param \"" + BenchmarkResult.STORE_PARAM + "\" = {";
        final Map<String, Set<String>> declared = new LinkedHashMap<>();
        String benchmark = null;
        for (final String line : lines)
        {
            if (line.isBlank())
            {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0)))
            {
                benchmark = line.trim();
                continue;
            }
            final String t = line.trim();
            if (benchmark != null && t.startsWith(storeParam) && t.endsWith("}"))
            {
                final Set<String> stores = new LinkedHashSet<>();
                for (final String s : t.substring(storeParam.length(), t.length() - 1).split(","))
                {
                    if (!s.isBlank())
                    {
                        stores.add(s.trim());
                    }
                }
                declared.put(benchmark, Collections.unmodifiableSet(stores));
            }
        }
        return Collections.unmodifiableMap(declared);
    }
}
