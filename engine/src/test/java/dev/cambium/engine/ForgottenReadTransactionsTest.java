package dev.cambium.engine;

import dev.cambium.Checks;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.ReadTransactionInfo;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.txn.ReadTxn;
import dev.cambium.engine.txn.ReaderPin;
import dev.cambium.revision.RevisionNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Forgotten read transactions: released by the cleaner when unreachable (with a warning), reported
 * when older than the maximum age (with where they were opened), and visible in the statistics.
 *
 * <p>Warnings are captured from {@link System.Logger}'s default backend, java.util.logging, under the
 * logger name {@code dev.cambium.engine.Engine}.
 */
class ForgottenReadTransactionsTest
{
    private static final int GC_ATTEMPTS = 200;
    /** In {@link #exchangeAndClose}, one transaction of this many rounds is forgotten. */
    private static final int FORGET_EVERY = 10;

    @TempDir
    Path dir;

    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private Logger julLogger; // held strongly: java.util.logging keeps loggers weakly
    private Handler handler;
    private boolean useParentHandlers;

    @BeforeEach
    void captureWarnings()
    {
        julLogger = Logger.getLogger(Engine.class.getName());
        useParentHandlers = julLogger.getUseParentHandlers();
        handler = new Handler()
        {
            @Override
            public void publish(final LogRecord record)
            {
                if (record.getLevel().intValue() >= Level.WARNING.intValue())
                {
                    warnings.add(record);
                }
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        julLogger.addHandler(handler);
        julLogger.setUseParentHandlers(false);
    }

    @AfterEach
    void restoreLogging()
    {
        julLogger.removeHandler(handler);
        julLogger.setUseParentHandlers(useParentHandlers);
    }

    private Engine openEngine(final DatabaseOptions.Builder options)
    {
        return Engine.open(dir.resolve("readers.cambium"), options.durability(Durability.NO_SYNC).build());
    }

    private Database openDatabase(final DatabaseOptions.Builder options)
    {
        return Database.open(dir.resolve("readers.cambium"), options.durability(Durability.NO_SYNC).build());
    }

    /**
     * Polls for the garbage collector and the cleaner's thread: both are asynchronous and outside our
     * control, so this requests a collection and parks briefly until the condition holds, a bounded
     * number of times. It is not used to synchronise threads of our own.
     */
    private static void awaitGc(final String what, final BooleanSupplier condition)
    {
        for (int i = 0; i < GC_ATTEMPTS; i++)
        {
            if (condition.getAsBoolean())
            {
                return;
            }
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        fail("after " + GC_ATTEMPTS + " collections: " + what);
    }

    /** Begins a read transaction and drops it without closing; in its own frame so no local keeps it. */
    private static long beginAndForget(final Engine engine)
    {
        return engine.beginRead().revision();
    }

    /** As {@link #beginAndForget}; the pin refers to its transaction only through its phantom reference. */
    private static ReaderPin beginAndForgetPin(final Engine engine)
    {
        return engine.beginRead().pin();
    }

    private static String stackTrace(final Throwable t)
    {
        final StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** Warnings about this test's database (a transaction leaked by an earlier test may be logged now). */
    private List<LogRecord> warningsContaining(final String text)
    {
        final String path = dir.toString();
        return warnings.stream()
            .filter(r -> r.getMessage().contains(path) && r.getMessage().contains(text))
            .toList();
    }

    @Test
    void shouldReleaseUnreachableReadTransactionAndWarn()
    {
        try (Engine engine = openEngine(DatabaseOptions.builder().trackReadTransactionOrigins(true)))
        {
            final long revision = beginAndForget(engine);
            assertEquals(1, engine.openReaders());
            assertEquals(1, engine.revisions().pinnedCount());
            assertEquals(revision, engine.oldestPinnedRevision());

            awaitGc("the forgotten read transaction is released",
                () -> engine.revisions().pinnedCount() == 0 && engine.leakedReadTransactions() == 1);

            assertEquals(0, engine.openReaders());
            assertEquals(-1, engine.oldestPinnedRevision());
            assertEquals(0, engine.oldestReaderAgeNanos(System.nanoTime()), "the registry forgot it");
            final List<LogRecord> leaks = warningsContaining("never closed");
            assertEquals(1, leaks.size(), "one warning per leaked transaction: " + warnings);
            assertTrue(leaks.get(0).getMessage().contains("revision " + revision), leaks.get(0).getMessage());
            final Throwable origin = leaks.get(0).getThrown();
            assertNotNull(origin, "the warning carries where the transaction was opened");
            assertTrue(stackTrace(origin).contains("beginAndForget"), stackTrace(origin));
            Checks.assertConsistent(engine);
        }
    }

    @Test
    void shouldReleaseUnreachableReadTransactionWithoutOriginTracking()
    {
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final long revision = beginAndForget(engine);
            awaitGc("the forgotten read transaction is released",
                () -> engine.revisions().pinnedCount() == 0 && engine.leakedReadTransactions() == 1);

            assertEquals(0, engine.openReaders());
            final List<LogRecord> leaks = warningsContaining("never closed");
            assertEquals(1, leaks.size(), warnings::toString);
            assertTrue(leaks.get(0).getMessage().contains("revision " + revision));
            assertTrue(leaks.get(0).getMessage().contains("trackReadTransactionOrigins"),
                "says how to find the origin: " + leaks.get(0).getMessage());
            assertNull(leaks.get(0).getThrown());
            Checks.assertConsistent(engine);
        }
    }

    @Test
    void shouldNotDoubleUnpinWhenClosedNormally()
    {
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final RevisionNode<Meta> head = engine.revisions().head();
            ReadTxn closed = engine.beginRead();
            closed.close();
            closed.close(); // idempotent
            assertEquals(0, head.refCount());
            assertEquals(0, engine.openReaders());
            final WeakReference<ReadTxn> closedRef = new WeakReference<>(closed);
            closed = null;

            // A forgotten witness: once it has been released, the collector and the cleaner's thread
            // have run after the closed transaction became unreachable too.
            beginAndForget(engine);
            awaitGc("the closed transaction is collected and the witness released",
                () -> closedRef.get() == null && engine.leakedReadTransactions() == 1 && head.refCount() == 0);

            assertEquals(1, engine.leakedReadTransactions(), "only the witness leaked, not the closed one");
            assertEquals(0, head.refCount(), "never unpinned twice (never negative)");
            assertEquals(0, engine.openReaders());
            assertEquals(1, warningsContaining("never closed").size(), warnings::toString);
            Checks.assertConsistent(engine);
        }
    }

    /**
     * A close deregisters the pin but does not clear its phantom reference (a native call in Java 17), so the
     * collector may still enqueue it; the release daemon must then leave it alone. Here it is enqueued by hand,
     * while another transaction of the same thread holds a pin on the same revision and stripe: a second release
     * would unpin that one.
     */
    @Test
    void shouldIgnoreAClosedTransactionsPinThatIsEnqueuedLater()
    {
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final RevisionNode<Meta> head = engine.revisions().head();
            try (ReadTxn other = engine.beginRead())
            {
                final ReadTxn closed = engine.beginRead();
                assertSame(head, other.pin().node());
                assertSame(head, closed.pin().node());
                final ReaderPin pin = closed.pin();
                closed.close();
                assertEquals(1, head.refCount());
                assertTrue(pin.isReleased());
                assertTrue(pin.enqueue(), "not cleared by the close, so it can still be enqueued");
                awaitGc("the release daemon takes the enqueued pin", () -> !pin.isEnqueued());
                // The daemon is one thread: once a transaction forgotten after that is released, it has finished
                // with the stale pin too.
                final ReaderPin witness = beginAndForgetPin(engine);
                awaitGc("the forgotten witness is released", witness::isReleased);
                assertEquals(1, engine.leakedReadTransactions(), "only the witness leaked");

                assertEquals(1, head.refCount(), "the other transaction's pin is still held");
                assertEquals(1, engine.openReaders());
                assertEquals(1, warningsContaining("never closed").size(), warnings::toString);
            }
            assertEquals(0, head.refCount());
            assertEquals(0, engine.openReaders());
            Checks.assertConsistent(engine);
        }
    }

    @Test
    void shouldReleaseThePinsOfTransactionsClosedOnAnotherThread() throws InterruptedException
    {
        // Each pin is taken on its beginning thread's refcount stripe and must be released on that stripe, whoever
        // closes it: a release on the closing thread's stripe would throw (no pin there) or leave a stripe pinned.
        final int threads = 2 * dev.cambium.revision.RevisionNode.STRIPES;
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final RevisionNode<Meta> head = engine.revisions().head();
            final ReadTxn[] begun = new ReadTxn[threads];
            final Thread[] beginners = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                final int slot = t;
                beginners[t] = new Thread(() -> begun[slot] = engine.beginRead());
                beginners[t].start();
            }
            for (final Thread b : beginners)
            {
                b.join(); // publishes begun[] to this thread
            }
            assertEquals(threads, head.refCount());
            assertEquals(threads, engine.openReaders());
            for (final ReadTxn txn : begun)
            {
                txn.close();
            }
            assertEquals(0, head.refCount(), "every stripe back to 0");
            assertEquals(0, engine.openReaders());
            assertEquals(0, engine.leakedReadTransactions());
            Checks.assertConsistent(engine);
        }
    }

    /**
     * Two threads lock one registry stripe at once: each begins transactions (linked into its own stripe) and hands
     * them to the other to close (unlinked there), while also closing its own and forgetting some. A lost update of
     * the list would leave a closed registration linked or drop a live one, whose forgotten transaction then is
     * never released.
     */
    @Test
    void shouldKeepTheRegistryIntactWhenThreadsCloseEachOthersTransactions() throws Exception
    {
        final int rounds = 10_000;
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final RevisionNode<Meta> head = engine.revisions().head();
            final SynchronousQueue<ReadTxn> toB = new SynchronousQueue<>();
            final SynchronousQueue<ReadTxn> toA = new SynchronousQueue<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread a = new Thread(() -> exchangeAndClose(engine, true, toB, toA, rounds, failure));
            final Thread b = new Thread(() -> exchangeAndClose(engine, false, toA, toB, rounds, failure));
            a.start();
            b.start();
            a.join();
            b.join();
            assertNull(failure.get());
            final int forgotten = 2 * (rounds / FORGET_EVERY);
            awaitGc("every forgotten transaction is released (none fell out of the registry)",
                () -> engine.leakedReadTransactions() == forgotten && head.refCount() == 0);
            assertEquals(0, engine.openReaders());
            final ReaderPin witness = beginAndForgetPin(engine);
            awaitGc("a transaction forgotten after the exchange is still released", witness::isReleased);
            assertEquals(forgotten + 1, engine.leakedReadTransactions(), "no closed transaction was taken for a leak");
            assertEquals(0, head.refCount());
            Checks.assertConsistent(engine);
        }
    }

    /** Bounded, so that a failure of the other thread fails this one instead of hanging the test. */
    private static void hand(final SynchronousQueue<ReadTxn> out, final ReadTxn txn)
        throws InterruptedException
    {
        if (!out.offer(txn, 60, TimeUnit.SECONDS))
        {
            throw new AssertionError("the other thread stopped taking");
        }
    }

    private static ReadTxn take(final SynchronousQueue<ReadTxn> in) throws InterruptedException
    {
        final ReadTxn txn = in.poll(60, TimeUnit.SECONDS);
        if (txn == null)
        {
            throw new AssertionError("the other thread stopped handing");
        }
        return txn;
    }

    private static void exchangeAndClose(final Engine engine, final boolean handsFirst,
        final SynchronousQueue<ReadTxn> out, final SynchronousQueue<ReadTxn> in,
        final int rounds, final AtomicReference<Throwable> failure)
    {
        try
        {
            for (int i = 0; i < rounds; i++)
            {
                final ReadTxn mine = engine.beginRead();
                final ReadTxn handed = engine.beginRead();
                final ReadTxn theirs;
                if (handsFirst)
                {
                    hand(out, handed);
                    theirs = take(in);
                }
                else
                {
                    theirs = take(in);
                    hand(out, handed);
                }
                theirs.close(); // unlinked from the other thread's stripe while that thread closes its own
                if (i % FORGET_EVERY == 0)
                {
                    beginAndForget(engine); // linked into this thread's stripe while the other unlinks from it
                }
                mine.close();
            }
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
    }

    @Test
    void shouldReleaseForgottenTransactionsOfManyThreadsAndNoClosedOne() throws InterruptedException
    {
        // Threads register in different stripes of the release registry; closes and leaks interleave in each.
        final int threads = 6;
        final int perThread = 50;
        try (Engine engine = openEngine(DatabaseOptions.builder()))
        {
            final RevisionNode<Meta> head = engine.revisions().head();
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        engine.beginRead().close();
                        beginAndForget(engine);
                    }
                });
                workers[t].start();
            }
            for (final Thread w : workers)
            {
                w.join();
            }
            awaitGc("every forgotten read transaction is released",
                () -> engine.leakedReadTransactions() == threads * perThread && head.refCount() == 0);

            assertEquals(threads * perThread, engine.leakedReadTransactions(), "the closed ones are not leaks");
            assertEquals(0, head.refCount(), "each pin released exactly once");
            assertEquals(0, engine.openReaders());
            assertEquals(threads * perThread, warningsContaining("never closed").size());
            Checks.assertConsistent(engine);
        }
    }

    @Test
    void shouldReportOverAgeReadTransactionWithOrigin()
    {
        try (Database db = openDatabase(DatabaseOptions.builder().maxReadTransactionAge(Duration.ofNanos(1))))
        {
            assertTrue(db.checkReadTransactions().isEmpty());
            try (ReadTransaction txn = db.beginRead())
            {
                final List<ReadTransactionInfo> over = db.checkReadTransactions();
                assertEquals(1, over.size(), over::toString);
                final ReadTransactionInfo info = over.get(0);
                assertEquals(txn.revision(), info.revision());
                assertTrue(info.age().toNanos() > 0, info::toString);
                assertNotNull(info.origin());
                assertTrue(info.origin().contains("shouldReportOverAgeReadTransactionWithOrigin"), info.origin());

                final List<LogRecord> ageWarnings = warningsContaining("has been open for");
                assertEquals(1, ageWarnings.size(), warnings::toString);
                assertTrue(stackTrace(ageWarnings.get(0).getThrown())
                    .contains("shouldReportOverAgeReadTransactionWithOrigin"));

                assertEquals(1, db.checkReadTransactions().size(), "still over age");
                db.stats();
                assertEquals(1, warningsContaining("has been open for").size(), "warned once per transaction");
            }
            assertTrue(db.checkReadTransactions().isEmpty(), "closed transactions are not reported");
            assertEquals(0, db.stats().leakedReadTransactions());
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldWarnAboutOverAgeReaderFromCleanerDutyCycleWithoutBeingAsked()
    {
        try (Database db = openDatabase(DatabaseOptions.builder()
            .maxReadTransactionAge(Duration.ofNanos(1)).backgroundCleaner(false)))
        {
            try (ReadTransaction txn = db.beginRead())
            {
                assertTrue(warningsContaining("has been open for").isEmpty());
                db.runCleaner(); // the cleaner's duty cycle checks ages (at most once a second)
                final List<LogRecord> ageWarnings = warningsContaining("has been open for");
                assertEquals(1, ageWarnings.size(), warnings::toString);
                assertTrue(stackTrace(ageWarnings.get(0).getThrown())
                    .contains("shouldWarnAboutOverAgeReaderFromCleanerDutyCycleWithoutBeingAsked"));
            }
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldNotCheckAgesWithoutMaximumAge()
    {
        try (Database db = openDatabase(DatabaseOptions.builder().trackReadTransactionOrigins(true));
            ReadTransaction ignored = db.beginRead())
        {
            assertTrue(db.checkReadTransactions().isEmpty());
            assertTrue(warningsContaining("").isEmpty(), warnings::toString);
            Checks.assertConsistent(db); // the open read transaction is counted
        }
    }

    @Test
    void shouldShowOldestPinnedRevisionAndItsAgeInStats()
    {
        try (Database db = openDatabase(DatabaseOptions.builder().trackReadTransactionOrigins(true)))
        {
            final DatabaseStats idle = db.stats();
            assertEquals(-1, idle.oldestPinnedRevision());
            assertEquals(0, idle.oldestPinnedAgeNanos());

            db.write(w -> w.createTree("t").put(bytes("k"), bytes("1")));
            final ReadTransaction oldest = db.beginRead();
            db.write(w -> w.tree("t").put(bytes("k"), bytes("2")));
            final ReadTransaction newer = db.beginRead();
            assertTrue(newer.revision() > oldest.revision());

            final DatabaseStats both = db.stats();
            assertEquals(oldest.revision(), both.oldestPinnedRevision());
            assertTrue(both.oldestPinnedAgeNanos() > 0, both::toString);
            assertEquals(2, both.openReadTransactions());

            oldest.close();
            final DatabaseStats one = db.stats();
            assertEquals(newer.revision(), one.oldestPinnedRevision());
            assertTrue(one.oldestPinnedAgeNanos() > 0);

            newer.close();
            final DatabaseStats none = db.stats();
            assertEquals(-1, none.oldestPinnedRevision());
            assertEquals(0, none.oldestPinnedAgeNanos());
            assertEquals(0, none.openReadTransactions());
            assertEquals(0, none.leakedReadTransactions());
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldShowOldestPinnedRevisionButNoAgeWhenReadersAreNotTracked()
    {
        try (Database db = openDatabase(DatabaseOptions.builder()))
        {
            try (ReadTransaction txn = db.beginRead())
            {
                final DatabaseStats stats = db.stats();
                assertEquals(txn.revision(), stats.oldestPinnedRevision());
                assertEquals(0, stats.oldestPinnedAgeNanos(), "open times are only tracked on request");
            }
            assertEquals(-1, db.stats().oldestPinnedRevision());
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldValidateReadTransactionOptions()
    {
        final DatabaseOptions.Builder b = DatabaseOptions.builder();
        final NullPointerException npe = assertThrows(NullPointerException.class, () -> b.maxReadTransactionAge(null));
        assertEquals("maxAge", npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.maxReadTransactionAge(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> b.maxReadTransactionAge(Duration.ofSeconds(-1)));

        assertNull(DatabaseOptions.DEFAULTS.maxReadTransactionAge());
        assertFalse(DatabaseOptions.DEFAULTS.trackReadTransactionOrigins());
        assertTrue(DatabaseOptions.builder().trackReadTransactionOrigins(true).build().trackReadTransactionOrigins());

        final DatabaseOptions aged = DatabaseOptions.builder().maxReadTransactionAge(Duration.ofMinutes(5)).build();
        assertEquals(Duration.ofMinutes(5), aged.maxReadTransactionAge());
        assertTrue(aged.trackReadTransactionOrigins(), "a maximum age implies origin tracking");
        assertEquals(Duration.ofMinutes(5), aged.toBuilder().build().maxReadTransactionAge());

        // A maximum age beyond Long.MAX_VALUE nanoseconds saturates instead of overflowing.
        final DatabaseOptions huge = DatabaseOptions.builder().maxReadTransactionAge(Duration.ofSeconds(Long.MAX_VALUE))
            .build();
        try (Engine engine = Engine.open(dir.resolve("huge.cambium"), huge);
            ReadTxn ignored = engine.beginRead())
        {
            assertTrue(engine.checkReaderAges(System.nanoTime()).isEmpty());
            Checks.assertConsistent(engine);
        }
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
