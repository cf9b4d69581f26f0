package dev.cambium;

import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.InjectedFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tail truncation (docs/design.md, "Shrinking the file"): a commit lowers the high-water mark over free pages at the
 * end of the file, a later commit (or close) truncates the file above both meta slots' marks, and a reader pinned to
 * an older revision keeps every page it can see readable and holds the truncation back. The cleaner is run by hand
 * so every step is deterministic; every commit is checked ({@code checkEveryCommit}).
 */
class ShrinkTest
{
    private static final int PAGE = 1024;

    @TempDir
    Path dir;

    private Database db;

    @AfterEach
    void tearDown()
    {
        Checks.checkAndClose(db);
    }

    private Path file()
    {
        return dir.resolve("shrink.cambium");
    }

    private Database open()
    {
        return Database.open(file(), DatabaseOptions.builder().pageSize(PAGE).durability(Durability.SYNC)
            .growth(4096, 16 * 1024).backgroundCleaner(false).checkEveryCommit(true).build());
    }

    static byte[] key(final int i)
    {
        return ByteBuffer.allocate(8).putInt(0x4B455900).putInt(i).array();
    }

    static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[60];
        Arrays.fill(v, (byte)(i * 31 + version));
        return v;
    }

    private void load(final String tree, final int n)
    {
        for (int start = 0; start < n; start += 500)
        {
            final int s = start;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree(tree);
                for (int i = s; i < Math.min(n, s + 500); i++)
                {
                    t.put(key(i), value(i, 1));
                }
            });
        }
    }

    private void touch(final int i)
    {
        db.write(txn -> txn.openOrCreateTree("keep").put(key(i), value(i, 2)));
    }

    private void assertKeep(final ReadTransaction r, final int n)
    {
        final Tree t = r.tree("keep");
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++)
        {
            final byte[] v = t.get(key(i));
            assertTrue(v != null, "key " + i + " missing");
        }
    }

    @Test
    void shouldTruncateTheFileAfterTheDataAtItsEndIsDeletedAndFreed() throws IOException
    {
        db = open();
        load("keep", 500);
        load("tail", 3000); // written after "keep": its pages lie at the end of the file
        final long highWaterLoaded = db.stats().pageCount();
        final long sizeLoaded = Files.size(file());
        db.write(txn -> txn.dropTree("tail"));
        // The last commits' catalog and free-space map pages also lie at the end: each commit copies them to the
        // lowest free pages, so a few rounds of cleaner + commit empty the end completely.
        long lowered = highWaterLoaded;
        boolean sawLoweredBeforeTruncated = false;
        for (int i = 0; i < 6; i++)
        {
            db.runCleaner();
            final long sizeBefore = Files.size(file());
            final long markBefore = db.stats().pageCount();
            touch(i);
            final long mark = db.stats().pageCount();
            if (mark < markBefore && Files.size(file()) == sizeBefore && mark * PAGE < sizeBefore)
            {
                sawLoweredBeforeTruncated = true; // the other meta slot still named the higher mark
            }
            assertTrue(Files.size(file()) >= mark * PAGE, "never below the high-water mark");
            lowered = mark;
        }
        assertTrue(lowered < highWaterLoaded / 2, "high-water mark " + lowered + " after dropping the tail, was " +
            highWaterLoaded);
        assertTrue(sawLoweredBeforeTruncated, "the commit that lowers the mark must not truncate below the other slot");
        final long shrunk = Files.size(file());
        assertTrue(shrunk < sizeLoaded / 2, "file " + shrunk + " bytes after the tail was freed, was " + sizeLoaded);
        try (ReadTransaction r = db.beginRead())
        {
            assertKeep(r, 500);
        }
        db.close();
        final long closed = Files.size(file());
        assertEquals(lowered * PAGE, closed, "close truncates exactly to the high-water mark");
        db = open();
        Checks.assertConsistent(db);
        try (ReadTransaction r = db.beginRead())
        {
            assertKeep(r, 500);
            assertEquals(List.of("keep"), r.treeNames());
        }
        load("grow", 2000); // and the file grows again from its new end
        assertTrue(Files.size(file()) > closed);
    }

    @Test
    void shouldKeepEveryPageAPinnedReaderSeesAndHoldTheTruncationBack() throws IOException
    {
        db = open();
        load("keep", 500);
        load("tail", 3000);
        final long highWaterLoaded = db.stats().pageCount();
        final long sizeLoaded = Files.size(file());
        final ReadTransaction pinned = db.beginRead(); // sees the tail
        db.write(txn -> txn.dropTree("tail"));
        for (int i = 0; i < 6; i++)
        {
            db.runCleaner();
            touch(i);
            assertTrue(db.stats().pageCount() >= highWaterLoaded, "the pinned reader's pages are pending, not free");
            assertTrue(Files.size(file()) >= sizeLoaded, "no truncation below a page a live revision sees");
        }
        final Tree tail = pinned.tree("tail");
        assertEquals(3000, tail.size());
        for (int i = 0; i < 3000; i++)
        {
            assertArrayEquals(value(i, 1), tail.get(key(i)), "key " + i + " of the pinned snapshot");
        }
        pinned.close();
        for (int i = 0; i < 6; i++)
        {
            db.runCleaner();
            touch(10 + i);
        }
        assertTrue(db.stats().pageCount() < highWaterLoaded / 2);
        assertTrue(Files.size(file()) < sizeLoaded / 2, "the reader gone, the end is given back");
    }

    @Test
    void shouldLetConcurrentReadersReadWhileTheFileShrinks() throws Exception
    {
        db = Database.open(file(), DatabaseOptions.builder().pageSize(PAGE).durability(Durability.NO_SYNC)
            .growth(4096, 16 * 1024).build()); // background cleaner
        load("keep", 2000);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicLong reads = new AtomicLong();
        final CountDownLatch started = new CountDownLatch(2);
        final Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++)
        {
            readers[t] = new Thread(() ->
            {
                started.countDown();
                try
                {
                    while (!stop.get())
                    {
                        try (ReadTransaction r = db.beginRead())
                        {
                            final Tree keep = r.tree("keep");
                            for (int i = 0; i < 2000; i += 7)
                            {
                                if (keep.get(key(i)) == null)
                                {
                                    throw new AssertionError("key " + i + " missing at revision " + r.revision());
                                }
                            }
                            if (r.hasTree("tail"))
                            {
                                final Tree tail = r.tree("tail");
                                final long n = tail.size();
                                try (Cursor c = tail.cursor())
                                {
                                    long seen = 0;
                                    for (boolean more = c.first(); more; more = c.next())
                                    {
                                        seen++;
                                    }
                                    if (seen != n)
                                    {
                                        throw new AssertionError("tail scan saw " + seen + " of " + n);
                                    }
                                }
                            }
                            reads.incrementAndGet();
                        }
                    }
                }
                catch (final Throwable e)
                {
                    failure.compareAndSet(null, e);
                }
            });
            readers[t].start();
        }
        started.await();
        long shrinks = 0;
        for (int round = 0; round < 20 && failure.get() == null; round++)
        {
            load("tail", 1500);
            final long before = Files.size(file());
            db.write(txn -> txn.dropTree("tail"));
            for (int i = 0; i < 10 && Files.size(file()) >= before; i++)
            {
                touch(i); // the background cleaner frees the tail once the readers move on
            }
            shrinks += Files.size(file()) < before ? 1 : 0;
        }
        stop.set(true);
        for (final Thread t : readers)
        {
            t.join();
        }
        assertNull(failure.get(), () -> "a reader failed: " + failure.get());
        assertTrue(reads.get() > 0);
        System.out.printf("[shrink] concurrent readers: %d read transactions, the file shrank in %d of 20 rounds%n",
            reads.get(), shrinks);
        Checks.assertConsistent(db);
    }

    @Test
    void shouldOpenAtTheCommittedRevisionWhenTheTruncationThrows() throws IOException
    {
        for (final Failpoint point : List.of(Failpoint.BEFORE_TRUNCATE, Failpoint.AFTER_TRUNCATE))
        {
            Files.deleteIfExists(file());
            db = open();
            load("keep", 500);
            load("tail", 3000);
            db.write(txn -> txn.dropTree("tail"));
            point.arm(Action.throwing());
            long published = -1;
            try
            {
                for (int i = 0; i < 8 && published < 0; i++)
                {
                    db.runCleaner();
                    final int k = i;
                    try
                    {
                        touch(k);
                    }
                    catch (final InjectedFailureException e)
                    {
                        published = db.revision(); // the commit was published and durable before step 14
                    }
                }
            }
            finally
            {
                point.disarm();
            }
            assertTrue(published > 0, point + " was never reached");
            assertThrows(StorageException.class, () -> db.write(txn -> txn.openOrCreateTree("x")),
                point + ": a failed truncation leaves the length unknown, so writes are refused until reopened");
            try (ReadTransaction r = db.beginRead())
            {
                assertKeep(r, 500);
            }
            db.close();
            db = open();
            assertEquals(published, db.revision(), point.name());
            Checks.assertConsistent(db);
            try (ReadTransaction r = db.beginRead())
            {
                assertKeep(r, 500);
            }
            touch(99); // and it writes again
            db.close();
            db = null;
        }
    }
}
