package dev.cambium.engine.txn;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which read transactions share a {@link ReadContext}: the next one a thread begins after the last closed, never
 * two open at once; and each reads with its own revision's page limit.
 *
 * <p>In this package to see the transactions' page readers.
 */
class ReadContextTest
{
    @TempDir
    Path dir;

    private Database open()
    {
        return Database.open(dir.resolve("context.cambium"), DatabaseOptions.builder().pageSize(1024)
            .durability(Durability.NO_SYNC).build());
    }

    /** Adds entries enough to raise the high-water mark. */
    private static void grow(final Database db, final int from)
    {
        db.write(txn ->
        {
            final var t = txn.openOrCreateTree("t");
            for (int i = from; i < from + 200; i++)
            {
                t.put(ByteBuffer.allocate(4).putInt(i).array(), new byte[32]);
            }
        });
    }

    private static void assertReadsItsRevision(final ReadTransaction r)
    {
        final ReadTxn txn = (ReadTxn)r;
        assertEquals(txn.meta().highWater(), txn.pages.pageLimit(), "page limit of revision " + txn.revision());
    }

    @Test
    void shouldGiveTransactionsOpenAtOnceTheirOwnContextAndReuseAClosedOne()
    {
        try (Database db = open())
        {
            grow(db, 0);
            final ReadTransaction outer = db.beginRead();
            grow(db, 1000);
            final ReadTransaction inner = db.beginRead();
            assertTrue(((ReadTxn)inner).meta().highWater() > ((ReadTxn)outer).meta().highWater());
            assertNotSame(((ReadTxn)outer).pages, ((ReadTxn)inner).pages);
            assertReadsItsRevision(outer);
            assertReadsItsRevision(inner);
            final Object innerPages = ((ReadTxn)inner).pages;
            inner.close();
            grow(db, 2000);
            try (ReadTransaction next = db.beginRead())
            {
                assertSame(innerPages, ((ReadTxn)next).pages, "the closed transaction's context is reused");
                assertReadsItsRevision(next);
                assertReadsItsRevision(outer);
            }
            outer.close();
        }
    }

    @Test
    void shouldReuseAContextWhoseTransactionAnotherThreadClosed() throws Exception
    {
        final ExecutorService closer = Executors.newSingleThreadExecutor();
        try (Database db = open())
        {
            grow(db, 0);
            final ReadTransaction first = db.beginRead();
            final Object pages = ((ReadTxn)first).pages;
            closer.submit(first::close).get(10, TimeUnit.SECONDS);
            grow(db, 1000);
            try (ReadTransaction second = db.beginRead())
            {
                assertSame(pages, ((ReadTxn)second).pages);
                assertReadsItsRevision(second);
            }
        }
        finally
        {
            closer.shutdownNow();
        }
    }
    private static CursorImpl cursor(final ReadTransaction r)
    {
        return (CursorImpl)r.tree("t").cursor();
    }

    @Test
    void shouldGiveTheContextsTreeCursorToOneOpenCursorAtATimeAndNeverBackFromAnEndedTransaction()
    {
        try (Database db = open())
        {
            grow(db, 0);
            final ReadTransaction first = db.beginRead();
            final ReadContext context = ((ReadTxn)first).context();
            final CursorImpl a = cursor(first);
            final CursorImpl b = cursor(first);
            assertSame(context.cursor, a.treeCursor(), "the first cursor takes the context's");
            assertNotSame(context.cursor, b.treeCursor(), "a second open cursor has its own");
            b.close();
            assertNotSame(context.cursor, cursor(first).treeCursor(), "b gave back only its own");
            a.close();
            final CursorImpl c = cursor(first);
            assertSame(context.cursor, c.treeCursor(), "given back by a's close");
            first.close(); // c is never closed: the transaction's end frees the context's cursor
            grow(db, 1000);
            try (ReadTransaction second = db.beginRead())
            {
                assertSame(context, ((ReadTxn)second).context());
                final CursorImpl d = cursor(second);
                assertSame(context.cursor, d.treeCursor());
                c.close(); // after its transaction ended: must not free what d holds
                a.close();
                assertNotSame(context.cursor, cursor(second).treeCursor());
                d.close();
                assertSame(context.cursor, cursor(second).treeCursor());
            }
        }
    }

    @Test
    void shouldLeaveTheViewsOfAClosedCursorWhereTheyWereWhenALaterCursorReusesItsTreeCursor()
    {
        try (Database db = open())
        {
            grow(db, 0);
            final ReadTransaction first = db.beginRead();
            final CursorImpl a = cursor(first);
            assertTrue(a.first());
            final DirectBuffer keyView = a.keyBuffer();
            final byte[] firstKey = a.key();
            a.close();
            first.close();
            grow(db, 1000);
            try (ReadTransaction second = db.beginRead())
            {
                final CursorImpl b = cursor(second);
                assertSame(a.treeCursor(), b.treeCursor(), "the same tree cursor, reused");
                assertTrue(b.last());
                assertNotSame(keyView, b.keyBuffer(), "new views for the new cursor");
                final byte[] seen = new byte[keyView.capacity()];
                keyView.getBytes(0, seen);
                assertArrayEquals(firstKey, seen, "the old view did not follow the new cursor");
            }
        }
    }

    @Test
    void shouldUseACatalogEntryOnlyInTheRevisionItWasReadIn()
    {
        try (Database db = open())
        {
            grow(db, 0);
            final long before;
            try (ReadTransaction r = db.beginRead())
            {
                before = r.tree("t").size();
                assertTrue(((ReadTxn)r).context().trees.find("t", r.revision()) >= 0, "remembered");
            }
            try (ReadTransaction r = db.beginRead())
            {
                assertTrue(((ReadTxn)r).context().trees.find("t", r.revision()) >= 0, "same revision: reused");
                assertEquals(before, r.tree("t").size());
            }
            grow(db, 1000);
            try (ReadTransaction r = db.beginRead())
            {
                assertEquals(-1, ((ReadTxn)r).context().trees.find("t", r.revision()), "a new revision");
                assertEquals(before + 200, r.tree("t").size());
            }
        }
    }
}
