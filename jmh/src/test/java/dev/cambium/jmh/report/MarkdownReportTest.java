package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page generated from the several-stores fixture run directory, as ReportMain writes it. */
class MarkdownReportTest
{
    private static final Path RUN = Fixtures.dir("several-stores");

    @TempDir
    Path tmp;

    private String page() throws IOException
    {
        final Path fairness = tmp.resolve("fairness.md");
        Files.writeString(fairness, "### Peers\n\nLMDB runs with `MDB_NOSYNC` | and *this* stays verbatim.\n");
        ReportMain.generate(RUN, tmp.resolve("docs/benchmarks.md"), tmp.resolve("docs/benchmarks-ratios.svg"),
            fairness);
        return Files.readString(tmp.resolve("docs/benchmarks.md"));
    }

    @Test
    void shouldShowRunAndMachineFactsAndTheExactCommand() throws IOException
    {
        final String md = page();
        assertTrue(md.contains("| Command | `jmh/compare --quick` |"), md);
        assertTrue(md
            .contains("| JMH command | `java -jar jmh/target/benchmarks.jar dev.cambium.jmh.peers. -f 1 -prof gc` |"));
        assertTrue(md.contains("| Date | 2026-11-21 18:00 UTC |"));
        assertTrue(md.contains("| Cores | 2 |"));
        assertTrue(md.contains("| Disk (benchmark files) | /dev/vda ext4 (rotational=1) |"));
    }

    @Test
    void shouldShowRatiosOrientedSoAboveOneIsFasterForBothModes() throws IOException
    {
        final String md = page();
        // avgt: Cambium 800 ns vs LMDB 1000 ns is 1.25× faster; LMDB is 0.80× Cambium.
        assertTrue(md.contains("| Cambium | 800.0 | 20.0 | ns/op | 1.25× | 1.00× | 0.0 |"), md);
        assertTrue(md.contains("| LMDB | 1,000 | 30 | ns/op | 1.00× | 0.80× | 48 |"), md);
        // thrpt: Cambium 300 ops/s vs LMDB 250 ops/s is 1.20× faster.
        assertTrue(md.contains("| Cambium | 300.0 | 12.5 | ops/s | 1.20× | 1.00× | 1,200 |"), md);
        assertTrue(md.contains("mode `avgt`, ns/op: **lower is better**"));
        assertTrue(md.contains("mode `thrpt`, ops/s: **higher is better**"));
        assertTrue(md.contains("mode `ss`, ns/op: **lower is better**"));
        // Summary rows: each store vs LMDB, and Cambium vs each store.
        assertTrue(md.contains("| get (keyLength=8) | 1.25× | 1.00× | 0.25× | — | 0.20× | 0.11× | 4.00× |"), md);
        assertTrue(md.contains("| get (keyLength=8) | 1.25× | 5.00× | — | 6.25× | 11.3× | 0.31× |"), md);
    }

    @Test
    void shouldShowGroupMethodsAsSeparateRowsAndTheReaderThroughputKept() throws IOException
    {
        final String md = page();
        assertTrue(md.contains("| Cambium | reader | 9,000,000 | 90,000 | ops/s | 1.13× | 1.00× |"), md);
        assertTrue(md.contains("| Cambium | writer | 1,000 | n/a | ops/s | 1.25× | 1.00× |"), md);
        assertTrue(md.contains("| readersWithWriter: reader | 1.13× | 1.00× | 0.38× |"), md);
        assertTrue(md.contains("| readersWithWriter: writer | 1.25× | 1.00× | 0.25× |"), md);
        assertTrue(md.contains("| Cambium | 10,000,000 ops/s | 9,000,000 ops/s | 90% |"), md);
        assertTrue(md.contains("| readersWithWriter | 90% | 100% | 75% | — | — | — | — |"), md);
    }

    @Test
    void shouldShowMissingCombosAsDashWithTheReason() throws IOException
    {
        final String md = page();
        assertTrue(md.contains("| Xodus | — failed: `java.lang.IllegalStateException: Xodus env \"closed\" \\| <oops>` "
            + "| — | — | — | — | — |"), md);
        assertTrue(md.contains("| MVStore | — not run | — | — | — | — | — |"), md);
        assertTrue(md.contains("Not applicable (the benchmark does not declare them): floor (sorted array)."), md);
        assertTrue(md.contains("## Failures"));
        assertTrue(md.contains("`dev.cambium.jmh.peers.OtherBenchmark.misc`"), "a result without a store is named");
    }

