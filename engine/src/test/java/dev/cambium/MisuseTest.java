package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Misuse of the public API must fail with the documented, specific exception: never a
 * NullPointerException or IndexOutOfBoundsException from inside the engine, never a deadlock.
 */
class MisuseTest
{
    private static final byte[] K = bytes("k");
    private static final byte[] V = bytes("v");

    @TempDir
    Path dir;

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Database open()
    {
        return Database.open(dir.resolve("misuse.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build());
    }

    private static <T extends Throwable> T expect(final Class<T> type, final Executable action)
    {
        final T t = assertThrows(type, action);
        assertNotNull(t.getMessage(), "exception without a message: " + t);
        return t;
    }

    private static void expectNpeNaming(final String name, final Executable action)
    {
        final NullPointerException e = assertThrows(NullPointerException.class, action);
        assertEquals(name, e.getMessage(), "NPE should name the parameter '" + name + "'");
    }

    // ------------------------------------------------------------------------------------------- arguments

    @Test
    void shouldRejectNullKeyAndValueNamingTheParameter()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (WriteTransaction w = db.beginWrite())
            {
                final Tree t = w.tree("t");
                expectNpeNaming("key", () -> t.put(null, V));
                expectNpeNaming("value", () -> t.put(K, null));
                expectNpeNaming("key", () -> t.get(null));
                expectNpeNaming("key", () -> t.delete(null));
                expectNpeNaming("key", () -> t.containsKey(null));
                try (Cursor c = t.cursor())
                {
                    expectNpeNaming("key", () -> c.seek(null));
                }
                expectNpeNaming("name", () -> w.createTree(null));
                expectNpeNaming("name", () -> w.tree(null));
            }
            try (ReadTransaction r = db.beginRead())
            {
                final Tree t = r.tree("t");
                expectNpeNaming("key", () -> t.get(null));
                expectNpeNaming("key", () -> t.containsKey(null));
            }
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldRejectEmptyKeyWithIllegalArgument()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (WriteTransaction w = db.beginWrite())
            {
                final Tree t = w.tree("t");
                final byte[] empty = new byte[0];
                expect(IllegalArgumentException.class, () -> t.put(empty, V));
                expect(IllegalArgumentException.class, () -> t.get(empty));
                expect(IllegalArgumentException.class, () -> t.delete(empty));
                expect(IllegalArgumentException.class, () -> t.containsKey(empty));
                expect(IllegalArgumentException.class, () -> w.createTree(""));
                assertEquals(1, t.size(), "a rejected put must not change the tree");
            }
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldRejectKeyRangeOutsideItsBufferWithIllegalArgument()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (ReadTransaction r = db.beginRead(); Cursor c = r.tree("t").cursor())
            {
                final Tree t = r.tree("t");
                final org.agrona.concurrent.UnsafeBuffer key = new org.agrona.concurrent.UnsafeBuffer(K);
                final org.agrona.concurrent.UnsafeBuffer view = new org.agrona.concurrent.UnsafeBuffer(0, 0);
                expect(IllegalArgumentException.class, () -> t.get(key, 1, K.length, view));
                expect(IllegalArgumentException.class, () -> t.get(key, -1, K.length, view));
                expect(IllegalArgumentException.class, () -> t.containsKey(key, K.length, 1));
                expect(IllegalArgumentException.class, () -> c.seek(key, 2, K.length));
                assertTrue(t.get(key, 0, K.length, view), "the whole buffer is a valid range");
                assertTrue(c.seek(key, 0, K.length));
            }
        }
    }

