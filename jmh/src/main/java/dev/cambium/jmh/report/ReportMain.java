package dev.cambium.jmh.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Command-line entry of the report generator, run by {@code jmh/compare}:
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.cambium.jmh.report.ReportMain \
 *     --run-dir target/compare/&lt;timestamp&gt; --markdown docs/benchmarks.md \
 *     --svg docs/benchmarks-ratios.svg --fairness jmh/fairness.md
 * </pre>
 *
 * <p>The run directory holds {@code result.json} (required) and, when the runner wrote them,
 * {@code jmh.log} (failures), {@code sizes.tsv}, {@code machine.txt}, {@code run.txt} and
 * {@code benchmarks.txt} (JMH's {@code -lp} listing, to tell "not applicable" from "not run").
 *
 * <p>Exit status: 0 when the report was written and no benchmark failed; 2 when it was written but
 * JMH logged failures (listed on stderr); 1 when it could not be written (bad arguments, unreadable
 * or malformed input).
 */
public final class ReportMain
{
    /** Exit status when the page was written but some benchmarks failed. */
    public static final int FAILURES = 2;

    private ReportMain()
    {
    }

    /**
     * Generates the report.
     *
     * @param args see the class comment
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Generates the report and returns the exit status instead of exiting, for tests.
     *
     * @param args see the class comment
     * @param out  where progress goes
     * @param err  where errors and failures go
     * @return the exit status
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path runDir = null;
        Path markdown = null;
        Path svg = null;
        Path fairness = null;
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (i + 1 >= args.length)
            {
                return usage(err, "missing value after " + a);
            }
            switch (a)
            {
                case "--run-dir":
                    runDir = Path.of(args[++i]);
                    break;
                case "--markdown":
                    markdown = Path.of(args[++i]);
                    break;
                case "--svg":
                    svg = Path.of(args[++i]);
                    break;
                case "--fairness":
                    fairness = Path.of(args[++i]);
                    break;
                default:
                    return usage(err, "unknown argument " + a);
            }
        }
        if (runDir == null || markdown == null)
        {
            return usage(err, "--run-dir and --markdown are required");
        }
        try
        {
            final List<Failure> failures = generate(runDir, markdown, svg, fairness);
            out.println("wrote " + markdown + (svg == null ? "" : " and " + svg));
            if (!failures.isEmpty())
            {
                err.println(failures.size() + " benchmark run(s) failed (see " + runDir.resolve("jmh.log") + "):");
                for (final Failure f : failures)
                {
                    err.println("  " + f.benchmark() + " store=" + f.store() + " " + f.params() + ": " + f.reason());
                }
                return FAILURES;
            }
            return 0;
        }
        catch (final NoSuchFileException e)
        {
            err.println("report: missing file " + e.getFile());
            return 1;
        }
        catch (final IOException | UncheckedIOException e)
        {
            err.println("report: " + e);
            return 1;
        }
        catch (final IllegalArgumentException e)
        {
            err.println("report: " + runDir.resolve("result.json") + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * Reads a run directory and writes the page and the chart.
     *
     * @return the failures JMH logged, for the exit status
     */
    static List<Failure> generate(final Path runDir, final Path markdown, final Path svg, final Path fairness)
        throws IOException
    {
        final List<BenchmarkResult> results = BenchmarkResult.parseAll(read(runDir.resolve("result.json")));
        final List<Failure> failures = Failure.parseLog(linesIfPresent(runDir.resolve("jmh.log")));
        final Map<String, Set<String>> declared = RunFacts
            .parseDeclaredStores(linesIfPresent(runDir.resolve("benchmarks.txt")));
        final Comparison comparison = Comparison.of(results, failures, declared);

        final Path sizesFile = runDir.resolve("sizes.tsv");
        final FileSize.Parsed sizes = Files.exists(sizesFile) ? FileSize.parseAll(linesIfPresent(sizesFile)) : null;
        final String fairnessText = fairness != null && Files.exists(fairness) ? read(fairness) : null;

        String chartLink = null;
        if (svg != null)
        {
            final Path parent = markdown.toAbsolutePath().normalize().getParent();
            chartLink = parent.relativize(svg.toAbsolutePath().normalize()).toString().replace('\\', '/');
        }
        final String page = MarkdownReport.render(new MarkdownReport.Inputs(comparison, sizes,
            RunFacts.parseKeyValues(linesIfPresent(runDir.resolve("machine.txt"))),
            RunFacts.parseKeyValues(linesIfPresent(runDir.resolve("run.txt"))),
            chartLink, fairnessText, fairness == null ? "jmh/fairness.md" : fairness.toString()));

        write(markdown, page);
        if (svg != null)
        {
            write(svg, RatioChart.render(comparison));
        }
        return failures;
    }

    private static List<String> linesIfPresent(final Path file) throws IOException
    {
        return Files.exists(file) ? read(file).lines().collect(Collectors.toList()) : List.of();
    }

    /** Lenient UTF-8: a stray byte in a log (a fork dying mid-line) becomes U+FFFD instead of aborting the report. */
    private static String read(final Path file) throws IOException
    {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private static void write(final Path file, final String text) throws IOException
    {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static int usage(final PrintStream err, final String problem)
    {
        err.println("report: " + problem);
        err.println("usage: ReportMain --run-dir DIR --markdown FILE [--svg FILE] [--fairness FILE]");
        return 1;
    }
}
