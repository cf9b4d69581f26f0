package dev.cambium;

import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.engine.Engine;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.MetaCodec;
import dev.cambium.engine.store.PageChecksum;
import dev.cambium.engine.txn.ReadPages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File format 2: every pointer to a page records the revision that wrote the page. A lost write of a reused page
 * leaves the page's older version in place (same id, valid checksum, an older revision in its header): the reader
 * that follows the pointer compares the revisions and reports the page as corrupt, naming the page, both revisions
 * and the tree, instead of returning the older version's data. The pages swapped here are real older versions: the
 * file's image after revision 1 supplies them, and revision 3 reused their ids (the cleaner freed revision 1's pages
 * after revision 2 replaced them).
 */
class LostWriteDetectionTest
{
    private static final int PAGE_SIZE = 1024;
    private static final int ENTRIES = 200;
    private static final byte[] BIG = "big".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /**
     * Without sync: a durable commit's meta page lists the pages it wrote since the last force, and an open takes the
     * other meta page when one of them does not hold what was written (SingleForceCommitTest), before any reader gets
     * there. This test is about the readers' check, which guards every other page.
     */
    private static DatabaseOptions options(final PageVerification verification)
    {
        return DatabaseOptions.builder().pageSize(PAGE_SIZE).backgroundCleaner(false).pageVerification(verification)
            .durability(Durability.NO_SYNC).build();
    }

    private static byte[] key(final int i)
    {
        return String.format("key-%05d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(final int revision, final int i, final int length)
    {
        final byte[] v = new byte[length];
        Arrays.fill(v, (byte)(revision * 31 + i));
        return v;
    }

    /** One commit rewriting every value of tree "t" (a branch root over leaves) and the overflow value "big". */
    private static void commit(final Engine engine, final int revision)
    {
        try (WriteTransaction w = engine.beginWrite())
        {
            final Tree t = w.openOrCreateTree("t");
            for (int i = 0; i < ENTRIES; i++)
            {
                t.put(key(i), value(revision, i, 40));
            }
            t.put(BIG, value(revision, 0, 3000));
            w.commit();
        }
        engine.runCleaner();
    }

    /**
     * Builds revisions 1 to 3 and returns the file's image after revision 1: revision 3 writes into the page ids
     * revision 1 used, so that image holds an older valid version of many of revision 3's pages.
     */
    private byte[] build(final Path file) throws IOException
    {
        final byte[] afterFirst;
        try (Engine engine = Engine.open(file, options(PageVerification.FIRST_READ)))
        {
            commit(engine, 1);
            afterFirst = Files.readAllBytes(file);
            commit(engine, 2);
            commit(engine, 3);
        }
        return afterFirst;
    }

    /** The pages of revision 3, each with the revision its pointer records, by kind. */
    private static final class Pages
    {
        final Map<Long, Long> tree = new LinkedHashMap<>();
        long catalogRoot;
        long catalogRootRevision;
    }

    private static Pages pages(final Path file)
    {
        final Pages p = new Pages();
        try (Engine engine = Engine.open(file, options(PageVerification.FIRST_READ)))
        {
            final Meta meta = engine.revisions().head().state();
            assertEquals(3, meta.revision());
            final BTreeReader reader = new BTreeReader(new ReadPages(engine.store(), meta));
            final byte[] name = "t".getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer entry = new UnsafeBuffer(reader.getCopy(meta.catalogRoot(), meta.catalogRootRevision(),
                new UnsafeBuffer(name), 0, name.length));
            reader.walkPages(CatalogEntry.root(entry), CatalogEntry.rootRevision(entry), (id, revision) ->
            {
                p.tree.put(id, revision);
                return true;
            }, null);
            p.catalogRoot = meta.catalogRoot();
            p.catalogRootRevision = meta.catalogRootRevision();
        }
        return p;
    }

    private static byte[] page(final byte[] image, final long id)
    {
        return Arrays.copyOfRange(image, (int)(id * PAGE_SIZE), (int)((id + 1) * PAGE_SIZE));
    }

    /** A valid older version of page {@code id} in {@code image}: its own id, a matching checksum, revision 1. */
    private static boolean olderVersion(final byte[] image, final long id)
    {
        if ((id + 1) * PAGE_SIZE > image.length)
        {
            return false;
        }
        final UnsafeBuffer b = new UnsafeBuffer(page(image, id));
        return PageChecksum.matches(b, PAGE_SIZE) && PageHeader.pageId(b) == id && PageHeader.revision(b) == 1;
    }

    /** A page of revision 3's tree "t" of the given type whose id held a valid revision-1 page. */
    private static long swappable(final byte[] current, final byte[] old, final Pages p, final Predicate<Byte> type)
    {
        for (final Map.Entry<Long, Long> e : p.tree.entrySet())
        {
            final long id = e.getKey();
            if (e.getValue() == 3 && olderVersion(old, id)
                && type.test(PageHeader.type(new UnsafeBuffer(page(current, id)))))
            {
                return id;
            }
        }
        return -1;
    }

    private static void writePage(final Path file, final long id, final byte[] bytes) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            ch.write(ByteBuffer.wrap(bytes), id * PAGE_SIZE);
        }
    }