    @Test
    void shouldRejectOverlongKeyNamingTheLimit()
    {
        for (final int pageSize : new int[]{512, 4096})
        {
            final Path file = dir.resolve("limit-" + pageSize + ".cambium");
            try (Database db = Database.open(file, DatabaseOptions.builder().pageSize(pageSize)
                .durability(Durability.NO_SYNC).build()))
            {
                final int limit = Limits.maxKeyLength(pageSize);
                final byte[] atLimit = new byte[limit];
                Arrays.fill(atLimit, (byte)'a');
                final byte[] tooLong = new byte[limit + 1];
                Arrays.fill(tooLong, (byte)'a');
                db.write(txn -> txn.createTree("t").put(atLimit, V));
                try (WriteTransaction w = db.beginWrite())
                {
                    final Tree t = w.tree("t");
                    final String n = String.valueOf(limit);
                    assertTrue(expect(LimitExceededException.class, () -> t.put(tooLong, V)).getMessage().contains(n));
                    assertTrue(expect(LimitExceededException.class, () -> t.get(tooLong)).getMessage().contains(n));
                    assertTrue(expect(LimitExceededException.class, () -> t.delete(tooLong)).getMessage().contains(n));
                    assertTrue(
                        expect(LimitExceededException.class, () -> t.containsKey(tooLong)).getMessage().contains(n));
                    final String longName = "n".repeat(limit + 1);
                    assertTrue(
                        expect(LimitExceededException.class, () -> w.createTree(longName)).getMessage().contains(n));
                    // the key at the limit itself is fine
                    assertTrue(t.containsKey(atLimit));
                    assertEquals(1, t.size());
                }
                try (ReadTransaction r = db.beginRead())
                {
                    final Tree t = r.tree("t");
                    assertTrue(expect(LimitExceededException.class, () -> t.get(tooLong)).getMessage()
                        .contains(String.valueOf(limit)));
                    // bounds of count and seek are positions, not stored keys: over-long and empty are allowed
                    assertEquals(1, t.count(new byte[0], tooLong));
                    try (Cursor c = t.cursor())
                    {
                        assertFalse(c.seek(tooLong));
                        assertTrue(c.seek(new byte[0]));
                    }
                }
                Checks.assertConsistent(db);
            }
        }
    }

    // ------------------------------------------------------------------------------------- read-only trees

