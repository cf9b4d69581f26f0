package dev.cambium.jmh.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One line of the sizes file the peer benchmarks append to after each load (system property
 * {@code cambium.jmh.sizesFile}): {@code workload\tstore\tparams\tfileBytes\trawBytes}, where params
 * is {@code k=v,k=v} of the non-store parameters and rawBytes = entries × (keyLength + valueLength).
 *
 * @param workload  the benchmark method that loaded the store, e.g. {@code loadRandom}
 * @param store     the {@code store} parameter value
 * @param params    the other parameters, sorted by name
 * @param fileBytes bytes on disk after the load (all of the store's files)
 * @param rawBytes  bytes of keys and values loaded
 */
public record FileSize(String workload, String store, SortedMap<String, String> params, long fileBytes, long rawBytes)
{
    /**
     * The lines of a sizes file and how many could not be read.
     *
     * @param sizes     the well-formed lines, in file order
     * @param malformed the number of non-blank lines that were not five tab-separated fields with
     *                  non-negative byte counts (e.g. a line cut short by a killed fork)
     */
    public record Parsed(List<FileSize> sizes, int malformed)
    {
    }

    /**
     * Reads a sizes file.
     *
     * @param lines the file's lines
     * @return the well-formed lines and the count of malformed ones
     */
    public static Parsed parseAll(final List<String> lines)
    {
        final List<FileSize> sizes = new ArrayList<>();
        int malformed = 0;
        for (final String line : lines)
        {
            if (line.isBlank())
            {
                continue;
            }
            final FileSize size = parse(line);
            if (size == null)
            {
                malformed++;
            }
            else
            {
                sizes.add(size);
            }
        }
        return new Parsed(Collections.unmodifiableList(sizes), malformed);
    }

    private static FileSize parse(final String line)
    {
        final String[] f = line.split("\t", -1);
        if (f.length != 5 || f[0].isEmpty() || f[1].isEmpty())
        {
            return null;
        }
        final SortedMap<String, String> params = new TreeMap<>();
        if (!f[2].isEmpty())
        {
            for (final String pair : f[2].split(","))
            {
                final int eq = pair.indexOf('=');
                if (eq <= 0)
                {
                    return null;
                }
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        try
        {
            final long file = Long.parseLong(f[3].trim());
            final long raw = Long.parseLong(f[4].trim());
            if (file < 0 || raw < 0)
            {
                return null;
            }
            return new FileSize(f[0], f[1], Collections.unmodifiableSortedMap(params), file, raw);
        }
        catch (final NumberFormatException e)
        {
            return null;
        }
    }
}
