package dev.cambium.crash;

import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.StorageException;
import dev.cambium.TestSeeds;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.DatabaseFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.cambium.crash.CrashModel.key;
import static dev.cambium.crash.CrashModel.value;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Simulated power loss at every event of creating a database and of its first commit (crash-safety issue).
 *
 * <p>The creation runs through a {@link PowerLossDirectory}: every file write and force, every directory operation
 * (create, rename) and the directory sync is a numbered event. For each starting state of the directory (no file; an
 * empty file; a temporary file left by an earlier crashed creation, with or without an empty file), a counting run
 * learns the events of {@code Engine.open} plus one {@link Durability#SYNC} commit; then for every event k, and once
 * after the last, the run is repeated dying during event k, and for several seeds the directory a power loss would
 * leave is written out and opened with the real file system.
 *
 * <p>Oracle: the open always succeeds (never {@code NotADatabaseException} for a file the engine was creating),
 * {@code check()} is clean, the content is the empty database or the first commit's (the latter only once its meta
 * write was issued, and always once {@code commit()} returned), a database whose creating open returned is still
 * there, no temporary file is left after the open, and a further commit works.
 *
 * <p>Properties: {@code -Dtest.seed=N}, {@code -Dcambium.crash.seeds=N} (images per crash point, default 4).
 */
class CreationCrashTest
{
    private static final long BASE_SEED = TestSeeds.seed();
    private static final int SEEDS = Math.max(1, Integer.getInteger("cambium.crash.seeds", 4));
    private static final int PAGE = 1024;
    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder()
        .durability(Durability.SYNC)
        .pageSize(PAGE)
        .growth(4096, 16 * 1024)
        .backgroundCleaner(false)
        .build();
    private static final String NAME = "db.cambium";

    @TempDir
    Path dir;

    /** What the directory holds before the database is opened. */
    enum Start
    {
        /** No file of the name. */
        MISSING,
        /** An empty file of the name (a 0-byte file is a new database). */
        EMPTY_FILE,
        /** No file, but a temporary file of an earlier creation that crashed, holding garbage. */
        LEFTOVER,
        /** An empty file and a leftover temporary file. */
        EMPTY_FILE_AND_LEFTOVER
    }

    /** One run on a fresh directory. */
    private static final class Run
    {
        PowerLossStorage.Clock clock;
        PowerLossDirectory directory;
        long openedAtEvent = -1;
        boolean returned;
        Model first;
        List<String> log = new ArrayList<>();
    }

    private static void prepare(final Path at, final Start start) throws IOException
    {
        Files.createDirectories(at);
        if (start == Start.EMPTY_FILE || start == Start.EMPTY_FILE_AND_LEFTOVER)
        {
            Files.write(at.resolve(NAME), new byte[0]);
        }
        if (start == Start.LEFTOVER || start == Start.EMPTY_FILE_AND_LEFTOVER)
        {
            final byte[] garbage = new byte[3 * PAGE + 100];
            new Random(17).nextBytes(garbage);
            Files.write(DatabaseFile.creationPath(at.resolve(NAME)), garbage);
        }
    }

