package dev.cambium;

import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.NodeLayout;
import dev.cambium.engine.Engine;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.store.Meta;
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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two hostile-file cases that used to pass unnoticed outside {@code check()}: a leaf whose keys are out of order
 * (binary search then misses keys without an error), and trees that share pages, where dropping one tree frees
 * pages the other still points at.
 */
class HostileFileGapsTest
{
    private static final int PAGE_SIZE = 1024;

    @TempDir
    Path dir;

    /**
     * Without sync, so that the meta page lists no pages: with sync, an open compares the last commit's pages with
     * the checksums its meta page lists and takes the other meta page when a page was changed after it was written
     * (SingleForceCommitTest). These cases are about what readers and the check find in every other page.
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

    /** The root page of tree {@code name} and its catalog entry (root, root revision, size), from the newest meta. */
    private static long[] entry(final Engine engine, final String name)
    {
        final Meta meta = engine.revisions().head().state();
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer e = new UnsafeBuffer(new BTreeReader(new ReadPages(engine.store(), meta))
            .getCopy(meta.catalogRoot(), meta.catalogRootRevision(), new UnsafeBuffer(bytes), 0, bytes.length));
        return new long[]{CatalogEntry.root(e), CatalogEntry.rootRevision(e), CatalogEntry.size(e), meta.catalogRoot()};
    }

    private static ByteBuffer readPage(final FileChannel ch, final long id) throws IOException
    {
        final ByteBuffer page = ByteBuffer.allocate(PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(page, id * PAGE_SIZE);
        return page;
    }

    private static void writePage(final FileChannel ch, final long id, final ByteBuffer page) throws IOException
    {
        PageChecksum.stamp(page, PAGE_SIZE); // a plausible page: only its content is wrong
        page.clear();
        ch.write(page, id * PAGE_SIZE);
    }

    @ParameterizedTest
    @EnumSource(PageVerification.class)
    void shouldRejectALeafWhoseKeysAreOutOfOrderAtItsFirstRead(final PageVerification verification)
        throws IOException
    {
        final Path file = dir.resolve("disorder.cambium");
        final long leaf;
        try (Engine engine = Engine.open(file, options(verification)))
        {
            try (WriteTransaction w = engine.beginWrite())
            {
                final Tree t = w.createTree("t");
                for (int i = 0; i < 10; i++)
                {
                    t.put(key(i), new byte[8]);
                }
                w.commit();
            }
            leaf = entry(engine, "t")[0];
        }
        // Swap slots 2 and 7 (offset and key head): every cell intact, the checksum valid, the order wrong.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer page = readPage(ch, leaf);
            final int a = NodeLayout.HEADER_LENGTH + 2 * NodeLayout.SLOT_SIZE;
            final int b = NodeLayout.HEADER_LENGTH + 7 * NodeLayout.SLOT_SIZE;
            final byte[] slotA = new byte[NodeLayout.SLOT_SIZE];
            final byte[] slotB = new byte[NodeLayout.SLOT_SIZE];
            page.get(a, slotA);
            page.get(b, slotB);
            page.put(a, slotB);
            page.put(b, slotA);
            writePage(ch, leaf, page);
        }
        try (Database db = Database.open(file, options(verification)))
        {
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> db.read(txn -> txn.tree("t").get(key(9))));
            assertTrue(e.getMessage().contains("page " + leaf + " "), e.getMessage());
            assertTrue(e.getMessage().contains("keys out of order"), e.getMessage());
            assertTrue(e.getMessage().contains("tree 't'"), e.getMessage());
            assertFalse(db.check().ok());
        }
    }

    /**
     * Trees "a" and "b" share their root page (b's catalog entry copied from a's): dropping "a" frees the page
     * while "b" still points at it. Finding that at the drop would take a walk of every other tree (what
     * {@code check()} does), so it is not done there; but once a later commit reuses the page, its header holds
     * that commit's revision, and "b"'s pointer (which records the revision that wrote the shared page) no longer
     * matches: reads of "b" fail instead of returning the new page's content.
     */
    @Test
    void shouldReportNotReadAPageASharingTreeDroppedOnceItIsReused() throws IOException
    {
        final Path file = dir.resolve("shared.cambium");
        final long[] a;
        final long[] b;
        try (Engine engine = Engine.open(file, options(PageVerification.FIRST_READ)))
        {
            try (WriteTransaction w = engine.beginWrite())
            {
                for (int i = 0; i < 5; i++)
                {
                    w.openOrCreateTree("a").put(key(i), "from a".getBytes(StandardCharsets.US_ASCII));
                    w.openOrCreateTree("b").put(key(100 + i), "from b".getBytes(StandardCharsets.US_ASCII));
                }
                w.commit();
            }
            a = entry(engine, "a");
            b = entry(engine, "b");
        }
        assertEquals(a[3], b[3], "one catalog root");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer page = readPage(ch, a[3]);
            final int at = find(page, b);
            page.putLong(at + CatalogEntry.ROOT_OFFSET, a[0]);
            page.putLong(at + CatalogEntry.ROOT_REVISION_OFFSET, a[1]);
            page.putLong(at + CatalogEntry.SIZE_OFFSET, a[2]);
            writePage(ch, a[3], page);
        }
        try (Database db = Database.open(file, options(PageVerification.FIRST_READ)))
        {
            assertTrue(db.check().problems().toString().contains("reachable twice"), db.check().toString());
            assertArrayEquals("from a".getBytes(StandardCharsets.US_ASCII), db.read(txn -> txn.tree("b").get(key(0))));
            db.write(txn -> txn.dropTree("a"));
            db.runCleaner();
            // Enough new pages to take every page the drop freed.
            db.write(txn ->
            {
                final Tree c = txn.createTree("c");
                for (int i = 0; i < 300; i++)
                {
                    c.put(key(i), new byte[40]);
                }
            });
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> db.read(txn -> txn.tree("b").get(key(0))));
            assertTrue(e.getMessage().contains("tree 'b'"), e.getMessage());
            assertTrue(e.getMessage().contains("page " + a[0] + " "), e.getMessage());
            assertTrue(e.getMessage().contains("but the pointer to it expects revision " + a[1]), e.getMessage());
            assertFalse(db.check().ok());
        }
    }

    /** The offset of the catalog entry {root, root revision, size} of {@code tree} in a catalog leaf. */
    private static int find(final ByteBuffer page, final long[] tree)
    {
        for (int at = NodeLayout.HEADER_LENGTH; at + CatalogEntry.LENGTH <= PAGE_SIZE; at++)
        {
            if (page.getLong(at + CatalogEntry.ROOT_OFFSET) == tree[0] &&
                page.getLong(at + CatalogEntry.ROOT_REVISION_OFFSET) == tree[1] &&
                page.getLong(at + CatalogEntry.SIZE_OFFSET) == tree[2])
            {
                return at;
            }
        }
        throw new AssertionError("no catalog entry for root " + tree[0] + " in page");
    }
}
