package dev.cambium.crash;

import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.StorageException;
import dev.cambium.TestSeeds;
import dev.cambium.WriteTransaction;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.crash.CrashModel.Tx;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static dev.cambium.crash.CrashModel.key;
import static dev.cambium.crash.CrashModel.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Simulated power loss at every write and every force of <b>batched</b> commits (group commit, docs/design.md
 * section 3). Three committers: A leads a batch of its own and is held before its data force (a failpoint hold);
 * meanwhile B and C write their pages and queue (B builds on A, C on B); then A is released, forces, writes its meta
 * and forces, and B and C become durable in one batch: one data force, C's meta (B's is never written), one meta
 * force. The phase has a fixed sequence of events, so, as in {@link CrashPointTest}, a counting run learns it and
 * every event index k (and the point after the last) is rerun on a fresh {@link PowerLossStorage} that dies during
 * event k, with several seeded crash images per point.
 *
 * <p>Oracle: the image opens, {@code check()} is clean, its revision is at least every acknowledged one
 * ({@code commit()} returned), it is the base revision or one whose meta was written (never B's), its content is
 * exactly that revision's model, and it accepts a further commit.
 *
 * <p>Seeds: {@code -Dtest.seed=N} fixes the base seed of the crash outcomes; {@code -Dcambium.crash.seeds=N} the
 * number of images per crash point (default 3).
 */
class BatchedCrashPointTest
{
    private static final long BASE_SEED = TestSeeds.seed();
    private static final int SEEDS = Integer.getInteger("cambium.crash.seeds", 3);
    private static final long LIMIT_NANOS = 60_000_000_000L;
    private static final String[] NAMES = {"base", "A", "B", "C"};

    @TempDir
    Path dir;

    @AfterEach
    void disarm()
    {
        Failpoint.disarmAll();
    }

    private static DatabaseOptions options()
    {
        return DatabaseOptions.builder().durability(Durability.SYNC).backgroundCleaner(false).pageSize(1024)
            .growth(4096, 64 * 1024).build();
    }

    /** One run: the base revision's model and, per committer, its model, revision and whether commit() returned. */
    private static final class Run
    {
        PowerLossStorage storage;
        final Model[] models = new Model[4];
        final long[] revisions = new long[4];
        final boolean[] returned = new boolean[4];
        final List<Throwable> unexpected = new ArrayList<>();
        long eventsBefore;
        List<PowerLossStorage.Event> events;
        long batches;
    }

    /** Committer i's transaction: puts over a key range that overlaps the others', and a few deletes. */
    private static void body(final int i, final Tx tx)
    {
        final Random r = new Random(100 + i);
        for (int j = 0; j < 60; j++)
        {
            tx.put("t", key(r.nextInt(400)), value(r, 20 + r.nextInt(30)));
        }
        for (int j = 0; j < 10; j++)
        {
            tx.delete("t", key(r.nextInt(400)));
        }
        tx.put("c" + i, key(i), value(r, 8));
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + LIMIT_NANOS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    private Thread committer(final Engine engine, final Run run, final int i)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                final WriteTransaction w = engine.beginWrite();
                try
                {
                    run.revisions[i] = w.revision();
                    body(i, new Tx(w, run.models[i]));
                    w.commit();
                    run.returned[i] = true;
                }
                finally
                {
                    w.close();
                }
            }
            catch (final StorageException e)
            {
                if (!run.storage.crashed())
                {
                    run.unexpected.add(e);
                }
            }
            catch (final RuntimeException | Error e)
            {
                run.unexpected.add(e);
            }
        }, "committer-" + NAMES[i]);
        t.start();
        return t;
    }

    private Run run(final Path file, final long crashAtRelative, final long expectedEventsBefore)
        throws InterruptedException
    {
        final Run run = new Run();
        run.storage = new PowerLossStorage(file, options().pageSize());
        final Engine engine = Engine.open(run.storage, options());
        try
        {
            // Two commits and a cleaner pass, so the batch also writes into reclaimed pages; and a tree of 30-odd
            // pages created and dropped, so that B and C, queued while A's batch is in flight, find pages over data
            // to leave to the next leader (DeferredPages), which skips those C made obsolete.
            final Harness h = new Harness(engine);
            final Random r = new Random(7);
            for (int c = 0; c < 2; c++)
            {
                final int round = c;
                h.commit(tx ->
                {
                    for (int j = 0; j < 400; j++)
                    {
                        tx.put("t", key(j), value(r, 40));
                    }
                    if (round == 0)
                    {
                        for (int j = 0; j < 300; j++)
                        {
                            tx.put("pool", key(j), value(r, 100));
                        }
                    }
                    else
                    {
                        tx.drop("pool");
                    }
                });
                engine.runCleaner();
            }
            run.models[0] = h.acknowledged;
            run.revisions[0] = engine.revision();
            run.eventsBefore = run.storage.events();
            if (expectedEventsBefore >= 0)
            {
                assertEquals(expectedEventsBefore, run.eventsBefore, "the preparation is not deterministic");
            }
            if (crashAtRelative >= 0)
            {
                run.storage.crashAtEvent(run.eventsBefore + crashAtRelative);
            }
            final long batchesBefore = engine.commitBatches();
            final Hold hold = Action.hold();
            Failpoint.BEFORE_DATA_FORCE.arm(hold, 0, 1);
            final Thread[] threads = new Thread[4];
            for (int i = 1; i <= 3; i++)
            {
                // Committer i builds on the previous one's content: its body ran before the hold or the queueing.
                run.models[i] = run.models[i - 1].copy();
                // Queued means the newest written revision moved on: a committer before it may have failed at the
                // crash, and then this one takes its revision number.
                final long writtenBefore = engine.writtenRevision();
                threads[i] = committer(engine, run, i);
                final Thread t = threads[i];
                if (i == 1)
                {
                    await(() -> hold.reached() || !t.isAlive(), "A at its data force");
                }
                else
                {
                    await(() -> engine.writtenRevision() > writtenBefore || !t.isAlive(), NAMES[i] + " queued");
                }
            }
            hold.release();
            for (int i = 1; i <= 3; i++)
            {
                threads[i].join();
                run.models[i].revision = run.revisions[i];
            }
            run.batches = engine.commitBatches() - batchesBefore;
            run.events = run.storage.log().subList((int)run.eventsBefore, (int)run.storage.events());
        }
        finally
        {
            run.storage.crashNow();
            CrashPoints.closeQuietly(engine);
        }
        return run;
    }

    @Test
    void everyCrashPointOfABatchOpensAtOrAfterEveryAcknowledgedRevision() throws IOException, InterruptedException
    {
        final long started = System.nanoTime();
        final Run counting = run(dir.resolve("count.cambium"), -1, -1);
        assertEquals(List.of(), counting.unexpected);
        for (int i = 1; i <= 3; i++)
        {
            assertTrue(counting.returned[i], NAMES[i] + " must commit without a crash");
            assertEquals(counting.revisions[0] + i, counting.revisions[i]);
        }
        assertEquals(2, counting.batches, "A alone, then B and C in one batch");
        final List<PowerLossStorage.Event> events = counting.events;
        final int total = events.size();
        final long forces = events.stream().filter(PowerLossStorage.Event::force).count();
        final long metaWrites = events.stream().filter(e -> !e.force() && (e.position() == 0 || e.position() == 1024))
            .count();
        assertEquals(2, forces, "one force per batch, its meta listing the unforced pages: " + events);
        assertEquals(2, metaWrites, "one meta write per batch (B's meta is never written): " + events);
        Files.deleteIfExists(dir.resolve("count.cambium"));
        final long base = counting.revisions[0];

        int images = 0;
        final int[] opened = new int[4];
        final List<String> failures = new ArrayList<>();
        for (int k = 0; k <= total; k++)
        {
            final Path live = dir.resolve("live-" + k + ".cambium");
            final Run run = run(live, k, counting.eventsBefore);
            if (!run.unexpected.isEmpty())
            {
                failures.add("crash point " + k + ": unexpected failures " + run.unexpected);
            }
            if (k == total)
            {
                for (int i = 1; i <= 3; i++)
                {
                    assertTrue(run.returned[i], NAMES[i] + " must return when the crash comes after the last event");
                }
            }
            long acknowledged = base;
            for (int i = 1; i <= 3; i++)
            {
                if (run.returned[i])
                {
                    acknowledged = Math.max(acknowledged, run.revisions[i]);
                }
            }
            for (int seed = 0; seed < SEEDS; seed++)
            {
                final long outcomeSeed = CrashModel.seed(BASE_SEED, 'G', k, seed);
                final byte[] image = run.storage.crashImage(new Random(outcomeSeed), new ArrayList<>());
                images++;
                final String where = CrashPoints.where(k, events) + ", outcome seed " + outcomeSeed +
                    " (base seed " + BASE_SEED + "), acknowledged up to " + acknowledged;
                final int verdict = match(CrashPoints.recoverImage(dir, k, seed, image, options()), run,
                    acknowledged, failures, where);
                if (verdict >= 0)
                {
                    opened[verdict]++;
                }
            }
            Files.deleteIfExists(live);
        }
        System.out.printf("[crash] batched commits: %d events (%d forces, %d meta writes) in the batched phase; " +
            "%d crash points x %d seeds = %d images; opened at base %d, A %d, B %d, C %d; failed %d; " +
            "base seed %d; %.1f s%n", total, forces, metaWrites, total + 1, SEEDS, images, opened[0], opened[1],
            opened[2], opened[3], failures.size(), BASE_SEED, (System.nanoTime() - started) / 1e9);
        CrashPoints.assertNoFailures(failures, "crash images violate the oracle (base seed " + BASE_SEED + ")");
        assertTrue(opened[0] > 0 && opened[1] > 0 && opened[3] > 0, "crash points must reach base, A and C");
        assertEquals(0, opened[2], "B's meta is never written");
    }

    /**
     * The oracle: at or after every acknowledged revision, with the revision and content of one of the models.
     *
     * @return which model the image opened at (0 base, 1..3 the committers), or -1 after recording a failure.
     */
    private static int match(final CrashPoints.Recovered recovered, final Run run, final long acknowledged,
        final List<String> failures, final String where)
    {
        if (recovered.problem() != null)
        {
            failures.add(where + ": " + recovered.problem());
            return -1;
        }
        final Model actual = recovered.content();
        if (actual.revision < acknowledged)
        {
            failures.add(where + ": LOST ACKNOWLEDGED COMMIT: opened at " + actual.revision);
            return -1;
        }
        for (int i = 0; i <= 3; i++)
        {
            if (run.models[i].revision == actual.revision && run.models[i].difference(actual) == null)
            {
                return i;
            }
        }
        failures.add(where + ": opened at revision " + actual.revision + " with content matching no model");
        return -1;
    }
}
