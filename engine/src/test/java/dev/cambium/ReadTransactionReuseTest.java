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
