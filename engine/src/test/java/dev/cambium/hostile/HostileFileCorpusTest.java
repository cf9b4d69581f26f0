package dev.cambium.hostile;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.NotADatabaseException;
import dev.cambium.TestSeeds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The hostile-file corpus: real databases (several trees, small and overflow values, many revisions, so there
 * are free and reused pages) damaged systematically: truncated at every page boundary and inside every page,
 * a bit flipped at several seeded positions of every page (also with the checksum recomputed, to reach the
 * structural checks), zeroed 512-byte and 4 KiB blocks at every page, garbage appended, random bytes over the
 * meta pages, the intact file opened with every other configured page size; plus non-database files and an
 * empty file. Each file is opened, read in full and checked ({@link Probe}), and must read as {@link
 * Expectation} says: exactly the newest revision, or the previous one when the newest meta page is damaged,
 * or fail with a {@code CambiumException}. A file that reads as a model revision also takes a commit and a
 * reopen. Each file gets {@value #CASE_SECONDS} seconds; a JVM crash leaves the killing file in
 * {@code target/hostile-work/}.
 *
 * <p>Size: {@code -Dcambium.hostile.scale=N} (default 1) multiplies the positions tried per page, commits to every
 * file that reads as the newest revision from 5 on, and adds the page size 65536 from 2 on. Seeded:
 * {@code -Dtest.seed=}; {@code -Dcambium.hostile.debug} prints every lenient case that did not fail or read as the newest.
 */
class HostileFileCorpusTest
{
    static final String SCALE_PROPERTY = "cambium.hostile.scale";
    private static final long CASE_SECONDS = 30;
    private static final Path WORK = Paths.get("target", "hostile-work");
    private static final Path FINDINGS = Paths.get("target", "hostile-findings");
    /** The engine warns once per open from one valid meta page; thousands of those would drown the output. */
    private static final Logger ENGINE_LOG = Logger.getLogger("dev.cambium.engine.Engine");
    private static Level engineLogLevel;
    private static ExecutorService runner;

    @TempDir
    Path dir;

    static int scale()
    {
        return Integer.getInteger(SCALE_PROPERTY, 1);
    }

    static IntStream pageSizes()
    {
        return scale() >= 2 ? IntStream.of(4096, 512, 1024, 65536) : IntStream.of(4096, 512, 1024);
    }

    @BeforeAll
    static void quietAndStart() throws IOException
    {
        engineLogLevel = ENGINE_LOG.getLevel();
        ENGINE_LOG.setLevel(Level.OFF);
        Files.createDirectories(WORK);
        runner = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "hostile-probe");
            t.setDaemon(true); // a hung probe must not keep the JVM alive
            return t;
        });
    }

    @AfterAll
    static void restore()
    {
        ENGINE_LOG.setLevel(engineLogLevel);
        runner.shutdownNow();
    }

    /** Counts per category and outcome. */
    private static final class Tally
    {
        final Map<Damages.Category, EnumMap<Probe.Outcome, Integer>> counts = new EnumMap<>(Damages.Category.class);
        int files;
        int commits;

        void add(final Damages.Category c, final Probe.Outcome o)
        {
            counts.computeIfAbsent(c, k -> new EnumMap<>(Probe.Outcome.class)).merge(o, 1, Integer::sum);
            files++;
        }

        String table(final String title)
        {
            final StringBuilder sb = new StringBuilder(title).append('\n');
            sb.append(String.format("  %-24s %6s", "category", "files"));
            for (final Probe.Outcome o : Probe.Outcome.values())
            {
                sb.append(String.format(" %14s", o.name().toLowerCase().replace('_', '-')));
            }
            sb.append('\n');
            counts.forEach((c, m) ->
            {
                sb.append(String.format("  %-24s %6d", c.name().toLowerCase().replace('_', '-'),
                    m.values().stream().mapToInt(Integer::intValue).sum()));
                for (final Probe.Outcome o : Probe.Outcome.values())
                {
                    sb.append(String.format(" %14d", m.getOrDefault(o, 0)));
                }
                sb.append('\n');
            });
            return sb.append(String.format("  %d files, %d of them also committed to and reopened", files, commits))
                .toString();
        }
    }

    @ParameterizedTest(name = "pageSize={0}")
    @MethodSource("pageSizes")
    void shouldReadDamagedFileAsNewestOrPreviousRevisionOrFailCleanly(final int pageSize) throws IOException
    {
        final long seed = TestSeeds.seed();
        final int scale = scale();
        final long start = System.nanoTime();
        // Enough entries for two or three levels of branches at small pages; fewer at 64 KiB, where every
        // overflow value costs pages of 64 KiB and a file of a few MiB makes thousands of copies slow.
        final int entries = pageSize <= 512 ? 250 : pageSize >= 65536 ? 700 : 800;
        final CorpusDatabase db = CorpusDatabase.build(dir, pageSize, seed, entries, 12);
        final Probe probe = new Probe(db);
        final Tally tally = new Tally();
        final Path file = WORK.resolve("current-" + pageSize + ".cambium");
        final int[] newestSeen = {0};
        new Damages(db, scale, seed).forEach(c ->
        {
            final Expectation expected = Expectation.of(db, c);
            // Every file that must read as the previous revision (or a new one) also takes a commit and a reopen,
            // and so does one in five that must read as the newest.
            final boolean commit = expected == Expectation.PREVIOUS || expected == Expectation.EMPTY_NEW ||
                expected == Expectation.NEWEST && newestSeen[0]++ % (5 / Math.min(5, scale)) == 0;
            final String what = "page size " + pageSize + ", " + c.category() + ": " + c.description() +
                " (seed " + seed + ", rerun with -Dtest.seed=" + seed + ")";
            write(file, c.image(), what);
            final DatabaseOptions options = CorpusDatabase.options(c.configuredPageSize()).build();
            final Probe.Result result = bounded(what, file, c.image(),
                () -> probe.run(file, options, commit, expected == Expectation.LENIENT));
            if (!accepted(expected, result.outcome()))
            {
                final Path saved = save(c.image(), pageSize + "-" + c.category() + "-" + seed);
                fail(what + ": expected " + expected + " but the file read as " + result.outcome() + " at step '" +
                    result.step() + "': " + result.detail() + " (file saved as " + saved + ")");
            }
            if (expected == Expectation.LENIENT && result.outcome() != Probe.Outcome.ERROR &&
                result.outcome() != Probe.Outcome.NEWEST && System.getProperty("cambium.hostile.debug") != null)
            {
                System.out.println("DEBUG " + what + " -> " + result);
            }
            if (commit && result.outcome() != Probe.Outcome.ERROR)
            {
                tally.commits++;
            }
            tally.add(c.category(), result.outcome());
        });
        System.out.println(tally.table(String.format(
            "HostileFileCorpusTest page size %d, seed %d, scale %d: %d pages (newest revision %d uses %d, lists %d " +
                "as unused, high-water mark %d; previous revision %d uses %d), %.1f s",
            pageSize, seed, scale, db.pages(), db.newest.revision(), db.newest.used().cardinality(),
            db.newest.unused().cardinality(), db.newest.highWater(), db.previous.revision(),
            db.previous.used().cardinality(),
            (System.nanoTime() - start) / 1e9)));
        assertTrue(tally.files >= 10 * db.pages(), "corpus too small: " + tally.files + " files");
        for (final Probe.Outcome o : new Probe.Outcome[]{Probe.Outcome.NEWEST, Probe.Outcome.PREVIOUS,
            Probe.Outcome.EMPTY_NEW, Probe.Outcome.ERROR})
        {
            assertTrue(tally.counts.values().stream().anyMatch(m -> m.getOrDefault(o, 0) > 0),
                "no file read as " + o + ": the corpus does not exercise that path");
        }
        Files.deleteIfExists(file);
    }

    private static boolean accepted(final Expectation expected, final Probe.Outcome outcome)
    {
        return switch (expected)
        {
            case NEWEST -> outcome == Probe.Outcome.NEWEST;
            case PREVIOUS -> outcome == Probe.Outcome.PREVIOUS;
            case EMPTY_NEW -> outcome == Probe.Outcome.EMPTY_NEW;
            case ERROR -> outcome == Probe.Outcome.ERROR;
            case LENIENT -> true;
        };
    }

    /** Runs one probe on the probe thread, failing the test on a hang or anything but a CambiumException. */
    private static Probe.Result bounded(final String what, final Path file, final byte[] image,
        final Callable<Probe.Result> probe)
    {
        final Future<Probe.Result> future = runner.submit(probe);
        try
        {
            return future.get(CASE_SECONDS, TimeUnit.SECONDS);
        }
        catch (final TimeoutException e)
        {
            future.cancel(true);
            final Path saved = save(image, "hang");
            throw new AssertionError(what + ": no result within " + CASE_SECONDS + " s (file saved as " + saved +
                ")\n" + stackOf(runner), e);
        }
        catch (final ExecutionException e)
        {
            final Path saved = save(image, "unchecked");
            throw new AssertionError(what + ": threw " + e.getCause() + " (file saved as " + saved + ")", e.getCause());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String stackOf(final ExecutorService ignored)
    {
        final StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) ->
        {
            if (t.getName().equals("hostile-probe"))
            {
                for (final StackTraceElement e : stack)
                {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        });
        return sb.toString();
    }

    private static void write(final Path file, final byte[] image, final String what)
    {
        try
        {
            Files.deleteIfExists(file);
            Files.write(file, image);
            // If the JVM dies (a SIGBUS in a mapped read), this says which file killed it.
            Files.writeString(WORK.resolve("current-case.txt"), what + "\n", StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static Path save(final byte[] image, final String name)
    {
        try
        {
            Files.createDirectories(FINDINGS);
            final Path saved = FINDINGS.resolve(name + ".cambium");
            Files.write(saved, image);
            return saved.toAbsolutePath();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------- not a database

    @Test
    void shouldRejectNonDatabaseFilesWithNotADatabaseException()
    {
        final Random rnd = new Random(TestSeeds.seed());
        final Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        final byte[] text = "dn: cn=jensen,ou=people,dc=example,dc=com\nobjectClass: person\n"
            .repeat(2000).getBytes(StandardCharsets.US_ASCII);
        for (final int size : new int[]{1, 100, 511, 512, 4096, 100_000})
        {
            files.put("text, " + size + " bytes", Arrays.copyOf(text, size));
            final byte[] random = new byte[size];
            rnd.nextBytes(random);
            files.put("random, " + size + " bytes", random);
        }
        for (final int size : new int[]{1, 511, 512, 4096, 65536, 65536 + 256, 1 << 20})
        {
            files.put("zeros, " + size + " bytes", new byte[size]);
        }
        for (final int pages : new int[]{1, 4})
        {
            // An SQLite 3 file: its 100-byte header (page size 4096) on the first page.
            final byte[] sqlite = new byte[pages * 4096];
            rnd.nextBytes(sqlite);
            final byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(magic, 0, sqlite, 0, magic.length);
            sqlite[16] = 0x10;
            sqlite[17] = 0x00;
            sqlite[18] = 1;
            sqlite[19] = 1;
            files.put("SQLite header, " + pages + " pages", sqlite);
        }
        int tried = 0;
        for (final Map.Entry<String, byte[]> e : files.entrySet())
        {
            final Path file = dir.resolve("not-a-db-" + tried++);
            writeQuietly(file, e.getValue());
            final Probe.Result r = bounded(e.getKey(), file, e.getValue(), () -> openExpectingFailure(file));
            assertEquals("NotADatabaseException", r.detail().split(":")[0], e.getKey() + ": " + r);
        }
        // The magic alone, with nothing valid around it: damage, not a foreign file.
        final byte[] magicOnly = new byte[8192];
        rnd.nextBytes(magicOnly);
        magicOnly[4] = 'C';
        magicOnly[5] = 'M';
        magicOnly[6] = 'B';
        magicOnly[7] = 'M';
        final Path file = dir.resolve("magic-only");
        writeQuietly(file, magicOnly);
        final Probe.Result r = bounded("magic only", file, magicOnly, () -> openExpectingFailure(file));
        assertEquals(CorruptDatabaseException.class.getSimpleName(), r.detail().split(":")[0], r.toString());
        System.out.println("HostileFileCorpusTest: " + (tried + 1) + " non-database files rejected cleanly");
    }

    private static Probe.Result openExpectingFailure(final Path file)
    {
        try (Database db = Database.open(file, CorpusDatabase.options(4096).build()))
        {
            return new Probe.Result(Probe.Outcome.OTHER_CONTENT, "open", "opened at revision " + db.revision());
        }
        catch (final NotADatabaseException | CorruptDatabaseException e)
        {
            return new Probe.Result(Probe.Outcome.ERROR, "open", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void writeQuietly(final Path file, final byte[] bytes)
    {
        try
        {
            Files.write(file, bytes);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldOpenEmptyFileAsNewEmptyDatabase() throws IOException
    {
        final Path file = Files.createFile(dir.resolve("empty"));
        try (Database db = Database.open(file, CorpusDatabase.options(512).build()))
        {
            assertEquals(0, db.revision());
            assertEquals(512, db.pageSize());
            assertEquals(List.of(), db.read(txn -> txn.treeNames()));
            assertTrue(db.check().ok());
            db.write(txn -> txn.createTree("t").put(new byte[]{1}, new byte[]{2}));
        }
        try (Database db = Database.open(file, CorpusDatabase.options(4096).build()))
        {
            assertEquals(512, db.pageSize());
            assertEquals(1, db.revision());
            assertTrue(db.check().ok());
        }
    }
}