    private static void assertNames(final String message, final long page, final String where)
    {
        assertTrue(message.contains(where), message);
        assertTrue(message.contains("page " + page + " "), message);
        assertTrue(message.contains("holds revision 1 but the pointer to it expects revision 3"), message);
    }

    /** Reads every entry of "t" by key, then by a cursor scan; both must fail on the swapped page. */
    private static void assertReadsFail(final Engine engine, final long page)
    {
        try (ReadTransaction r = engine.beginRead())
        {
            final Tree t = r.tree("t");
            final CorruptDatabaseException get = assertThrows(CorruptDatabaseException.class, () ->
            {
                t.get(BIG);
                for (int i = 0; i < ENTRIES; i++)
                {
                    t.get(key(i));
                }
            });
            assertNames(get.getMessage(), page, "tree 't'");
            final CorruptDatabaseException scan = assertThrows(CorruptDatabaseException.class, () ->
            {
                try (Cursor c = t.cursor())
                {
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        c.value();
                    }
                }
            });
            assertNames(scan.getMessage(), page, "tree 't'");
        }
    }

    private static void assertCheckReports(final Engine engine, final long page, final String where)
    {
        final CheckReport report = engine.check();
        assertFalse(report.ok());
        final String problems = report.problems().toString();
        assertNames(problems, page, where);
    }

    @ParameterizedTest
    @EnumSource(PageVerification.class)
    void shouldReportAChildPageSwappedForAnOlderVersionOfItself(final PageVerification verification) throws IOException
    {
        final Path file = dir.resolve("child.cambium");
        final byte[] old = build(file);
        final Pages p = pages(file);
        final long leaf = swappable(Files.readAllBytes(file), old, p, type -> type == PageHeader.TYPE_LEAF);
        assertTrue(leaf > 0, "revision 3 reused no leaf id of revision 1: " + p.tree);
        writePage(file, leaf, page(old, leaf));
        try (Engine engine = Engine.open(file, options(verification)))
        {
            assertReadsFail(engine, leaf);
            assertCheckReports(engine, leaf, "tree 't'");
        }
    }

    @ParameterizedTest
    @EnumSource(PageVerification.class)
    void shouldReportAnOverflowPageSwappedForAnOlderVersionOfItself(final PageVerification verification)
        throws IOException
    {
        final Path file = dir.resolve("overflow.cambium");
        final byte[] old = build(file);
        final Pages p = pages(file);
        final long overflow = swappable(Files.readAllBytes(file), old, p, type -> type == PageHeader.TYPE_OVERFLOW);
        assertTrue(overflow > 0, "revision 3 reused no overflow page id of revision 1: " + p.tree);
        writePage(file, overflow, page(old, overflow));
        try (Engine engine = Engine.open(file, options(verification)))
        {
            try (ReadTransaction r = engine.beginRead())
            {
                final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                    () -> r.tree("t").get(BIG));
                assertNames(e.getMessage(), overflow, "tree 't'");
                assertEquals(40, r.tree("t").get(key(0)).length); // the inline values still read
            }
            assertReadsFail(engine, overflow);
            assertCheckReports(engine, overflow, "tree 't'");
        }
    }

    @Test
    void shouldReportACatalogRootSwappedForAnOlderVersionOfItself() throws IOException
    {
        final Path file = dir.resolve("catalog.cambium");
        final byte[] old = build(file);
        final Pages p = pages(file);
        assertEquals(3, p.catalogRootRevision);
        assertTrue(olderVersion(old, p.catalogRoot), "revision 3's catalog root " + p.catalogRoot +
            " reused no page id of revision 1");
        writePage(file, p.catalogRoot, page(old, p.catalogRoot));
        try (Engine engine = Engine.open(file, options(PageVerification.FIRST_READ)))
        {
            try (ReadTransaction r = engine.beginRead())
            {
                final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class, () -> r.tree("t"));
                assertNames(e.getMessage(), p.catalogRoot, "catalog");
                final CorruptDatabaseException names = assertThrows(CorruptDatabaseException.class, r::treeNames);
                assertNames(names.getMessage(), p.catalogRoot, "catalog");
            }
            assertCheckReports(engine, p.catalogRoot, "catalog");
        }
    }

    @Test
    void shouldRefuseAFileOfFormatOneSayingWhatToDo() throws IOException
    {
        final Path file = dir.resolve("format1.cambium");
        try (Database db = Database.open(file, options(PageVerification.FIRST_READ)))
        {
            db.write(txn -> txn.createTree("t").put(key(1), value(1, 1, 10)));
        }
        // Both meta records as a format-1 build would have stamped them (version 1, a valid checksum).
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            for (final long offset : new long[]{0, PAGE_SIZE})
            {
                final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(record, offset);
                record.putShort(MetaCodec.VERSION_OFFSET, (short)1);
                record.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(record));
                record.clear();
                ch.write(record, offset);
            }
        }
        final NotADatabaseException e = assertThrows(NotADatabaseException.class,
            () -> Database.open(file, options(PageVerification.FIRST_READ)).close());
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("file format 1 is no longer supported"), e.getMessage());
        assertTrue(e.getMessage().contains("dump it with a format-1 build and load it into a new file"),
            e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
    }
}