    @Test
    void shouldReportFileSizesWithTheMedianLoadAndTheRatioToRawData() throws IOException
    {
        final String md = page();
        assertTrue(md.contains("Raw data: 108,000 bytes (0.1 MiB)."));
        assertTrue(md.contains("| Cambium | 210,000 | 0.2 | 1.94 | 3 (range 200,000–220,000 bytes) |"), md);
        assertTrue(md.contains("| MVStore | 4,000,000 | 3.8 | 37.04 | 1 |"), md);
        assertTrue(md.indexOf("### loadSequential") < md.indexOf("### loadRandom `"), "contract order");
        assertTrue(md.contains("1 malformed line(s) in `sizes.tsv` were ignored."));
    }

    @Test
    void shouldEmbedTheChartByARelativeLinkAndIncludeFairnessNotesVerbatim() throws IOException
    {
        final String md = page();
        assertTrue(md.contains("](benchmarks-ratios.svg)"), md);
        assertTrue(
            md.endsWith("## Fairness notes\n\n### Peers\n\nLMDB runs with `MDB_NOSYNC` | and *this* stays verbatim.\n"),
            md);
    }

    @Test
    void shouldSayWhenTheFairnessNotesAreMissing() throws IOException
    {
        ReportMain.generate(RUN, tmp.resolve("b.md"), null, tmp.resolve("missing/fairness.md"));
        final String md = Files.readString(tmp.resolve("b.md"));
        assertTrue(md.contains("fairness.md was missing when this page was generated"), md);
        assertFalse(md.contains("## Chart"), "no chart requested, no dangling link");
    }

    @Test
    void shouldWriteWellFormedTablesWhateverTheCellsContain() throws IOException
    {
        final String md = page();
        int tables = 0;
        int columns = -1;
        for (final String line : md.split("\n"))
        {
            if (!line.startsWith("|"))
            {
                columns = -1;
                continue;
            }
            final int cells = line.replace("\\|", "").length() - line.replace("\\|", "").replace("|", "").length() - 1;
            if (columns < 0)
            {
                columns = cells;
                tables++;
            }
            assertEquals(columns, cells, "row has a different number of cells than its header: " + line);
        }
        assertTrue(tables >= 10, "tables: " + tables);
    }

    @Test
    void shouldGiveTheSameBytesForTheSameRunWhateverTheResultOrder() throws IOException
    {
        final List<BenchmarkResult> results = BenchmarkResult.parseAll(Fixtures.text("several-stores/result.json"));
        final List<Failure> failures = Failure.parseLog(Fixtures.lines("several-stores/jmh.log"));
        final String first = render(results, failures);
        final long seed = Long.getLong("test.seed", System.nanoTime());
        final List<BenchmarkResult> shuffled = new ArrayList<>(results);
        Collections.shuffle(shuffled, new Random(seed));
        final Comparison c = Comparison.of(shuffled, failures, Map.of());
        assertEquals(first, render(shuffled, failures), "seed " + seed);
        assertEquals(RatioChart.render(Comparison.of(results, failures, Map.of())), RatioChart.render(c),
            "seed " + seed);
    }

    @Test
    void shouldExitWithTwoAndNameTheFailedBenchmarksAfterWritingThePage() throws IOException
    {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = ReportMain.run(new String[]{"--run-dir", RUN.toString(), "--markdown",
            tmp.resolve("p.md").toString(), "--svg", tmp.resolve("p.svg").toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ReportMain.FAILURES, status);
        assertTrue(Files.size(tmp.resolve("p.md")) > 0 && Files.size(tmp.resolve("p.svg")) > 0);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("GetBenchmark.get store=xodus"),
            err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldExitWithZeroForACleanRunAndOneForMalformedOrMissingInput() throws IOException
    {
        final Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("result.json"), Fixtures.text("jmh-1.37-result.json"));
        final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        final String[] args = {"--run-dir", run.toString(), "--markdown", tmp.resolve("ok.md").toString()};
        assertEquals(0, ReportMain.run(args, quiet, quiet));

        Files.writeString(run.resolve("result.json"), "[{\"benchmark\": ");
        assertEquals(1, ReportMain.run(args, quiet, quiet));
        Files.delete(run.resolve("result.json"));
        assertEquals(1, ReportMain.run(args, quiet, quiet));
        assertEquals(1, ReportMain.run(new String[]{"--run-dir"}, quiet, quiet));
        assertEquals(1, ReportMain.run(new String[]{"--bogus", "x"}, quiet, quiet));
    }

    private static String render(final List<BenchmarkResult> results, final List<Failure> failures)
    {
        return MarkdownReport.render(new MarkdownReport.Inputs(Comparison.of(results, failures, Map.of()), null,
            Map.of(), Map.of(), "chart.svg", "notes", "jmh/fairness.md"));
    }
}
