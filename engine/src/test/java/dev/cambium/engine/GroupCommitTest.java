package dev.cambium.engine;

import dev.cambium.CheckReport;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.StorageException;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.ForwardingStorage;
import dev.cambium.engine.store.MetaCodec;
import dev.cambium.engine.txn.ReadTxn;
import dev.cambium.engine.txn.WriteTxn;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit through the engine (docs/design.md section 3, "Group commit"): concurrent durable commits share
 * forces, each returns only once durable, readers see only durable revisions, and a failed batch fails all its
 * commits. The storage under the engine records which meta revision each force made durable.
 */
class GroupCommitTest
{
    private static final String TREE = "t";
    private static final int PAGE = 4096;
    private static final Duration LIMIT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    @AfterEach
    void disarm()
    {
        Failpoint.disarmAll();
    }

    /** A file whose meta writes and forces are watched: {@link #durableRevision} is the newest meta a force covered. */
    private static final class WatchedStorage extends ForwardingStorage
    {
        volatile long writtenMeta;
        volatile long durableRevision;
        volatile boolean failForces;
        volatile boolean failPageWrites;
        /** Data page writes (not meta pages) since open. */
        final java.util.concurrent.atomic.AtomicInteger pageWrites = new java.util.concurrent.atomic.AtomicInteger();

        WatchedStorage(final Path file)
        {
            super(FileStorage.open(file));
        }

        @Override
        public void write(final ByteBuffer src, final long position)
        {
            if ((position == 0 || position == PAGE) && src.remaining() >= 256)
            {
                writtenMeta = src.duplicate().order(ByteOrder.LITTLE_ENDIAN)
                    .getLong(src.position() + MetaCodec.REVISION_OFFSET);
            }
            else
            {
                if (failPageWrites)
                {
                    throw new StorageException("injected page write failure at offset " + position);
                }
                pageWrites.incrementAndGet();
            }
            super.write(src, position);
        }

        @Override
        public void force(final boolean metadata)
        {
            final long covered = writtenMeta;
            if (failForces)
            {
                throw new StorageException("injected force failure");
            }
            super.force(metadata);
            durableRevision = Math.max(durableRevision, covered);
        }
    }