    private static Run run(final Path at, final Start start, final long crashAt) throws IOException
    {
        prepare(at, start);
        final Run run = new Run();
        run.clock = new PowerLossStorage.Clock();
        run.clock.crashAtEvent(crashAt);
        run.directory = new PowerLossDirectory(at, run.clock);
        Engine engine = null;
        try
        {
            engine = Engine.open(at.resolve(NAME), OPTIONS, run.directory);
            run.openedAtEvent = run.clock.events();
            final Harness h = new Harness(engine);
            final Model[] first = new Model[1];
            h.commit(tx ->
            {
                first[0] = tx.model;
                final Random r = new Random(3);
                for (int i = 0; i < 200; i++)
                {
                    tx.put("t", key(r.nextLong()), value(r, 8 + r.nextInt(40)));
                }
            });
            run.first = first[0];
            run.returned = true;
        }
        catch (final StorageException e)
        {
            if (!run.clock.crashed())
            {
                throw e;
            }
        }
        finally
        {
            run.clock.crashNow();
            if (engine != null)
            {
                CrashPoints.closeQuietly(engine);
            }
            run.directory.closeAll();
        }
        return run;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Start.class)
    void shouldAlwaysOpenAfterAPowerLossWhileCreatingADatabaseAndCommittingFirst(final Start start) throws IOException
    {
        final long started = System.nanoTime();
        final Run counting = run(dir.resolve("count"), start, -1);
        assertTrue(counting.returned, "the counting run must commit");
        final long total = counting.clock.events();
        final long opened = counting.openedAtEvent;
        // The first commit ends: force (data), meta write, force (meta).
        final long metaWrite = total - 2;
        assertTrue(opened >= 5 && metaWrite > opened, start + ": unexpected event counts: open " + opened +
            ", total " + total);
        final Model empty = new Model();
        final Map<String, Integer> outcomes = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        int images = 0;
        for (long k = 0; k <= total; k++)
        {
            final Run run = run(dir.resolve("live-" + k), start, k < total ? k : -1);
            if (k < total && run.returned)
            {
                fail(start + ": the first commit returned although the run died during event " + k);
            }
            for (int s = 0; s < SEEDS; s++)
            {
                final long seed = BASE_SEED ^ (k * 0x9E3779B97F4A7C15L) ^ (s * 0xC2B2AE3D27D4EB4FL) ^ start.ordinal();
                final PowerLossStorage.FateMix mix = s % 2 == 0
                    ? PowerLossStorage.FateMix.UNIFORM
                    : PowerLossStorage.FateMix.MOSTLY_APPLIED;
                final Map<String, byte[]> image = run.directory.crashImage(new Random(seed), mix);
                final Path at = dir.resolve("image-" + k + "-" + s);
                Files.createDirectories(at);
                for (final Map.Entry<String, byte[]> f : image.entrySet())
                {
                    Files.write(at.resolve(f.getKey()), f.getValue());
                }
                images++;
                final String where = start + ", crash point " + k + "/" + total + " (open returned after event " +
                    (opened - 1) + ", meta write of the first commit is event " + metaWrite + "), seed " + seed +
                    " (base seed " + BASE_SEED + "), files " + sizes(image);
                final String verdict = verify(at, image, k, opened, metaWrite, total, empty, counting);
                if (verdict.startsWith("ok:"))
                {
                    outcomes.merge(verdict.substring(3), 1, Integer::sum);
                }
                else
                {
                    failures.add(where + ": " + verdict);
                }
                deleteTree(at);
            }
            deleteTree(dir.resolve("live-" + k));
        }
        System.out.printf("[crash] creation, start %s: %d events (%d to create and open, %d for the first commit), " +
            "%d crash points x %d seeds = %d images; outcomes %s; base seed %d; %.1f s%n", start, total, opened,
            total - opened, total + 1, SEEDS, images, outcomes, BASE_SEED, (System.nanoTime() - started) / 1e9);
        CrashPoints.assertNoFailures(failures, "images of a crashed creation break the promise");
        assertTrue(outcomes.keySet().stream().anyMatch(o -> o.startsWith("first commit")),
            "some crash points must keep the first commit");
        assertTrue(outcomes.keySet().stream().anyMatch(o -> o.startsWith("created again")),
            "some crash points must lose the creation");
    }

    private static String sizes(final Map<String, byte[]> image)
    {
        final Map<String, Integer> out = new TreeMap<>();
        image.forEach((n, b) -> out.put(n, b.length));
        return out.toString();
    }

    /**
     * @return "ok:" and the kind of outcome, or the violation.
     */
    private static String verify(final Path at, final Map<String, byte[]> image, final long k, final long opened,
        final long metaWrite, final long total, final Model empty, final Run counting)
    {
        final byte[] before = image.get(NAME);
        final boolean complete = before != null && before.length >= 2 * PAGE;
        if (k >= opened && !complete)
        {
            return "the open that created the database had returned, but the image has " +
                (before == null ? "no database file" : "a database file of " + before.length + " bytes");
        }
        final CrashPoints.Recovered recovered = CrashPoints.recover(at.resolve(NAME), OPTIONS);
        if (Files.exists(DatabaseFile.creationPath(at.resolve(NAME))))
        {
            return "a temporary creation file is left after the open";
        }
        if (recovered.problem() != null)
        {
            return recovered.problem();
        }
        final Model actual = recovered.content();
        if (actual.revision == 0 && empty.difference(actual) == null)
        {
            if (k == total)
            {
                return "LOST ACKNOWLEDGED COMMIT: the first commit returned, the file opens empty";
            }
            return "ok:" + (complete
                ? "empty database"
                : "created again (" + (before == null ? "no file" : before.length + "-byte file") + ")");
        }
        if (actual.revision == 1 && counting.first.difference(actual) == null)
        {
            if (k < metaWrite)
            {
                return "opened at the first commit although its meta write was never issued";
            }
            return "ok:first commit";
        }
        return "opened at revision " + actual.revision + " with content matching neither the empty " +
            "database nor the first commit: " + counting.first.difference(actual);
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(root))
        {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
