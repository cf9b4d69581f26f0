package dev.cambium.crash;

import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.StorageException;
import dev.cambium.TestSeeds;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.crash.CrashModel.Tx;
import dev.cambium.engine.Engine;
import dev.cambium.engine.compact.Compaction;
import dev.cambium.engine.txn.WriteTxn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.cambium.crash.CrashModel.key;
import static dev.cambium.crash.CrashModel.value;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Simulated power loss at every write, force and truncation of the commits that shrink the file (docs/design.md,
 * "Shrinking the file"), and of a whole online compaction.
 *
 * <p>Single-commit scenarios, as in {@link CrashPointTest}: the commit that lowers the high-water mark, the commit
 * that truncates the file (both meta slots lowered), and one compaction move step. Oracle: the crash image opens,
 * {@code check()} is clean, and the content and revision are those of the previous revision (allowed up to the meta
 * force) or of the new one (allowed from the meta write on), and a commit on the recovered file works.
 *
 * <p>Whole compaction: {@link Compaction#run()} crashes at each of its events (every write, force and truncation of
 * every step; the content never changes); the image must open at the last revision published before the crash or
 * the one after, with the same content. Under {@code SYNC} with power-loss images, under {@code NO_SYNC} with the
 * image a crash of the process alone leaves (NO_SYNC promises nothing more after a power loss).
 *
 * <p>Seeds: {@code -Dtest.seed=N} fixes the crash outcomes.
 */
class ShrinkCrashTest
{
    private static final long BASE_SEED = TestSeeds.seed();
    private static final int SEEDS = 2;

    @TempDir
    Path dir;

    record Scenario(String name, DatabaseOptions options, Consumer<Harness> prepare, Consumer<Tx> last)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    private static DatabaseOptions options(final Durability durability)
    {
        return DatabaseOptions.builder().pageSize(1024).durability(durability).growth(4096, 16 * 1024)
            .backgroundCleaner(false).build();
    }

    /** Loads a small tree and a large one written after it (at the end of the file), then drops the large one. */
    private static void loadAndDropTail(final Harness h)
    {
        final Random r = new Random(7);
        h.commit(tx ->
        {
            for (int i = 0; i < 300; i++)
            {
                tx.put("keep", key(i), value(r, 40));
            }
        });
        for (int c = 0; c < 3; c++)
        {
            h.commit(tx ->
            {
                for (int i = 0; i < 600; i++)
                {
                    tx.put("tail", key(r.nextLong()), value(r, 40));
                }
            });
        }
        h.commit(tx -> tx.drop("tail"));
    }

    /** Cleaner and a small commit, until a commit lowers the high-water mark (which it then did). */
    private static void untilLowered(final Harness h)
    {
        for (int i = 0; i < 8; i++)
        {
            h.engine.runCleaner();
            final long before = h.engine.revisions().head().state().highWater();
            touch(h, i);
            if (h.engine.revisions().head().state().highWater() < before)
            {
                return;
            }
        }
        fail("no commit lowered the high-water mark");
    }

    private static void touch(final Harness h, final int i)
    {
        h.commit(tx -> tx.put("keep", key(i), value(new Random(i), 40)));
    }

    static Stream<Scenario> scenarios()
    {
        return Stream.of(
            // The commit that lowers the high-water mark (the other slot still names the higher one).
            new Scenario("lower-high-water", options(Durability.SYNC), h ->
            {
                loadAndDropTail(h);
                // Rounds of cleaner and commit until the end of the file is free: the next commit lowers the mark.
                for (int i = 0; i < 8; i++)
                {
                    h.engine.runCleaner();
                    h.engine.freeSpace().release(); // what beginWrite does; no writer is active
                    if (h.engine.freeSpace().freeTail(h.engine.revisions().head().state().highWater()) > 0)
                    {
                        return;
                    }
                    touch(h, 100 + i);
                }
                fail("the end of the file never became free");
            }, tx -> tx.put("keep", key(1), value(new Random(11), 40))),
            // The commit after it: both slots lowered, the free end truncated.
            new Scenario("truncate", options(Durability.SYNC), h ->
            {
                loadAndDropTail(h);
                untilLowered(h);
                h.engine.runCleaner();
            }, tx -> tx.put("keep", key(2), value(new Random(12), 40))),
            // One compaction move step: live pages at the end copied into free pages near the start.
            new Scenario("compaction-step", options(Durability.SYNC), h ->
            {
                final Random r = new Random(8);
                h.commit(tx ->
                {
                    for (int i = 0; i < 1500; i++)
                    {
                        tx.put("front", key(i), value(r, 40));
                    }
                });
                h.commit(tx ->
                {
                    for (int i = 0; i < 600; i++)
                    {
                        tx.put("back", key(r.nextLong()), value(r, 40));
                    }
                    tx.put("back", key(-1), value(r, 5000)); // an overflow chain at the end
                });
                h.commit(tx ->
                {
                    for (int i = 0; i < 1500; i += 10)
                    {
                        for (int j = 1; j < 10; j++)
                        {
                            tx.delete("front", key(i + j)); // frees most of the front
                        }
                    }
                });
                h.engine.runCleaner();
            }, tx -> assertTrue(((WriteTxn)tx.w).relocateTail(Compaction.DEFAULT_STEP_PAGES) > 0,
                "the step must move pages")));
    }