    private static DatabaseOptions options()
    {
        return DatabaseOptions.builder().durability(Durability.SYNC).pageSize(PAGE).build();
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(final Engine engine, final String key)
    {
        final WriteTxn txn = engine.beginWrite();
        txn.openOrCreateTree(TREE).put(bytes(key), bytes("v-" + key));
        txn.commit();
    }

    private static byte[] get(final Engine engine, final String key)
    {
        try (ReadTxn txn = engine.beginRead())
        {
            return txn.hasTree(TREE) ? txn.tree(TREE).get(bytes(key)) : null;
        }
    }

    private static void awaitWritten(final Engine engine, final long revision)
    {
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        while (engine.writtenRevision() < revision)
        {
            assertTrue(System.nanoTime() < deadline, "revision " + revision + " never queued");
            Thread.onSpinWait();
        }
    }

    private static Thread committer(final Engine engine, final String key, final List<Throwable> failures)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                put(engine, key);
            }
            catch (final RuntimeException | Error e)
            {
                failures.add(e);
            }
        }, "committer-" + key);
        t.start();
        return t;
    }

    @Test
    void shouldShareOnePairOfForcesAmongCommitsQueuedWhileABatchIsForced() throws Exception
    {
        final Path file = dir.resolve("batch.cambium");
        final WatchedStorage storage = new WatchedStorage(file);
        final Engine engine = Engine.open(storage, options());
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try
        {
            put(engine, "first");
            final long r0 = engine.revision();
            final long batches0 = engine.commitBatches();
            final Hold hold = Action.hold();
            Failpoint.BEFORE_DATA_FORCE.arm(hold, 0, 1);
            final Thread a = committer(engine, "a", failures);
            assertTrue(hold.awaitReached(LIMIT));
            final Thread b = committer(engine, "b", failures);
            final Thread c = committer(engine, "c", failures);
            awaitWritten(engine, r0 + 3);
            // Three revisions written, none durable: readers still get r0 and see none of them.
            assertEquals(r0, engine.revision());
            assertNull(get(engine, "a"));
            assertEquals(r0, storage.durableRevision);
            hold.release();
            a.join();
            b.join();
            c.join();
            assertEquals(List.of(), failures);
            assertEquals(r0 + 3, engine.revision());
            assertEquals(2, engine.commitBatches() - batches0, "a's batch, then one batch for b and c");
            assertEquals(r0 + 3, storage.durableRevision);
        }
        finally
        {
            engine.close();
        }
        try (Engine reopened = Engine.open(file, options()))
        {
            assertEquals(engine.revision(), reopened.revision());
            for (final String k : List.of("first", "a", "b", "c"))
            {
                assertArrayEquals(bytes("v-" + k), get(reopened, k), k);
            }
            assertTrue(reopened.check().ok(), reopened.check().problems()::toString);
        }
    }

    @Test
    void shouldFailEveryCommitOfAFailedBatchAndRefuseWritesUntilReopened() throws Exception
    {
        final Path file = dir.resolve("failed.cambium");
        final WatchedStorage storage = new WatchedStorage(file);
        final Engine engine = Engine.open(storage, options());
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final long r0;
        try
        {
            put(engine, "first");
            r0 = engine.revision();
            final Hold hold = Action.hold();
            Failpoint.BEFORE_DATA_FORCE.arm(hold, 0, 1);
            final Thread a = committer(engine, "a", failures);
            assertTrue(hold.awaitReached(LIMIT));
            final Thread b = committer(engine, "b", failures);
            final Thread c = committer(engine, "c", failures);
            awaitWritten(engine, r0 + 3);
            storage.failForces = true;
            hold.release();
            a.join();
            b.join();
            c.join();
            assertEquals(3, failures.size(), failures::toString);
            failures.forEach(f -> assertInstanceOf(StorageException.class, f));
            assertEquals(r0, engine.revision());
            assertNull(get(engine, "a"));
            assertThrows(StorageException.class, engine::beginWrite, "writes refused after a failed batch");
            final CheckReport report = engine.check();
            assertTrue(report.ok(), report.problems()::toString);
        }
        finally
        {
            engine.close();
        }
        try (Engine reopened = Engine.open(file, options()))
        {
            // The batch's one force came after its meta write (the meta lists the unforced pages), so the file in
            // the page cache holds the batch whose commit reported failure, as after a failed meta force.
            assertEquals(r0 + 1, reopened.revision(), "the meta was written before the force that failed");
            assertArrayEquals(bytes("v-a"), get(reopened, "a"));
            put(reopened, "after");
            assertTrue(reopened.check().ok());
        }
    }

    /**
     * Commits queued behind a batch in flight leave their pages over reclaimed pages to the next leader
     * ({@code DeferredPages}); if the leader cannot write them, the batch fails, and since later revisions may
     * already build on it, the database refuses writes until reopened.
     */
    @Test
    void shouldFailTheBatchAndRefuseWritesWhenTheLeaderCannotWriteThePagesLeftToIt() throws Exception
    {
        final Path file = dir.resolve("leader-write.cambium");
        final WatchedStorage storage = new WatchedStorage(file);
        final Engine engine = Engine.open(storage, DatabaseOptions.builder().durability(Durability.SYNC)
            .pageSize(PAGE).backgroundCleaner(false).build());
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        final long held;
        try
        {
            // Pages this process wrote, then freed and reclaimed: what a later commit reuses, over data.
            for (int i = 0; i < 20; i++)
            {
                put(engine, "k" + i);
            }
            engine.runCleaner();
            final Hold hold = Action.hold();
            Failpoint.BEFORE_DATA_FORCE.arm(hold, 0, 1);
            final Thread a = committer(engine, "a", failures);
            assertTrue(hold.awaitReached(LIMIT));
            held = engine.writtenRevision();
            final int writesBeforeQueue = storage.pageWrites.get();
            final Thread b = committer(engine, "b", failures);
            final Thread c = committer(engine, "c", failures);
            awaitWritten(engine, held + 2);
            assertEquals(writesBeforeQueue, storage.pageWrites.get(),
                "b and c left every page to the leader: each reused a reclaimed page");
            storage.failPageWrites = true;
            hold.release();
            a.join();
            b.join();
            c.join();
            assertEquals(2, failures.size(), failures::toString);
            failures.forEach(f -> assertInstanceOf(StorageException.class, f));
            assertEquals(held, engine.revision(), "a's batch is durable, b and c's failed");
            assertNull(get(engine, "b"));
            storage.failPageWrites = false;
            final StorageException refused = assertThrows(StorageException.class, engine::beginWrite);
            assertTrue(refused.getMessage().contains("a group commit failed writing its pages"),
                refused.getMessage());
        }
        finally
        {
            engine.close();
        }
        try (Engine reopened = Engine.open(file, options()))
        {
            assertEquals(held, reopened.revision());
            assertArrayEquals(bytes("v-a"), get(reopened, "a"));
            assertNull(get(reopened, "c"));
            put(reopened, "after");
            assertTrue(reopened.check().ok(), reopened.check().problems()::toString);
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedCommitAndNeverShowAReaderAnUndurableRevision() throws Exception
    {
        final Path file = dir.resolve("many.cambium");
        final WatchedStorage storage = new WatchedStorage(file);
        final Engine engine = Engine.open(storage, options());
        final int threads = 4;
        final int commitsEach = 40;
        final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        final AtomicReference<String> violation = new AtomicReference<>();
        final AtomicBoolean writing = new AtomicBoolean(true);
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long reads = 0;
        try
        {
            put(engine, "first");
            final long commits0 = engine.commits();
            final Thread reader = new Thread(() ->
            {
                while (writing.get())
                {
                    try (ReadTxn txn = engine.beginRead())
                    {
                        final long durable = storage.durableRevision; // read after the pin
                        if (txn.revision() > durable)
                        {
                            violation.compareAndSet(null, "a reader got revision " + txn.revision() +
                                " while the newest durable meta was " + durable);
                        }
                    }
                }
            }, "reader");
            reader.start();
            final List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int id = t;
                final Thread w = new Thread(() ->
                {
                    try
                    {
                        for (int i = 0; i < commitsEach; i++)
                        {
                            final String key = id + "/" + i;
                            put(engine, key);
                            acknowledged.add(key);
                            if (get(engine, key) == null)
                            {
                                violation.compareAndSet(null, "acknowledged " + key + " not visible to a new reader");
                            }
                        }
                    }
                    catch (final RuntimeException | Error e)
                    {
                        failures.add(e);
                    }
                }, "writer-" + t);
                writers.add(w);
                w.start();
            }
            for (final Thread w : writers)
            {
                w.join();
            }
            writing.set(false);
            reader.join();
            assertEquals(List.of(), failures);
            assertNull(violation.get());
            assertEquals(threads * commitsEach, engine.commits() - commits0);
            System.out.println("GroupCommitTest: " + (engine.commits() - commits0) + " commits in " +
                engine.commitBatches() + " batches (including the first commit)");
        }
        finally
        {
            engine.close();
        }
        try (Engine reopened = Engine.open(file, options()))
        {
            assertEquals(threads * commitsEach, acknowledged.size());
            for (final String k : acknowledged)
            {
                assertArrayEquals(bytes("v-" + k), get(reopened, k), k);
            }
            final CheckReport report = reopened.check();
            assertTrue(report.ok(), report.problems()::toString);
        }
    }
}