    @Test
    void shouldRejectWritesThroughReadTransaction()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (ReadTransaction r = db.beginRead())
            {
                final Tree t = r.tree("t");
                expect(ReadOnlyTransactionException.class, () -> t.put(K, bytes("other")));
                expect(ReadOnlyTransactionException.class, () -> t.delete(K));
                expect(ReadOnlyTransactionException.class, () -> t.put(bytes("new"), V));
                expect(ReadOnlyTransactionException.class, () -> t.delete(bytes("absent")));
                assertEquals("v", new String(t.get(K), StandardCharsets.UTF_8));
                assertFalse(r instanceof WriteTransaction, "a read transaction must not be a WriteTransaction");
            }
            assertEquals("v", new String(db.read(r -> r.tree("t").get(K)), StandardCharsets.UTF_8));
            Checks.assertConsistent(db);
        }
    }

    // ------------------------------------------------------------------------- use after the end of a txn

    private enum Ending
    {
        COMMIT, ROLLBACK, CLOSE
    }

    @Test
    void shouldRejectUseOfWriteTransactionTreeAndCursorAfterItEnds()
    {
        for (final Ending ending : Ending.values())
        {
            try (Database db = Database.open(dir.resolve("ending-" + ending + ".cambium"),
                DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
            {
                db.write(txn -> txn.openOrCreateTree("t").put(K, V));
                final WriteTransaction w = db.beginWrite();
                final Tree t = w.tree("t");
                t.put(bytes("k2"), V);
                final Cursor c = t.cursor();
                assertTrue(c.first());
                switch (ending)
                {
                    case COMMIT:
                        w.commit();
                        break;
                    case ROLLBACK:
                        w.rollback();
                        break;
                    default:
                        w.close();
                }
                assertEndedEverywhere(ending.toString(), w, t, c);
                expect(TransactionClosedException.class, w::commit);
                expect(TransactionClosedException.class, () -> w.createTree("x"));
                expect(TransactionClosedException.class, () -> w.openOrCreateTree("x"));
                expect(TransactionClosedException.class, () -> w.dropTree("t"));
                // ending again is a no-op
                w.rollback();
                w.close();
                c.close();
                // the database still works, and the outcome is what the ending promised
                final boolean committed = ending == Ending.COMMIT;
                final boolean present = db.read(r -> r.tree("t").containsKey(bytes("k2")));
                assertEquals(committed, present, ending.toString());
                db.write(txn -> txn.tree("t").put(bytes("k3"), V));
                Checks.assertConsistent(db);
            }
            catch (final Throwable e)
            {
                throw new AssertionError("after " + ending + ": " + e, e);
            }
        }
    }

    @Test
    void shouldRejectUseOfReadTransactionTreeAndCursorAfterClose()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.openOrCreateTree("t").put(K, V));
            final ReadTransaction r = db.beginRead();
            final Tree t = r.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.first());
            r.close();
            assertEndedEverywhere("read close", r, t, c);
            r.close(); // idempotent
            assertEquals(0, db.stats().openReadTransactions());
            Checks.assertConsistent(db);
        }
    }

    private static void assertEndedEverywhere(final String when, final ReadTransaction txn, final Tree t,
        final Cursor c)
    {
        expect(TransactionClosedException.class, () -> txn.tree("t"));
        expect(TransactionClosedException.class, () -> txn.hasTree("t"));
        expect(TransactionClosedException.class, txn::treeNames);
        expect(TransactionClosedException.class, () -> t.get(K));
        expect(TransactionClosedException.class, () -> t.containsKey(K));
        expect(TransactionClosedException.class, t::size);
        expect(TransactionClosedException.class, () -> t.count(null, null));
        expect(TransactionClosedException.class, t::cursor);
        if (txn instanceof WriteTransaction)
        {
            expect(TransactionClosedException.class, () -> t.put(K, V));
            expect(TransactionClosedException.class, () -> t.delete(K));
        }
        expect(TransactionClosedException.class, c::first);
        expect(TransactionClosedException.class, c::last);
        expect(TransactionClosedException.class, () -> c.seek(K));
        expect(TransactionClosedException.class, c::next);
        expect(TransactionClosedException.class, c::prev);
        expect(TransactionClosedException.class, c::key);
        expect(TransactionClosedException.class, c::value);
        expect(TransactionClosedException.class, c::keyBuffer);
        expect(TransactionClosedException.class, c::valueBuffer);
        assertEquals("t", t.name(), when + ": name() is plain data and stays available");
    }

    @Test
    void shouldRejectSecondCommit()
    {
        try (Database db = open())
        {
            final WriteTransaction w = db.beginWrite();
            w.createTree("t").put(K, V);
            w.commit();
            final long revision = db.revision();
            expect(TransactionClosedException.class, w::commit);
            assertEquals(revision, db.revision());
            // and a commit after rollback
            final WriteTransaction w2 = db.beginWrite();
            w2.tree("t").put(bytes("x"), V);
            w2.rollback();
            expect(TransactionClosedException.class, w2::commit);
            final boolean x = db.read(r -> r.tree("t").containsKey(bytes("x")));
            assertFalse(x);
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldThrowIllegalStateOnClosedCursor()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (ReadTransaction r = db.beginRead())
            {
                final Cursor c = r.tree("t").cursor();
                assertTrue(c.first());
                c.close();
                c.close(); // idempotent
                // the implementation reports a closed cursor with IllegalStateException ("cursor is closed")
                expect(IllegalStateException.class, c::first);
                expect(IllegalStateException.class, c::next);
                expect(IllegalStateException.class, c::key);
                expect(IllegalStateException.class, () -> c.seek(K));
                // the tree is still usable
                assertNotNull(r.tree("t").get(K));
            }
            try (WriteTransaction w = db.beginWrite())
            {
                final Tree t = w.tree("t");
                final Cursor c = t.cursor();
                assertTrue(c.first());
                c.close();
                t.put(bytes("z"), V); // a closed cursor is no longer notified, and must not break the put
                expect(IllegalStateException.class, c::next);
            }
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldThrowIllegalStateFromUnpositionedCursor()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            db.write(txn -> txn.createTree("empty"));
            try (ReadTransaction r = db.beginRead();
                Cursor c = r.tree("t").cursor();
                Cursor e = r.tree("empty").cursor())
            {
                expect(IllegalStateException.class, c::key);
                expect(IllegalStateException.class, c::value);
                expect(IllegalStateException.class, c::keyBuffer);
                expect(IllegalStateException.class, c::valueBuffer);
                assertTrue(c.first());
                assertFalse(c.next(), "one entry only");
                expect(IllegalStateException.class, c::key); // ran off the end: unpositioned
                assertFalse(c.seek(bytes("zzz")));
                expect(IllegalStateException.class, c::value);
                assertFalse(e.first());
                assertFalse(e.last());
                expect(IllegalStateException.class, e::key);
            }
            try (WriteTransaction w = db.beginWrite(); Cursor c = w.tree("t").cursor())
            {
                expect(IllegalStateException.class, c::key);
                expect(IllegalStateException.class, c::value);
            }
            Checks.assertConsistent(db);
        }
    }

    // ------------------------------------------------------------------------------------------- trees

    @Test
    void shouldReportMissingExistingAndDroppedTrees()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            try (ReadTransaction r = db.beginRead())
            {
                expect(NoSuchTreeException.class, () -> r.tree("missing"));
                assertFalse(r.hasTree("missing"));
            }
            try (WriteTransaction w = db.beginWrite())
            {
                expect(NoSuchTreeException.class, () -> w.tree("missing"));
                expect(NoSuchTreeException.class, () -> w.dropTree("missing"));
                expect(TreeExistsException.class, () -> w.createTree("t"));
                w.createTree("fresh");
                expect(TreeExistsException.class, () -> w.createTree("fresh"));
            }
            // drop, then the old handle and its cursor are unusable in that transaction
            try (WriteTransaction w = db.beginWrite())
            {
                final Tree old = w.tree("t");
                final Cursor c = old.cursor();
                assertTrue(c.first());
                w.dropTree("t");
                expect(NoSuchTreeException.class, () -> old.get(K));
                expect(NoSuchTreeException.class, () -> old.put(K, V));
                expect(NoSuchTreeException.class, () -> old.delete(K));
                expect(NoSuchTreeException.class, old::size);
                expect(NoSuchTreeException.class, old::cursor);
                expect(NoSuchTreeException.class, c::next);
                expect(NoSuchTreeException.class, c::key);
                expect(NoSuchTreeException.class, () -> w.tree("t"));
                expect(NoSuchTreeException.class, () -> w.dropTree("t"));
                assertFalse(w.hasTree("t"));
                // recreating gives a new, empty tree; the old handle stays dropped
                final Tree again = w.createTree("t");
                assertEquals(0, again.size());
                assertNull(again.get(K));
                expect(NoSuchTreeException.class, () -> old.get(K));
                w.commit();
            }
            try (ReadTransaction r = db.beginRead())
            {
                assertEquals(0L, r.tree("t").size());
            }
            // a read transaction opened before a drop still sees the tree
            final ReadTransaction before = db.beginRead();
            try
            {
                db.write(txn -> txn.dropTree("t"));
                assertTrue(before.hasTree("t"));
                assertSame(before.tree("t"), before.tree("t"));
                expect(NoSuchTreeException.class, () -> db.read(r -> r.tree("t")));
                Checks.assertConsistent(db); // with the snapshot from before the drop still held
            }
            finally
            {
                before.close();
            }
            Checks.assertConsistent(db);
        }
    }

    // -------------------------------------------------------------------------------------------- files

    @Test
    void shouldRejectFilesThatAreNotDatabases() throws Exception
    {
        final Path random = dir.resolve("random.bin");
        final byte[] noise = new byte[3 * 4096 + 17];
        new Random(42).nextBytes(noise);
        Files.write(random, noise);
        final Path big = dir.resolve("random-big.bin");
        final byte[] bigNoise = new byte[64 * 1024];
        new Random(7).nextBytes(bigNoise);
        Files.write(big, bigNoise);
        final Path text = dir.resolve("notes.txt");
        Files.writeString(text, "This is a text file, not a database.\n".repeat(200));
        final Path shortText = dir.resolve("short.txt");
        Files.writeString(shortText, "hello\n");
        final Path directory = Files.createDirectory(dir.resolve("a-directory"));
        for (final Path p : new Path[]{random, big, text, shortText, directory})
        {
            final NotADatabaseException e = assertThrows(NotADatabaseException.class, () ->
            {
                try (Database db = Database.open(p))
                {
                    fail("opened " + p + " at revision " + db.revision());
                }
            }, p.toString());
            assertTrue(e.getMessage().contains(p.getFileName().toString()),
                "message should name the file: " + e.getMessage());
        }
        // nothing was changed
        assertEquals(noise.length, Files.size(random));
        assertTrue(Arrays.equals(noise, Files.readAllBytes(random)));
        assertEquals("hello\n", Files.readString(shortText));
    }

    @Test
    void shouldRejectTransactionsAfterClose()
    {
        final Database db = open();
        db.write(txn -> txn.createTree("t").put(K, V));
        Checks.assertConsistent(db);
        db.close();
        expect(DatabaseClosedException.class, db::beginRead);
        expect(DatabaseClosedException.class, db::beginWrite);
        expect(DatabaseClosedException.class, () -> db.read(r -> r.tree("t")));
        expect(DatabaseClosedException.class, () -> db.write(w -> w.tree("t")));
        db.close(); // idempotent
        try (Database again = open())
        {
            assertNotNull(again.read(r -> r.tree("t").get(K)));
            Checks.assertConsistent(again);
        }
    }

    // -------------------------------------------------------------------------------------- the writer gate

    @Test
    void shouldRejectSecondWriteTransactionOnSameThreadInsteadOfDeadlocking()
    {
        try (Database db = open())
        {
            final CompletableFuture<Void> f = CompletableFuture.runAsync(() ->
            {
                try (WriteTransaction w = db.beginWrite())
                {
                    w.createTree("t");
                    expect(IllegalStateException.class, db::beginWrite);
                    expect(IllegalStateException.class, () -> db.write(x ->
                    {
                    }));
                    w.commit();
                }
                // after the end, this thread may write again
                db.write(x -> x.tree("t").put(K, V));
            });
            f.orTimeout(30, TimeUnit.SECONDS).join();
            assertNotNull(db.read(r -> r.tree("t").get(K)));
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldMakeSecondWriterWaitUntilFirstTransactionEnds() throws Exception
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t"));
            final WriteTransaction first = db.beginWrite();
            final AtomicLong secondRevision = new AtomicLong(-1);
            final AtomicReference<byte[]> secondSaw = new AtomicReference<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final CountDownLatch started = new CountDownLatch(1);
            final Thread second = new Thread(() ->
            {
                started.countDown();
                try (WriteTransaction w = db.beginWrite())
                {
                    secondRevision.set(w.revision());
                    secondSaw.set(w.tree("t").get(K));
                    w.tree("t").put(bytes("second"), V);
                    w.commit();
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            }, "second-writer");
            second.start();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            // bounded poll: the second thread must park in beginWrite while the first transaction is open
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (second.getState() != Thread.State.WAITING)
            {
                assertTrue(second.isAlive(), "second writer ended while the first was open: " + failure.get());
                assertTrue(System.nanoTime() < deadline, "second writer never blocked; state " + second.getState());
                Thread.onSpinWait();
            }
            assertEquals(-1, secondRevision.get(), "second writer began while the first was open");
            first.tree("t").put(K, V);
            final long firstRevision = first.revision();
            first.commit();
            second.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(second.isAlive(), "second writer still blocked after the first committed");
            if (failure.get() != null)
            {
                throw new AssertionError("second writer failed", failure.get());
            }
            assertEquals(firstRevision + 1, secondRevision.get(), "second writer must build on the first's commit");
            assertNotNull(secondSaw.get(), "second writer must see the first's changes");
            assertEquals(firstRevision + 1, db.revision());
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldRollBackAndPropagateWhenWriteWorkThrows()
    {
        try (Database db = open())
        {
            db.write(txn -> txn.createTree("t").put(K, V));
            final long revision = db.revision();
            final RuntimeException boom = new RuntimeException("boom");
            final RuntimeException thrown = assertThrows(RuntimeException.class, () -> db.write(txn ->
            {
                txn.tree("t").put(bytes("ghost"), V);
                txn.tree("t").delete(K);
                txn.createTree("ghost-tree");
                throw boom;
            }));
            assertSame(boom, thrown);
            assertEquals(revision, db.revision());
            try (ReadTransaction r = db.beginRead())
            {
                assertNull(r.tree("t").get(bytes("ghost")));
                assertNotNull(r.tree("t").get(K));
                assertFalse(r.hasTree("ghost-tree"));
            }
            // the gate was released: the same thread can write again
            db.write(txn -> txn.tree("t").put(bytes("after"), V));
            assertEquals(revision + 1, db.revision());
            // an Error propagates the same way
            final AssertionError err = new AssertionError("err");
            assertSame(err, assertThrows(AssertionError.class, () -> db.write(txn ->
            {
                txn.tree("t").put(bytes("ghost2"), V);
                throw err;
            })));
            assertNull(db.read(r -> r.tree("t").get(bytes("ghost2"))));
            // a transaction ended by the work itself is left alone
            db.write(WriteTransaction::rollback);
            assertEquals(revision + 1, db.revision());
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldFailReadsOfReadTransactionOpenAcrossDatabaseCloseWithDatabaseClosed()
    {
        final Database db = open();
        db.write(txn -> txn.createTree("t").put(K, V));
        final ReadTransaction r = db.beginRead();
        try
        {
            final Tree t = r.tree("t");
            final Cursor c = t.cursor();
            assertTrue(c.first());
            Checks.assertConsistent(db); // the read transaction is still open: it is counted
            db.close();
            // the file is closed: reading further pages must fail cleanly, never crash or read garbage
            final Throwable thrown = assertThrows(Throwable.class, () -> t.get(bytes("other")));
            assertTrue(thrown instanceof DatabaseClosedException,
                "expected DatabaseClosedException, got " + thrown);
            expect(DatabaseClosedException.class, c::first);
        }
        finally
        {
            r.close();
            db.close();
        }
    }

    @Test
    void shouldLetAnotherThreadEndTheWriteTransaction() throws Exception
    {
        try (Database db = open())
        {
            final WriteTransaction w = db.beginWrite();
            w.createTree("t").put(K, V);
            CompletableFuture.runAsync(w::commit).orTimeout(30, TimeUnit.SECONDS).join();
            assertNotNull(db.read(r -> r.tree("t").get(K)));
            // the beginning thread may write again, and so may another thread
            db.write(txn -> txn.tree("t").put(bytes("again"), V));
            CompletableFuture.runAsync(() -> db.write(txn -> txn.tree("t").put(bytes("other"), V)))
                .orTimeout(30, TimeUnit.SECONDS).join();
            assertEquals(3L, (long)db.read(r -> r.tree("t").size()));
            Checks.assertConsistent(db);
        }
    }
}
