package dev.cambium.fault;

import dev.cambium.Database;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.cambium.fault.FaultFixtures.TIMEOUT_S;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.key;
import static dev.cambium.fault.FaultFixtures.options;
import static dev.cambium.fault.FaultFixtures.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures inside the cleaner's hand-off of reclaimed pages to the writer ({@link Failpoint#CLEANER_HANDOFF}, hit
 * before each group of pages enters the queue): no page is lost (once the cleaner runs again every obsolete page
 * becomes free) and none is handed out twice; {@code check()} stays clean; an exception is counted in
 * {@link DatabaseStats#cleanerErrors()}; and a cleaner held in the middle of a hand-off blocks neither readers nor
 * the writer.
 */
@ExtendWith(FaultFixtures.DisarmFailpoints.class)
class CleanerHandOffFailpointTest
{
    private static final int KEYS = 800;

    @TempDir
    Path dir;

    /** Commits that each rewrite a different slice of the keys, so obsolete pages come in many groups. */
    private static void churn(final Database db, final int commits)
    {
        db.write(w ->
        {
            for (int i = 0; i < KEYS; i++)
            {
                w.openOrCreateTree("t").put(key(i), value(i, 0));
            }
        });
        for (int c = 1; c <= commits; c++)
        {
            final int version = c;
            db.write(w ->
            {
                for (int i = version % 4; i < KEYS; i += 1 + version % 3)
                {
                    w.tree("t").put(key(i), value(i, version));
                }
            });
        }
    }

    @Test
    void shouldLoseNoPageAndHandNoneOutTwiceWhenTheHandOffThrows()
    {
        try (Database db = Database.open(dir.resolve("throw.cambium"), options(Durability.NO_SYNC)))
        {
            churn(db, 6);
            final DatabaseStats before = db.stats();
            final long obsolete = before.pendingPages();
            assertTrue(obsolete > 0, "the churn made pages obsolete");
            final long hits = Failpoint.CLEANER_HANDOFF.hits();

            // The second group of the hand-off throws: the first is handed over, the rest stay with the cleaner.
            Failpoint.CLEANER_HANDOFF.arm(Action.throwing(), 1, 1);
            db.runCleaner();
            Failpoint.CLEANER_HANDOFF.disarm();
            assertEquals(hits + 2, Failpoint.CLEANER_HANDOFF.hits(), "the first group passed, the second threw");
            assertClean(db.check(), "after the failed hand-off"); // check() drains what was handed over
            final DatabaseStats failed = db.stats();
            assertEquals(before.cleanerErrors() + 1, failed.cleanerErrors(), "the failure is counted");
            final long firstGroup = failed.pagesReclaimed() - before.pagesReclaimed();
            assertTrue(firstGroup > 0 && firstGroup < obsolete, "part handed over: " + firstGroup + " of " + obsolete);
            assertEquals(before.freePages() + firstGroup, failed.freePages());
            assertEquals(obsolete - firstGroup, failed.pendingPages());

            // Nothing else changed (same live revisions), yet the next cycle finishes the interrupted hand-off.
            db.runCleaner();
            db.runCleaner();
            assertClean(db.check(), "after the cleaner ran again");
            final DatabaseStats after = db.stats();
            assertEquals(0, after.pendingPages(), "no obsolete page is lost");
            assertEquals(obsolete, after.pagesReclaimed() - before.pagesReclaimed(),
                "every obsolete page handed over exactly once");
            assertEquals(before.freePages() + obsolete, after.freePages());
            assertEquals(failed.cleanerErrors(), after.cleanerErrors());

            churn(db, 3); // reuses the pages
            db.runCleaner();
            assertClean(db.check(), "after reuse");
            System.out.printf("failpoints: CLEANER_HANDOFF x THROW: %d of %d obsolete pages handed over before the " +
                "failure, the rest on the next cycle, none twice; cleanerErrors %d%n", firstGroup, obsolete,
                after.cleanerErrors());
        }
    }

    @Test
    void shouldBlockNeitherReadersNorTheWriterWhileTheHandOffIsHeld() throws Exception
    {
        final ExecutorService cleanerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "held-cleaner"));
        final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "reader-and-writer"));
        try (Engine engine = Engine.open(dir.resolve("delay.cambium"), options(Durability.NO_SYNC)))
        {
            final FaultFixtures.Shape shape = new FaultFixtures.Shape(KEYS);
            shape.commit(engine, 0);
            shape.commit(engine, 1);
            final BitSet pendingBefore = pending(engine);
            assertFalse(pendingBefore.isEmpty());

            final Hold hold = Action.hold();
            Failpoint.CLEANER_HANDOFF.arm(hold, 0, 1);
            final Future<Integer> cleaning = cleanerThread.submit(engine::runCleaner);
            assertTrue(hold.awaitReached(Duration.ofSeconds(TIMEOUT_S)), "the cleaner never reached the hand-off");
            try
            {
                // The writer commits and a reader reads while the cleaner is parked inside the hand-off.
                other.submit(() -> shape.commit(engine, 2)).get(TIMEOUT_S, TimeUnit.SECONDS);
                other.submit(() ->
                {
                    try (ReadTransaction r = engine.beginRead())
                    {
                        shape.assertVersion(r, 2, "reader while the hand-off is held");
                    }
                }).get(TIMEOUT_S, TimeUnit.SECONDS);
                assertFalse(cleaning.isDone(), "the cleaner went on while held");
            }
            finally
            {
                hold.release();
            }
            cleaning.get(TIMEOUT_S, TimeUnit.SECONDS);
            Failpoint.CLEANER_HANDOFF.disarm();

            // Exactly the pages pending before the held cycle arrive, each once; then the commit's, each once.
            final BitSet pendingAfterCommit = pending(engine);
            final BitSet first = drainRecording(engine);
            assertEquals(pendingBefore, first, "the held hand-off delivered exactly the pages pending before it");
            engine.runCleaner();
            final BitSet second = drainRecording(engine);
            assertFalse(second.intersects(first), "a page handed out twice");
            final BitSet all = (BitSet)first.clone();
            all.or(second);
            assertEquals(pendingAfterCommit, all, "every obsolete page handed over");
            assertTrue(pending(engine).isEmpty(), "nothing left pending");
            assertEquals(0, engine.cleaner().errorCount());
            assertClean(engine, "after the held hand-off");
            shape.commit(engine, 3);
            engine.runCleaner();
            assertClean(engine, "after reuse");
            System.out.printf("failpoints: CLEANER_HANDOFF x DELAY: cleaner held in the hand-off while a commit and " +
                "a reader ran; %d + %d pages then handed over, each once%n", first.cardinality(),
                second.cardinality());
        }
        finally
        {
            cleanerThread.shutdownNow();
            other.shutdownNow();
        }
    }

    /** Unused but not yet free: obsolete pages the writer has not been handed. Call with no write open. */
    private static BitSet pending(final Engine engine)
    {
        final BitSet p = engine.freeSpace().unusedSnapshot();
        p.andNot(engine.freeSpace().freeSnapshot());
        return p;
    }

    /** Drains the hand-off as the writer does, recording each page; fails on a page delivered twice. */
    private static BitSet drainRecording(final Engine engine)
    {
        final BitSet seen = new BitSet();
        engine.reclaimer().drain(id ->
        {
            assertFalse(seen.get((int)id), "page " + id + " delivered twice in one drain");
            seen.set((int)id);
            engine.freeSpace().reusable(id);
        });
        return seen;
    }
}
