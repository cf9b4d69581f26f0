package dev.cambium;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Page reuse through the whole engine, with the cleaner driven by hand ({@code backgroundCleaner(false)}
 * and {@link Database#runCleaner()}), so every step is deterministic. {@link Database#check()} runs after
 * each step: no page leaked, none free while a live revision can see it.
 */
class PageReuseTest
{
    @TempDir
    Path dir;

    private Database db;

    @AfterEach
    void tearDown()
    {
        Checks.checkAndClose(db);
    }

    private Database open()
    {
        return Database.open(dir.resolve("reuse.cambium"), DatabaseOptions.builder()
            .pageSize(1024).durability(Durability.NO_SYNC).backgroundCleaner(false).build());
    }

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(8).putInt(0x4B455900).putInt(i).array();
    }

    private static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[60];
        Arrays.fill(v, (byte)(i * 31 + version));
        return v;
    }

    private void load(final int n, final int version)
    {
        for (int start = 0; start < n; start += 500)
        {
            final int s = start;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("t");
                for (int i = s; i < Math.min(n, s + 500); i++)
                {
                    t.put(key(i), value(i, version));
                }
            });
        }
    }

    private void overwriteAll(final int n, final int version)
    {
        for (int start = 0; start < n; start += 100)
        {
            final int s = start;
            db.write(txn ->
            {
                final Tree t = txn.tree("t");
                for (int i = s; i < Math.min(n, s + 100); i++)
                {
                    t.put(key(i), value(i, version));
                }
            });
            db.runCleaner();
        }
    }

    private static void assertVersion(final ReadTransaction r, final int n, final int version)
    {
        final Tree t = r.tree("t");
        for (int i = 0; i < n; i++)
        {
            assertArrayEquals(value(i, version), t.get(key(i)), "key " + i + " at revision " + r.revision());
        }
    }

    @Test
    void shouldStopGrowingWhenNoReaderHoldsOldRevisions()
    {
        db = open();
        load(3000, 0);
        db.runCleaner();
        overwriteAll(3000, 1);
        final long afterFirstPass = db.stats().pageCount();
        for (int version = 2; version < 6; version++)
        {
            overwriteAll(3000, version);
        }
        final long afterMore = db.stats().pageCount();
        assertTrue(afterMore <= afterFirstPass + afterFirstPass / 20,
            "file grew from " + afterFirstPass + " to " + afterMore + " pages though nothing pins old revisions");
        assertTrue(db.stats().pagesReclaimed() > 0);
        try (ReadTransaction r = db.beginRead())
        {
            assertVersion(r, 3000, 5);
        }
        Checks.assertConsistent(db);
    }

    @Test
    void shouldKeepSnapshotIntactWhilePagesAroundItAreReused()
    {
        db = open();
        load(2000, 0);
        final ReadTransaction held = db.beginRead();
        for (int version = 1; version <= 4; version++)
        {
            overwriteAll(2000, version);
            Checks.assertConsistent(db);
        }
        assertVersion(held, 2000, 0);
        final long pendingWhileHeld = db.stats().pendingPages();
        assertTrue(pendingWhileHeld > 0, "the held snapshot's pages must be pending, not free");
        held.close();
        db.runCleaner();
        db.write(txn -> txn.tree("t").put(key(0), value(0, 9))); // the writer picks up what was released
        db.runCleaner();
        assertTrue(db.stats().pendingPages() < pendingWhileHeld,
            "closing the reader releases its pages: pending " + db.stats().pendingPages() + " was " + pendingWhileHeld);
    }

    @Test
    void shouldReclaimPagesBornAfterLongReaderWhileItStaysOpen()
    {
        db = open();
        load(2000, 0);
        overwriteAll(2000, 1);
        final ReadTransaction longReader = db.beginRead(); // sees version 1
        overwriteAll(2000, 2); // every version-1 page is now visible only to longReader
        final long pagesWhileOld = db.stats().pageCount();
        // Pages written at version 3 and later were born after the reader: they must be reused.
        for (int version = 3; version < 8; version++)
        {
            overwriteAll(2000, version);
        }
        final long grown = db.stats().pageCount() - pagesWhileOld;
        assertTrue(grown <= pagesWhileOld / 10,
            "the file grew by " + grown + " pages behind a long reader: pages born after it were not reused");
        assertVersion(longReader, 2000, 1);
        longReader.close();
    }

    @Test
    void shouldMakeEveryUnusedPageFreeAfterReopen()
    {
        db = open();
        load(2000, 0);
        final ReadTransaction held = db.beginRead();
        overwriteAll(2000, 1);
        assertTrue(db.stats().pendingPages() > 0);
        held.close();
        final long pages = db.stats().pageCount();
        final long unused = db.stats().freePages() + db.stats().pendingPages();
        db.close();
        db = open(); // no readers after a restart: everything obsolete is reusable
        assertEquals(pages, db.stats().pageCount());
        assertEquals(unused, db.stats().freePages(), "every unused page is free after reopen");
        assertEquals(0, db.stats().pendingPages());
        overwriteAll(2000, 2);
        // Not growing; a commit may lower the high-water mark over free pages at the end (design.md, "Shrinking").
        assertTrue(db.stats().pageCount() <= pages,
            "rewrites after reopen reuse pages instead of growing: " + db.stats().pageCount() + " > " + pages);
        try (ReadTransaction r = db.beginRead())
        {
            assertVersion(r, 2000, 2);
        }
    }

    @Test
    void shouldKeepTheFreeSpaceMapExactWhenOneCommitTouchesManyChunks()
    {
        // 512-byte pages: a chunk of the map covers 1,088 pages, so 40 values of 32 KiB (about 70 overflow pages
        // each) spread one commit's pages over more than 16 chunks, past the map update's initial capacity.
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(512).durability(Durability.NO_SYNC).backgroundCleaner(false).build();
        final Path file = dir.resolve("chunks.cambium");
        db = Database.open(file, options);
        final byte[] big = new byte[32 * 1024];
        db.write(txn ->
        {
            final Tree t = txn.createTree("t");
            for (int i = 0; i < 400; i++)
            {
                Arrays.fill(big, (byte)i);
                t.put(key(i), big);
            }
        });
        assertTrue(db.stats().pageCount() > 20 * 1088, "pages: " + db.stats().pageCount());
        // One commit frees every other value: obsolete pages in every chunk of the file.
        db.write(txn ->
        {
            final Tree t = txn.tree("t");
            for (int i = 0; i < 400; i += 2)
            {
                t.delete(key(i));
            }
        });
        db.runCleaner();
        final long unused = db.stats().freePages() + db.stats().pendingPages();
        assertTrue(db.check().ok(), "the writer's free space and the durable map agree");
        db.close();
        db = Database.open(file, options);
        assertEquals(unused, db.stats().freePages(), "the reopened map lists the same unused pages");
        try (ReadTransaction r = db.beginRead())
        {
            for (int i = 1; i < 400; i += 2)
            {
                Arrays.fill(big, (byte)i);
                assertArrayEquals(big, r.tree("t").get(key(i)), "key " + i);
            }
        }
    }

    @Test
    void shouldReturnPagesTakenByRolledBackTransaction()
    {
        db = open();
        load(2000, 0);
        overwriteAll(2000, 1);
        db.runCleaner();
        db.write(txn -> txn.tree("t").put(key(1), value(1, 7))); // drain what the cleaner released
        final long free = db.stats().freePages();
        assertTrue(free > 0);
        try (WriteTransaction w = db.beginWrite())
        {
            final Tree t = w.tree("t");
            for (int i = 0; i < 2000; i++)
            {
                t.put(key(i), value(i, 8));
            }
            w.rollback();
        }
        assertEquals(free, db.stats().freePages(), "a rollback hands its pages back");
    }

    @Test
    void shouldSurviveAbandonedCommitAfterDataWasWritten()
    {
        // A commit whose pages reached the file but whose meta never did (a crash between steps 6 and 8)
        // must leave the previous revision and its free-space map consistent: simulate by copying the
        // file after a commit, appending garbage pages beyond the meta's view, and reopening the copy.
        db = open();
        load(1500, 0);
        overwriteAll(1500, 1);
        final long revision = db.revision();
        db.close();
        db = null;
        final Path file = dir.resolve("reuse.cambium");
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE))
        {
            final ByteBuffer junk = ByteBuffer.allocate(1024 * 16);
            new Random(1).nextBytes(junk.array());
            ch.write(junk, ch.size()); // pages of a commit that never published its meta
        }
        catch (final java.io.IOException e)
        {
            fail(e);
        }
        db = open();
        assertEquals(revision, db.revision());
        Checks.assertConsistent(db);
        overwriteAll(1500, 2);
        try (ReadTransaction r = db.beginRead())
        {
            assertVersion(r, 1500, 2);
        }
    }
}
