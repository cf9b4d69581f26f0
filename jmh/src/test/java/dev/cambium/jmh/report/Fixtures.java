package dev.cambium.jmh.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Test resources and builders for hand-made results. */
final class Fixtures
{
    static final String PEERS = "dev.cambium.jmh.peers.";

    private Fixtures()
    {
    }

    static String text(final String resource)
    {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(final String resource)
    {
        return text(resource).lines().toList();
    }

    /** The directory of a run-directory fixture on the test classpath. */
    static Path dir(final String resource)
    {
        try
        {
            return Path.of(Fixtures.class.getResource(resource).toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException(e);
        }
    }

    static SortedMap<String, String> params(final String... kv)
    {
        final SortedMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2)
        {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static BenchmarkResult result(final String benchmark, final Mode mode, final String store, final double score,
        final String unit, final SortedMap<String, String> params)
    {
        return new BenchmarkResult(PEERS + benchmark, mode, store, params, new Metric(score, Double.NaN, unit),
            Map.of());
    }

    static BenchmarkResult group(final String store, final double reader, final double writer,
        final SortedMap<String, String> params)
    {
        final Map<String, Metric> secondary = new java.util.LinkedHashMap<>();
        secondary.put("gc.alloc.rate.norm", new Metric(40, Double.NaN, "B/op"));
        secondary.put("reader", new Metric(reader, Double.NaN, "ops/s"));
        secondary.put("writer", new Metric(writer, Double.NaN, "ops/s"));
        return new BenchmarkResult(PEERS + "ReadersBenchmark.readersWithWriter", Mode.THROUGHPUT, store, params,
            new Metric(reader + writer, Double.NaN, "ops/s"), secondary);
    }
}
