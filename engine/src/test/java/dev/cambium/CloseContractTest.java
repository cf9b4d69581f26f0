package dev.cambium;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link Database#close()} promises: afterwards every call on a transaction, tree or cursor that is still
 * open throws {@link DatabaseClosedException} (closing them stays allowed), {@link Database#stats()} refuses to
 * answer with stale numbers, and concurrent closes run the close once and return only when it is done.
 */
class CloseContractTest
{
    private static final int ENTRIES = 2_000; // several leaves, so a cursor stands inside one

    @TempDir
    Path dir;

    private Database open()
    {
        return Database.open(dir.resolve("close.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build());
    }

    private static byte[] key(final int i)
    {
        return String.format("key-%06d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static void fill(final Database db)
    {
        db.write(txn ->
        {
            final Tree t = txn.createTree("t");
            for (int i = 0; i < ENTRIES; i++)
            {
                t.put(key(i), key(i));
            }
        });
    }

    private static void expectClosed(final String what, final Executable call)
    {
        final DatabaseClosedException e = assertThrows(DatabaseClosedException.class, call,
            what + " after Database.close() must throw DatabaseClosedException");
        assertNotNull(e.getMessage());
    }

    @Test
    void shouldRefuseEveryCallOnReadTransactionTreeAndCursorAfterDatabaseClose()
    {
        final Database db = open();
        fill(db);
        final ReadTransaction r = db.beginRead();
        final Tree t = r.tree("t");
        final Cursor c = t.cursor();
        assertTrue(c.seek(key(10)));
        assertTrue(c.next(), "the cursor stands inside a leaf with entries after it");
        db.close();

        // Steps inside the current leaf read no new page: before the fix, these returned entries.
        expectClosed("Cursor.next", c::next);
        expectClosed("Cursor.prev", c::prev);
        expectClosed("Cursor.key", c::key);
        expectClosed("Cursor.value", c::value);
        expectClosed("Cursor.keyBuffer", c::keyBuffer);
        expectClosed("Cursor.valueBuffer", c::valueBuffer);
        expectClosed("Cursor.first", c::first);
        expectClosed("Cursor.last", c::last);
        expectClosed("Cursor.seek", () -> c.seek(key(5)));
        expectClosed("Tree.get", () -> t.get(key(11)));
        expectClosed("Tree.get(view)",
            () -> t.get(new UnsafeBuffer(key(11)), 0, key(11).length, new UnsafeBuffer(0, 0)));
        expectClosed("Tree.containsKey", () -> t.containsKey(key(11)));
        expectClosed("Tree.size", t::size);
        expectClosed("Tree.count", () -> t.count(key(0), key(100)));
        expectClosed("Tree.cursor", t::cursor);
        expectClosed("ReadTransaction.tree", () -> r.tree("t"));
        expectClosed("ReadTransaction.hasTree", () -> r.hasTree("t"));
        expectClosed("ReadTransaction.treeNames", r::treeNames);

        assertDoesNotThrow(c::close, "closing a cursor after the database is always allowed");
        assertDoesNotThrow(r::close, "closing a transaction after the database is always allowed");
    }

    @Test
    void shouldRefuseStatsAfterClose()
    {
        final Database db = open();
        fill(db);
        assertEquals(1, db.stats().revision());
        db.close();
        expectClosed("Database.stats", db::stats);
    }

    @Test
    void shouldMakeAConcurrentCloseWaitUntilTheDatabaseIsClosed() throws Exception
    {
        final Database db = open();
        fill(db);
        final WriteTransaction w = db.beginWrite(); // the first close must wait for it
        final Thread first = new Thread(db::close, "first-close");
        first.start();
        awaitWaiting(first);
        final Thread second = new Thread(db::close, "second-close");
        second.start();
        // A second close that returned now would let its caller reopen the file while the first still has it.
        awaitWaitingOrTerminated(second);
        assertTrue(second.isAlive(), "the second close returned while the first was still closing");

        w.rollback(); // lets the first close finish, which releases the second
        first.join(TimeUnit.SECONDS.toMillis(30));
        second.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(first.isAlive());
        assertFalse(second.isAlive());

        try (Database again = open()) // the file (and its lock) was released exactly once, cleanly
        {
            assertEquals(ENTRIES, (long)again.read(r -> r.tree("t").size()));
            Checks.assertConsistent(again);
        }
    }

    @Test
    void shouldLetTheWritingThreadCloseTwiceWithoutWaitingForItself() throws Exception
    {
        final Database db = open();
        fill(db);
        final CompletableFuture<Void> done = CompletableFuture.runAsync(() ->
        {
            final WriteTransaction w = db.beginWrite();
            db.close(); // does not wait for w: this thread holds it
            db.close(); // must not wait for the first close either
            expectClosed("Tree.put in the open write transaction", () -> w.tree("t").put(key(1), key(2)));
            w.rollback();
        });
        done.get(30, TimeUnit.SECONDS);
        try (Database again = open())
        {
            assertEquals(ENTRIES, (long)again.read(r -> r.tree("t").size()));
        }
    }

    private static void awaitWaiting(final Thread t) throws InterruptedException
    {
        awaitState(t, false);
    }

    private static void awaitWaitingOrTerminated(final Thread t) throws InterruptedException
    {
        awaitState(t, true);
    }

    /** Waits (without sleeping a guessed time) until the thread parks, or, if allowed, ends. */
    private static void awaitState(final Thread t, final boolean orTerminated) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            final Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING
                || orTerminated && s == Thread.State.TERMINATED)
            {
                return;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        throw new AssertionError(t.getName() + " never reached the expected state; it is " + t.getState());
    }
}
