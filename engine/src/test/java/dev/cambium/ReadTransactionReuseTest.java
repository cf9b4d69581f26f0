package dev.cambium;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read transaction reuses the page reader and scratch views of the last one its thread closed
 * ({@code ReadContext}): a closed transaction must not reach the views of the one that reuses them, transactions
 * open at the same time on one thread must each read their own revision, and a transaction closed on another
 * thread must hand its context back safely.
 */
class ReadTransactionReuseTest
{
    private static final int KEYS = 3_000;

    @TempDir
    Path dir;

    private Database open()
    {
        // Small pages so that the tree has branch levels above its leaves, which every commit below rewrites.
        return Database.open(dir.resolve("reuse.cambium"), DatabaseOptions.builder().pageSize(1024)
            .durability(Durability.NO_SYNC).build());
    }

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(8).putInt(i).putInt(~i).array();
    }

    private static byte[] value(final int i, final long generation)
    {
        return ByteBuffer.allocate(16).putLong(generation).putLong(i * 31L + generation).array();
    }

    /** Writes every key with the value of {@code generation}, so that every page of the tree changes. */
    private static void writeGeneration(final Database db, final long generation)
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree("t");
            for (int i = 0; i < KEYS; i++)
            {
                t.put(key(i), value(i, generation));
            }
        });
    }

    @Test
    void shouldRefuseCallsOnAClosedReadTransactionAfterItsThreadBeganTheNextOne()
    {
        try (Database db = open())
        {
            writeGeneration(db, 1);
            final ReadTransaction first = db.beginRead();
            final Tree stale = first.tree("t");
            first.close();
            writeGeneration(db, 2);
            try (ReadTransaction second = db.beginRead())
            {
                final Tree t = second.tree("t");
                final UnsafeBuffer k = new UnsafeBuffer(key(7));
                final UnsafeBuffer v = new UnsafeBuffer(0, 0);
                assertThrows(TransactionClosedException.class, () -> stale.get(key(5)));
                assertThrows(TransactionClosedException.class, () -> stale.get(k, 0, 8, v));
                assertThrows(TransactionClosedException.class, () -> stale.containsKey(key(5)));
                assertThrows(TransactionClosedException.class, () -> stale.containsKey(k, 0, 8));
                assertThrows(TransactionClosedException.class, () -> stale.put(key(5), key(5)));
                assertThrows(TransactionClosedException.class, () -> stale.delete(key(5)));
                assertThrows(TransactionClosedException.class, stale::cursor);
                assertThrows(TransactionClosedException.class, () -> first.tree("t"));
                assertThrows(TransactionClosedException.class, () -> first.hasTree("t"));
                // The stale calls touched nothing of the transaction that reuses their views.
                assertTrue(t.get(k, 0, 8, v));
                final byte[] got = new byte[v.capacity()];
                v.getBytes(0, got);
                assertArrayEquals(value(7, 2), got);
                assertArrayEquals(value(5, 2), t.get(key(5)));
            }
        }
    }

    /** Steps {@code c} from where it stands to the end, checking every entry is of {@code generation}. */
    private static void assertRestIs(final Cursor c, final int from, final long generation)
    {
        int i = from;
        do
        {
            assertArrayEquals(key(i), c.key(), "key " + i);
            assertArrayEquals(value(i, generation), c.value(), "value " + i);
            i++;
        }
        while (c.next());
        assertEquals(KEYS, i, "entries up to the end");
    }

    /** Keys in key order: {@link #key} puts the index first, big-endian. */
    private static Cursor positionedAt(final Tree t, final int i)
    {
        final Cursor c = t.cursor();
        assertTrue(c.seek(key(i)));
        return c;
    }

    @Test
    void shouldRefuseACursorOfAClosedReadTransactionAfterItsThreadBeganTheNextOneAndLeaveTheNewCursorsAlone()
    {
        try (Database db = open())
        {
            writeGeneration(db, 1);
            final ReadTransaction first = db.beginRead();
            final Cursor stale = positionedAt(first.tree("t"), 10);
            final Cursor staleClosed = first.tree("t").cursor();
            first.close();
            writeGeneration(db, 2);
            try (ReadTransaction second = db.beginRead())
            {
                final Tree t = second.tree("t");
                final Cursor c = positionedAt(t, 100);
                assertThrows(TransactionClosedException.class, stale::next);
                assertThrows(TransactionClosedException.class, stale::prev);
                assertThrows(TransactionClosedException.class, stale::first);
                assertThrows(TransactionClosedException.class, stale::last);
                assertThrows(TransactionClosedException.class, stale::key);
                assertThrows(TransactionClosedException.class, stale::value);
                assertThrows(TransactionClosedException.class, stale::keyBuffer);
                assertThrows(TransactionClosedException.class, stale::valueBuffer);
                assertThrows(TransactionClosedException.class, () -> stale.seek(key(3)));
                assertThrows(TransactionClosedException.class, () -> stale.seekFloor(key(3)));
                assertThrows(TransactionClosedException.class, () -> stale.seekLower(key(3)));
                assertThrows(TransactionClosedException.class, () -> stale.seekHigher(key(3)));
                // Closing the stale cursors must not hand anything of theirs to a cursor of this transaction: a
                // cursor opened now must move on its own, not on c's tree cursor.
                stale.close();
                staleClosed.close();
                try (Cursor d = positionedAt(t, 2000))
                {
                    assertArrayEquals(value(2000, 2), d.value());
                    assertArrayEquals(key(100), c.key(), "c did not move with d");
                    assertTrue(c.next());
                    assertArrayEquals(key(2000), d.key(), "d did not move with c");
                    assertTrue(d.next());
                    assertRestIs(c, 101, 2);
                    assertArrayEquals(key(2001), d.key());
                }
                c.close();
            }
        }
    }

    @Test
    void shouldRefuseAClosedCursorWhileALaterCursorOfItsTransactionMoves()
    {
        try (Database db = open())
        {
            writeGeneration(db, 1);
            try (ReadTransaction txn = db.beginRead())
            {
                final Tree t = txn.tree("t");
                final Cursor closed = positionedAt(t, 50);
                closed.close();
                try (Cursor later = positionedAt(t, 60))
                {
                    assertThrows(IllegalStateException.class, closed::next);
                    assertThrows(IllegalStateException.class, closed::first);
                    assertThrows(IllegalStateException.class, () -> closed.seek(key(5)));
                    assertThrows(IllegalStateException.class, closed::keyBuffer);
                    closed.close(); // idempotent, and gives nothing back twice
                    try (Cursor beside = positionedAt(t, 70))
                    {
                        assertTrue(later.last());
                        assertArrayEquals(key(70), beside.key(), "beside did not move with later");
                        assertTrue(beside.prev());
                        assertArrayEquals(key(KEYS - 1), later.key(), "later did not move with beside");
                    }
                    assertTrue(later.first());
                    assertRestIs(later, 0, 1);
                }
            }
        }
    }

    @Test
    void shouldOpenTheTreeOfItsOwnRevisionWhenTheThreadsLastTransactionOpenedItInAnother()
    {
        try (Database db = open())
        {
            writeGeneration(db, 1);
            final int trees = 12; // more than a thread keeps catalog entries for
            db.write(txn ->
            {
                for (int n = 0; n < trees; n++)
                {
                    final Tree x = txn.createTree("x" + n);
                    for (int i = 0; i <= n; i++)
                    {
                        x.put(key(i), value(i, n));
                    }
                }
                txn.createTree("dropped");
            });
            for (int round = 0; round < 3; round++)
            {
                for (int n = 0; n < trees; n++)
                {
                    try (ReadTransaction r = db.beginRead())
                    {
                        assertEquals(n + 1, r.tree("x" + n).size(), "round " + round + ", tree x" + n);
                        assertTrue(r.hasTree("dropped"));
                        assertEquals(KEYS, r.tree("t").size());
                    }
                }
            }
            db.write(txn ->
            {
                txn.tree("x3").put(key(KEYS + 1), value(0, 0));
                txn.tree("t").delete(key(0));
                txn.dropTree("dropped");
            });
            try (ReadTransaction r = db.beginRead())
            {
                assertEquals(5, r.tree("x3").size());
                assertArrayEquals(value(0, 0), r.tree("x3").get(key(KEYS + 1)));
                assertEquals(KEYS - 1, r.tree("t").size());
                assertEquals(null, r.tree("t").get(key(0)));
                assertEquals(5, r.tree("x4").size());
                assertFalse(r.hasTree("dropped"));
                assertThrows(NoSuchTreeException.class, () -> r.tree("dropped"));
            }
        }
    }

    @Test
    void shouldReadItsOwnRevisionInEveryReadTransactionOpenOnOneThread()
    {
        try (Database db = open())
        {
            writeGeneration(db, 1);
            try (ReadTransaction outer = db.beginRead())
            {
                final Tree o = outer.tree("t");
                assertArrayEquals(value(10, 1), o.get(key(10)));
                writeGeneration(db, 2);
                try (ReadTransaction inner = db.beginRead())
                {
                    final Tree i = inner.tree("t");
                    for (int n = 0; n < KEYS; n += 97)
                    {
                        assertArrayEquals(value(n, 2), i.get(key(n)));
                        assertArrayEquals(value(n, 1), o.get(key(n)));
                    }
                }
                writeGeneration(db, 3);
                // The inner transaction's context is free again and now reads a third revision beside the outer.
                try (ReadTransaction next = db.beginRead())
                {
                    assertArrayEquals(value(20, 3), next.tree("t").get(key(20)));
                    assertArrayEquals(value(20, 1), o.get(key(20)));
                }
                assertEquals(KEYS, o.size());
            }
        }
    }

    /**
     * A seeded model: one thread keeps up to four read transactions open at once, begins and closes them in random
     * order (some closed by another thread), and commits a new generation of every value between steps; each
     * transaction must read only values of the generation that was newest when it began.
     */
    @Test
    void shouldReadOnlyItsOwnGenerationWhateverOrderReadTransactionsBeginAndEnd() throws Exception
    {
        final long seed = TestSeeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final ExecutorService closer = Executors.newSingleThreadExecutor();
        try (Database db = open())
        {
            long generation = 1;
            writeGeneration(db, generation);
            final List<ReadTransaction> open = new ArrayList<>();
            final List<Long> generations = new ArrayList<>();
            for (int step = 0; step < 300; step++)
            {
                final int action = random.nextInt(10);
                if (action < 4 && open.size() < 4)
                {
                    open.add(db.beginRead());
                    generations.add(generation);
                }
                else if (action < 7 && !open.isEmpty())
                {
                    final int which = random.nextInt(open.size());
                    final ReadTransaction r = open.remove(which);
                    generations.remove(which);
                    if (random.nextBoolean())
                    {
                        closer.submit(r::close).get(10, TimeUnit.SECONDS);
                    }
                    else
                    {
                        r.close();
                    }
                }
                else if (action < 8)
                {
                    generation++;
                    writeGeneration(db, generation);
                }
                for (int i = 0; i < open.size(); i++)
                {
                    final int k = random.nextInt(KEYS);
                    final byte[] got = open.get(i).tree("t").get(key(k));
                    assertArrayEquals(value(k, generations.get(i)), got,
                        "seed " + seed + ", step " + step + ", transaction " + i + ", key " + k);
                }
            }
            for (final ReadTransaction r : open)
            {
                r.close();
            }
            assertEquals(0, db.stats().openReadTransactions(), "seed " + seed);
        }
        finally
        {
            closer.shutdownNow();
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }
}
