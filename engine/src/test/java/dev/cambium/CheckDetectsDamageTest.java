package dev.cambium;

import dev.cambium.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Database#check()} must find damage, not merely pass: a flipped byte in a page of a tree is
 * reported (as a checksum problem naming the page) rather than thrown, while flipped bytes in pages
 * the free-space map lists as unused are harmless: no revision reads them, and the writer rewrites a
 * reused page whole.
 */
class CheckDetectsDamageTest
{
    private static final int PAGE_SIZE = 1024;
    /** Offset within the page of the flipped byte: past the header, inside the page's cells or gap. */
    private static final int DAMAGE_OFFSET = 600;
    private static final byte[] KEY_PREFIX = "dmg-key-".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static byte[] key(final int i)
    {
        return String.format("dmg-key-%06d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[40];
        Arrays.fill(v, (byte)(i * 31 + version));
        return v;
    }

    private static DatabaseOptions.Builder options()
    {
        return DatabaseOptions.builder().pageSize(PAGE_SIZE).durability(Durability.NO_SYNC);
    }

    /** Flips every bit of the byte at {@code offset} of page {@code pageId}. */
    private static void flip(final Path file, final long pageId, final int offset) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long at = pageId * PAGE_SIZE + offset;
            raf.seek(at);
            final int b = raf.read();
            assertTrue(b >= 0, "page " + pageId + " lies beyond the end of the file");
            raf.seek(at);
            raf.write(b ^ 0xFF);
        }
    }

    private static int indexOf(final byte[] haystack, final int from, final int to, final byte[] needle)
    {
        for (int i = from; i + needle.length <= to; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------ a tree page

    @ParameterizedTest(name = "pageVerification={0}")
    @EnumSource(PageVerification.class)
    void shouldReportChecksumProblemForDamagedTreePage(final PageVerification verification) throws IOException
    {
        final Path file = dir.resolve("tree-damage.cambium");
        final int entries = 3000;
        final long pageCount;
        try (Database db = Database.open(file, options().build()))
        {
            // one commit: every page it writes belongs to the newest revision
            db.write(txn ->
            {
                final Tree t = txn.createTree("t");
                for (int i = 0; i < entries; i++)
                {
                    t.put(key(i), value(i, 0));
                }
            });
            Checks.assertConsistent(db);
            pageCount = db.stats().pageCount();
        }

        // leaf pages (type byte 1 at offset 4) holding keys of tree "t"
        final byte[] bytes = Files.readAllBytes(file);
        final List<Long> leaves = new ArrayList<>();
        for (long id = 2; id < pageCount; id++)
        {
            final int start = (int)(id * PAGE_SIZE);
            if (bytes[start + 4] == 1 && indexOf(bytes, start, start + PAGE_SIZE, KEY_PREFIX) >= 0)
            {
                leaves.add(id);
            }
        }
        assertTrue(leaves.size() > 10, "expected many leaves of tree t, found " + leaves);
        final long damaged = leaves.get(leaves.size() / 2);
        flip(file, damaged, DAMAGE_OFFSET);

        final Database db = assertDoesNotThrow(
            () -> Database.open(file, options().pageVerification(verification).build()),
            "the damage is in a tree page, which open does not read");
        try
        {
            final CheckReport report = assertDoesNotThrow(() -> db.check(),
                "check() must report the damaged page, not throw (a bug in Checker)");
            assertFalse(report.ok(), "check() passed a database with a damaged tree page " + damaged + ": " + report);
            final Pattern checksumOnPage = Pattern.compile("checksum.*\\bpage " + damaged + "\\b");
            assertTrue(report.problems().stream().anyMatch(p -> checksumOnPage.matcher(p).find()),
                "no checksum problem naming page " + damaged + " in: " + report.problems());
            assertTrue(report.problems().stream().noneMatch(p -> p.contains("leaked")),
                "one damaged page must not be reported as a leak of the pages it hides: " + report.problems());

            // and reading through the tree fails cleanly too
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class, () -> db.read(r ->
            {
                try (Cursor c = r.tree("t").cursor())
                {
                    long n = 0;
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        n++;
                    }
                    return n;
                }
            }));
            assertTrue(e.getMessage().contains("page " + damaged), e.getMessage());

            // a second check finds the same (nothing was marked verified by the failed reads)
            assertFalse(db.check().ok());
        }
        finally
        {
            db.close();
        }
    }

    // ---------------------------------------------------------------------------------- unused pages

    private static void overwrite(final Database db, final int entries, final int version)
    {
        for (int start = 0; start < entries; start += 100)
        {
            final int s = start;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("t");
                for (int i = s; i < Math.min(entries, s + 100); i++)
                {
                    t.put(key(i), value(i, version));
                }
            });
            db.runCleaner();
        }
    }

    private static void assertVersion(final Database db, final int entries, final int version)
    {
        db.read(r ->
        {
            final Tree t = r.tree("t");
            assertEquals(entries, t.size());
            try (Cursor c = t.cursor())
            {
                int i = 0;
                for (boolean ok = c.first(); ok; ok = c.next(), i++)
                {
                    assertArrayEquals(key(i), c.key());
                    assertArrayEquals(value(i, version), c.value(), "key " + i);
                }
                assertEquals(entries, i);
            }
            return null;
        });
    }

    @Test
    void shouldIgnoreDamageInUnusedPagesAndRewriteThemWholeOnReuse() throws IOException
    {
        final Path file = dir.resolve("unused-damage.cambium");
        final int entries = 2000;
        final DatabaseOptions churn = options().backgroundCleaner(false).build();
        try (Database db = Database.open(file, churn))
        {
            overwrite(db, entries, 0);
            overwrite(db, entries, 1);
            overwrite(db, entries, 2);
            // Unused pages (free now, or pending until reopen): free ones at the very end are cut off by the next
            // commit (design.md, "Shrinking the file"), so count both.
            assertTrue(db.stats().freePages() + db.stats().pendingPages() > 0,
                "the churn left no unused pages: " + db.stats());
            Checks.assertConsistent(db);
        }

        // the pages the durable free-space map lists as unused (all free on open: no readers yet)
        final BitSet unused;
        try (Engine engine = Engine.open(file, churn))
        {
            unused = engine.freeSpace().unusedSnapshot();
            assertEquals(unused, engine.freeSpace().freeSnapshot());
        }
        assertTrue(unused.cardinality() > 0, "no unused pages to damage");
        for (int id = unused.nextSetBit(2); id >= 0; id = unused.nextSetBit(id + 1))
        {
            flip(file, id, DAMAGE_OFFSET);
        }

        final DatabaseOptions strict = options().backgroundCleaner(false).pageVerification(PageVerification.EVERY_READ)
            .build();
        try (Database db = Database.open(file, strict))
        {
            final CheckReport report = Checks.assertConsistent(db);
            assertEquals(unused.cardinality(), report.freePages(), report::toString);
            assertVersion(db, entries, 2);
            // the writer takes the lowest free pages first: the damaged pages are reused, written whole
            overwrite(db, entries, 3);
            Checks.assertConsistent(db);
            assertVersion(db, entries, 3);
        }
        try (Engine engine = Engine.open(file, strict))
        {
            final BitSet stillUnused = engine.freeSpace().unusedSnapshot();
            final BitSet reused = (BitSet)unused.clone();
            reused.andNot(stillUnused);
            assertFalse(reused.isEmpty(), "none of the damaged pages was reused; the test proves less than it claims");
        }
        try (Database db = Database.open(file, strict))
        {
            Checks.assertConsistent(db);
            assertVersion(db, entries, 3);
        }
    }
}
