package dev.cambium.fault;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.cleaner.PageReclaimer;
import dev.cambium.engine.InternalOptions;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.cambium.fault.FaultFixtures.TIMEOUT_S;
import static dev.cambium.fault.FaultFixtures.key;
import static dev.cambium.fault.FaultFixtures.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer that would grow the file while pages are pending waits for the background cleaner to hand them over
 * (docs/design.md section 6, "Waiting for the cleaner instead of growing"): with the cleaner held inside its
 * hand-off, the writer parks in the wait, and once the cleaner goes on the writer reuses the pages instead of growing
 * the file. And the wait is for the cleaner's own work only, never for a reader.
 */
@ExtendWith(FaultFixtures.DisarmFailpoints.class)
class CleanerWaitTest
{
    private static final int KEYS = 6_000;

    @TempDir
    Path dir;

    /** A background cleaner, and a wait long enough that only the cleaner can end it in a passing run. */
    private static DatabaseOptions options()
    {
        return InternalOptions.cleanerWait(
            DatabaseOptions.builder().pageSize(1024).durability(Durability.NO_SYNC).growth(1024, 64 * 1024),
            Duration.ofMinutes(2)).build();
    }

    /** Rewrites every key: every leaf is copied, and every old leaf becomes obsolete. */
    private static void rewriteAll(final Database db, final int version)
    {
        db.write(w ->
        {
            for (int i = 0; i < KEYS; i++)
            {
                w.openOrCreateTree("t").put(key(i), value(i, version));
            }
        });
    }

    /** Commits empty transactions (each takes what the cleaner handed off) until no page is pending. */
    private static void awaitNothingPending(final Database db)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (db.stats().pendingPages() > 0)
        {
            assertTrue(System.nanoTime() < deadline, "pages stayed pending: " + db.stats());
            db.write(w -> w.openOrCreateTree("t"));
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldWaitForALaggingCleanerAndReuseItsPagesInsteadOfGrowingTheFile() throws Exception
    {
        final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "writer"));
        try (Database db = Database.open(dir.resolve("wait.cambium"), options()))
        {
            rewriteAll(db, 1);
            awaitNothingPending(db);
            final Hold hold = Action.hold();
            Failpoint.CLEANER_HANDOFF.arm(hold, 0, 1);
            rewriteAll(db, 2);
            assertTrue(hold.awaitReached(Duration.ofSeconds(TIMEOUT_S)), "the cleaner never reached the hand-off");
            final long pending = db.stats().pendingPages();
            final long highWater = db.stats().pageCount();
            assertTrue(pending >= 128,
                "the second version's commit left the first version's leaves pending: " + pending);

            final AtomicReference<Thread> writerThread = new AtomicReference<>();
            final Future<?> third = writer.submit(() ->
            {
                writerThread.set(Thread.currentThread());
                rewriteAll(db, 3);
            });
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (writerThread.get() == null || !(LockSupport.getBlocker(writerThread.get()) instanceof PageReclaimer))
            {
                assertTrue(System.nanoTime() < deadline, "the writer never waited for the cleaner");
                assertTrue(!third.isDone(), "the third version committed without waiting for the cleaner: " +
                    db.stats());
                Thread.onSpinWait();
            }
            hold.release();
            third.get(TIMEOUT_S, TimeUnit.SECONDS);

            // Without the wait it would grow by about as many pages as were pending; a page or two may still come from
            // the end (the commit's last allocations, after the one wait per transaction).
            final long grown = db.stats().pageCount() - highWater;
            assertTrue(grown < 8, "the third version grew the file from " + highWater + " by " + grown +
                " pages instead of reusing the " + pending + " pages the cleaner handed over");
            try (ReadTransaction r = db.beginRead())
            {
                assertEquals(KEYS, r.tree("t").size());
                assertEquals(3, r.tree("t").get(key(KEYS - 1))[0]);
            }
        }
        finally
        {
            writer.shutdownNow();
        }
    }

    @Test
    void shouldNotWaitForAReaderThatPinsThePendingPages()
    {
        try (Database db = Database.open(dir.resolve("reader.cambium"), options()))
        {
            rewriteAll(db, 1);
            try (ReadTransaction pinned = db.beginRead())
            {
                // Every commit needs new pages while the pinned reader holds the old ones: each waits only until the
                // cleaner has looked at the newest revision, not for the reader (which would take the 2-minute wait
                // per commit). The bound is a guard against that hang, not a speed limit.
                assertTimeoutPreemptively(Duration.ofSeconds(TIMEOUT_S), () ->
                {
                    for (int v = 2; v <= 6; v++)
                    {
                        rewriteAll(db, v);
                    }
                });
                assertEquals(1, pinned.tree("t").get(key(0))[0], "the reader still sees its revision");
            }
        }
    }
}