    /** One run of a scenario, with the high-water mark before and after the final commit. */
    private static final class Run extends CrashPoints.CommitRun
    {
        long highWaterBefore;
        long highWaterAfter;
    }

    private static Run run(final Scenario s, final Path file, final long crashAt)
    {
        return CrashPoints.runFinalCommit(new Run(), file, s.options(), s.prepare(), s.last(), crashAt,
            (engine, run) -> run.highWaterBefore = engine.revisions().head().state().highWater(),
            (engine, run) -> run.highWaterAfter = engine.revisions().head().state().highWater());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyCrashPointOfAShrinkingCommitOpensAtAnAcknowledgedRevision(final Scenario s) throws IOException
    {
        final Run counting = run(s, dir.resolve("count.cambium"), -1);
        assertTrue(counting.returned);
        final List<PowerLossStorage.Event> events = counting.finalEvents;
        final int total = events.size();
        final int pageSize = s.options().pageSize();
        int metaWrite = -1;
        for (int i = 0; i < total; i++)
        {
            final PowerLossStorage.Event e = events.get(i);
            if (!e.force() && !e.truncation() && (e.position() == 0 || e.position() == pageSize))
            {
                metaWrite = i;
            }
        }
        assertTrue(metaWrite >= 0 && metaWrite + 1 < total && events.get(metaWrite + 1).force(),
            s + ": no forced meta write in " + events);
        final int metaForce = metaWrite + 1;
        if (s.name().equals("lower-high-water"))
        {
            assertTrue(counting.highWaterAfter < counting.highWaterBefore, s + ": the commit must lower the mark: " +
                counting.highWaterBefore + " -> " + counting.highWaterAfter);
            assertTrue(events.stream().noneMatch(PowerLossStorage.Event::truncation), s + ": nor truncate yet");
        }
        if (s.name().equals("truncate"))
        {
            assertTrue(events.get(total - 1).truncation(), s + ": the commit must end with a truncation: " + events);
        }
        Files.deleteIfExists(dir.resolve("count.cambium"));
        final List<String> failures = new ArrayList<>();
        int previous = 0;
        int next = 0;
        for (int k = 0; k <= total; k++)
        {
            final Path live = dir.resolve("live-" + k + ".cambium");
            final Run run = run(s, live, k < total ? k : -1);
            if (k < total && run.returned)
            {
                fail(s + ": commit returned although the storage died during event " + k);
            }
            if (k == total && !run.returned)
            {
                fail(s + ": commit failed without a crash");
            }
            for (int seed = 0; seed < SEEDS; seed++)
            {
                final long outcomeSeed = CrashModel.seed(BASE_SEED, s.name().hashCode(), k, seed);
                final byte[] image = run.storage.crashImage(new Random(outcomeSeed), null);
                final CrashPoints.Recovered recovered = CrashPoints.recoverImage(dir, k, seed, image, s.options());
                final Model actual = recovered.content();
                final String where = s + " " + CrashPoints.where(k, events) + ", outcome seed " + outcomeSeed +
                    " (base seed " + BASE_SEED + ")";
                if (recovered.problem() != null)
                {
                    failures.add(where + ": " + recovered.problem());
                }
                else if (actual.revision == run.previous.revision && run.previous.difference(actual) == null &&
                    k <= metaForce)
                {
                    previous++;
                }
                else if (actual.revision == run.next.revision && run.next.difference(actual) == null &&
                    k >= metaWrite)
                {
                    next++;
                }
                else
                {
                    failures.add(where + ": opened at revision " + actual.revision + " (previous " +
                        run.previous.revision + ", new " + run.next.revision + "): vs previous " +
                        run.previous.difference(actual) + ", vs new " + run.next.difference(actual));
                }
            }
            Files.deleteIfExists(live);
        }
        System.out.printf("[shrink-crash] %s: %d events %s; %d images opened at the previous revision, %d at the " +
            "new one, %d failed; base seed %d%n", s, total,
            total > 10
                ? "(first 4: " + events.subList(0, 4) +
                    ", last 4: " + events.subList(total - 4, total) + ")"
                : events,
            previous, next, failures.size(), BASE_SEED);
        CrashPoints.assertNoFailures(failures, "crash images violate the oracle");
        assertTrue(previous > 0 && next > 0);
    }

    @Test
    void everyCrashPointOfAWholeCompactionOpensAtAPublishedRevisionWithTheSameContent() throws IOException
    {
        crashEveryEventOfACompaction(Durability.SYNC, false);
    }

    @Test
    void everyProcessCrashOfAWholeNoSyncCompactionOpensWithTheSameContent() throws IOException
    {
        crashEveryEventOfACompaction(Durability.NO_SYNC, true);
    }

    /** Front and back trees; most of the front deleted: compaction moves the back into the front's space. */
    private static void prepareCompaction(final Harness h)
    {
        final Random r = new Random(9);
        h.commit(tx ->
        {
            for (int i = 0; i < 800; i++)
            {
                tx.put("front", key(i), value(r, 40));
            }
        });
        h.commit(tx ->
        {
            for (int i = 0; i < 300; i++)
            {
                tx.put("back", key(r.nextLong()), value(r, 40));
            }
            tx.put("back", key(-1), value(r, 3000));
        });
        h.commit(tx ->
        {
            for (int i = 0; i < 800; i++)
            {
                if (i % 8 != 0)
                {
                    tx.delete("front", key(i));
                }
            }
        });
        h.engine.runCleaner();
    }

    private void crashEveryEventOfACompaction(final Durability durability, final boolean processCrash)
        throws IOException
    {
        final DatabaseOptions options = options(durability);
        // Counting run: how many events the compaction issues, and that it shrinks the file.
        long total;
        Model content;
        {
            final PowerLossStorage storage = new PowerLossStorage(dir.resolve("count.cambium"), options.pageSize());
            final Engine engine = Engine.open(storage, options);
            final Harness h = new Harness(engine);
            prepareCompaction(h);
            content = h.acknowledged;
            final long before = storage.events();
            final long sizeBefore = storage.size();
            final var result = new Compaction(engine, 16, Duration.ZERO, x ->
            {
            }).run();
            total = storage.events() - before;
            assertTrue(result.pagesMoved() > 0 && storage.size() < sizeBefore,
                "the compaction must move pages and shrink the file: " + result + ", " + sizeBefore + " -> " +
                    storage.size());
            storage.crashNow();
            CrashPoints.closeQuietly(engine);
            Files.deleteIfExists(dir.resolve("count.cambium"));
        }
        final List<String> failures = new ArrayList<>();
        int images = 0;
        for (long k = 0; k < total; k++)
        {
            final PowerLossStorage storage = new PowerLossStorage(dir.resolve("live-" + k + ".cambium"),
                options.pageSize());
            final Engine engine = Engine.open(storage, options);
            long published;
            try
            {
                final Harness h = new Harness(engine);
                prepareCompaction(h);
                storage.crashAtEvent(storage.events() + k);
                try
                {
                    new Compaction(engine, 16, Duration.ZERO, x ->
                    {
                    }).run();
                    fail("compaction survived a crash at its event " + k);
                }
                catch (final StorageException e)
                {
                    assertTrue(storage.crashed(), () -> "failed without the crash: " + e);
                }
                published = engine.revision();
            }
            finally
            {
                storage.crashNow();
                CrashPoints.closeQuietly(engine);
            }
            for (int seed = 0; seed < (processCrash ? 1 : SEEDS); seed++)
            {
                final long outcomeSeed = CrashModel.seed(BASE_SEED, durability.ordinal(), k, seed);
                final byte[] image = processCrash
                    ? storage.processCrashImage()
                    : storage.crashImage(new Random(outcomeSeed), null);
                images++;
                final CrashPoints.Recovered recovered = CrashPoints.recoverImage(dir, k, seed, image, options);
                final Model actual = recovered.content();
                final String where = durability + " compaction crash at its event " + k + "/" + total +
                    ", outcome seed " + outcomeSeed + " (base seed " + BASE_SEED + ")";
                if (recovered.problem() != null)
                {
                    failures.add(where + ": " + recovered.problem());
                }
                else if (actual.revision < published || actual.revision > published + 1)
                {
                    failures.add(where + ": opened at revision " + actual.revision + ", published " + published);
                }
                else if (content.difference(actual) != null)
                {
                    failures.add(where + ": content changed: " + content.difference(actual));
                }
            }
            Files.deleteIfExists(dir.resolve("live-" + k + ".cambium"));
        }
        System.out.printf("[shrink-crash] whole compaction, %s: %d events, %d images, %d failed; base seed %d%n",
            durability, total, images, failures.size(), BASE_SEED);
        CrashPoints.assertNoFailures(failures, "crash images violate the oracle");
    }
}
