package dev.cambium;

import dev.cambium.engine.InternalOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The documented behaviour of the supported operator hooks, {@link Database#runCleaner()} (with
 * {@code backgroundCleaner(false)}) and {@link DatabaseOptions.Builder#checkEveryCommit(boolean)}, and that the
 * measurement-only reuse rule, which left the API for {@link InternalOptions}, still does what jmh's FileGrowth
 * measures.
 */
class OperatorHooksTest
{
    private static final int PAGE_SIZE = 1024;
    /** A byte run no page header, catalog or free-space page holds: marks the leaf pages of tree "a". */
    private static final byte MARK = 0x5A;

    @TempDir
    Path dir;

    private static DatabaseOptions.Builder options()
    {
        return DatabaseOptions.builder().pageSize(PAGE_SIZE).durability(Durability.NO_SYNC).registerMBean(false)
            .backgroundCleaner(false);
    }

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    private static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[60];
        Arrays.fill(v, (byte)(i * 31 + version));
        return v;
    }

    private static void overwriteAll(final Database db, final int n, final int version, final boolean clean)
    {
        for (int start = 0; start < n; start += 100)
        {
            final int s = start;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("t");
                for (int i = s; i < Math.min(n, s + 100); i++)
                {
                    t.put(key(i), value(i, version));
                }
            });
            if (clean)
            {
                db.runCleaner();
            }
        }
    }

    @Test
    void shouldReclaimNothingUntilRunCleanerIsCalled()
    {
        try (Database db = Database.open(dir.resolve("manual.cambium"), options().build()))
        {
            overwriteAll(db, 2000, 0, false);
            overwriteAll(db, 2000, 1, false);
            final DatabaseStats before = db.stats();
            assertEquals(0, before.cleanerRuns(), "no cleaner ran: " + before);
            assertEquals(0, before.pagesReclaimed(), before.toString());
            assertTrue(before.cleanerLag() > 0, "the retired revisions wait for runCleaner(): " + before);

            assertTrue(db.runCleaner() > 0, "the first call has work to do");
            final DatabaseStats after = db.stats();
            assertTrue(after.pagesReclaimed() > 0, after.toString());
            assertEquals(0, after.cleanerLag(), after.toString());
            assertEquals(0, db.runCleaner(), "nothing left to do: the call returns 0");

            // The writer picks up what the call released instead of growing the file (a commit may even lower the
            // high-water mark over free pages at the end: the file shrinks, never grows).
            final long pages = db.stats().pageCount();
            overwriteAll(db, 2000, 2, true);
            final long pagesAfter = db.stats().pageCount();
            assertTrue(pagesAfter <= pages, "the file did not grow after runCleaner(): " + pages + " -> " + pagesAfter);
            assertTrue(db.check().ok());
        }
    }

    @Test
    void shouldRefuseRunCleanerWhileABackgroundCleanerRuns()
    {
        try (Database db = Database.open(dir.resolve("background.cambium"), options().backgroundCleaner(true).build()))
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, db::runCleaner);
            assertTrue(e.getMessage().contains("backgroundCleaner(false)"), e.getMessage());
        }
    }

    @Test
    void shouldFailTheCommitAfterWhichStrictModeFindsDamageAndRefuseFurtherWrites() throws IOException
    {
        final Path file = dir.resolve("strict.cambium");
        final long damagedRevision;
        try (Database db = Database.open(file, options().checkEveryCommit(true).build()))
        {
            db.write(txn ->
            {
                final Tree a = txn.createTree("a");
                for (int i = 0; i < 40; i++)
                {
                    final byte[] v = new byte[200];
                    Arrays.fill(v, MARK);
                    a.put(key(i), v);
                }
            });
            final long page = damageLeafOfTreeA(file, db.stats().pageCount());

            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> db.write(txn -> txn.createTree("b").put(key(1), key(2))));
            assertTrue(e.getMessage().contains("check after commit of revision 2") &&
                e.getMessage().contains("checksum mismatch on page " + page), e.getMessage());
            damagedRevision = db.revision();
            assertEquals(2, damagedRevision, "the commit was published before the check ran");
            final StorageException refused = assertThrows(StorageException.class,
                () -> db.write(txn -> txn.tree("b").put(key(3), key(4))));
            assertTrue(refused.getMessage().contains("refuses writes until reopened"), refused.getMessage());
        }
        // The commit that exposed the damage is durable; the damage is in the file, and check() reports it.
        assertEquals(damagedRevision, Database.revisions(file).get(0).revision());
        try (Database db = Database.open(file, options().build()))
        {
            assertArrayEquals(key(2), db.read(txn -> txn.tree("b").get(key(1))));
            assertTrue(db.check().problems().stream().anyMatch(p -> p.contains("checksum mismatch")));
        }
    }

    /** Flips one byte inside the marked values of tree "a", behind the engine's back; returns the page. */
    private static long damageLeafOfTreeA(final Path file, final long pageCount) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer page = ByteBuffer.allocate(PAGE_SIZE);
            for (long id = 2; id < pageCount; id++)
            {
                page.clear();
                ch.read(page, id * PAGE_SIZE);
                final int at = markedRun(page.array());
                if (at >= 0)
                {
                    ch.write(ByteBuffer.wrap(new byte[]{(byte)~MARK}), id * PAGE_SIZE + at);
                    return id;
                }
            }
        }
        return fail("no page of tree a found below page " + pageCount);
    }

    private static int markedRun(final byte[] page)
    {
        int run = 0;
        for (int i = 0; i < page.length; i++)
        {
            run = page[i] == MARK ? run + 1 : 0;
            if (run == 100)
            {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldGrowBehindALongReaderOnlyUnderTheOldestReaderRule()
    {
        final long interval = growthBehindLongReader("interval.cambium", false);
        final long oldest = growthBehindLongReader("oldest.cambium", true);
        assertTrue(oldest > 4 * Math.max(1, interval),
            "the oldest-reader rule should grow the file far more behind a long reader: " + oldest +
                " pages against " + interval + " under the interval rule");
    }

    private long growthBehindLongReader(final String name, final boolean oldestReader)
    {
        final DatabaseOptions o = InternalOptions.oldestReaderReuse(options(), oldestReader).build();
        assertEquals(oldestReader, InternalOptions.oldestReaderReuse(o));
        try (Database db = Database.open(dir.resolve(name), o))
        {
            overwriteAll(db, 2000, 0, true);
            overwriteAll(db, 2000, 1, true);
            try (ReadTransaction longReader = db.beginRead())
            {
                overwriteAll(db, 2000, 2, true);
                final long before = db.stats().pageCount();
                for (int version = 3; version < 7; version++)
                {
                    overwriteAll(db, 2000, version, true);
                }
                assertArrayEquals(value(7, 1), longReader.tree("t").get(key(7)));
                return db.stats().pageCount() - before;
            }
        }
    }
}
