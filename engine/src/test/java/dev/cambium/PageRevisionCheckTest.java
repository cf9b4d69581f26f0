package dev.cambium;

import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
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

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page's header records the revision that wrote it; a page reachable from revision R cannot have been written
 * by a later one (copy on write). After a power loss in {@link Durability#NO_SYNC} mode a later commit's write can
 * survive over a page of the revision the file falls back to, with a valid checksum and page id: the read path and
 * {@code check()} reject it by its revision instead of returning another revision's data.
 */
class PageRevisionCheckTest
{
    private static final int PAGE_SIZE = 1024;

    @TempDir
    Path dir;

    /**
     * Without sync, so that the meta page lists no pages: with sync, an open compares the last commit's pages with
     * the checksums its meta page lists and takes the other meta page when one was rewritten (SingleForceCommitTest).
     * These cases are about the readers' check of a page's revision.
     */
    private static DatabaseOptions.Builder options()
    {
        return DatabaseOptions.builder().pageSize(PAGE_SIZE).backgroundCleaner(false).durability(Durability.NO_SYNC);
    }

    private static byte[] key(final int i)
    {
        return String.format("key-%05d", i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Commits {@code entries} entries into tree "t" at revision 1, closes, and returns the root page of "t". */
    private long createTree(final Path file, final int entries)
    {
        try (Engine engine = Engine.open(file, options().build()))
        {
            try (WriteTransaction w = engine.beginWrite())
            {
                final Tree t = w.createTree("t");
                for (int i = 0; i < entries; i++)
                {
                    t.put(key(i), new byte[40]);
                }
                w.commit();
            }
            return root(engine, "t");
        }
    }

    private static long root(final Engine engine, final String tree)
    {
        final Meta meta = engine.revisions().head().state();
        final byte[] name = tree.getBytes(StandardCharsets.UTF_8);
        final byte[] entry = new BTreeReader(new ReadPages(engine.store(), meta))
            .getCopy(meta.catalogRoot(), meta.catalogRootRevision(), new UnsafeBuffer(name), 0, name.length);
        return CatalogEntry.root(new UnsafeBuffer(entry));
    }

    /** Sets the revision in page {@code pageId}'s header and stamps a matching checksum: a plausible page. */
    private static void restampRevision(final Path file, final long pageId, final long revision) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer page = ByteBuffer.allocate(PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(page, pageId * PAGE_SIZE);
            page.putLong(PageHeader.REVISION_OFFSET, revision);
            PageChecksum.stamp(page, PAGE_SIZE);
            page.clear();
            ch.write(page, pageId * PAGE_SIZE);
        }
    }

    @ParameterizedTest
    @EnumSource(PageVerification.class)
    void shouldRejectAPageWrittenByALaterRevisionThanTheFileOpensAt(final PageVerification verification)
        throws IOException
    {
        final Path file = dir.resolve("later.cambium");
        final long root = createTree(file, 5);
        restampRevision(file, root, 9);
        try (Engine engine = Engine.open(file, options().pageVerification(verification).build()))
        {
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class, () ->
            {
                try (ReadTransaction r = engine.beginRead())
                {
                    r.tree("t").get(key(1));
                }
            });
            assertTrue(e.getMessage().contains("written by revision 9, later than revision 1"), e.getMessage());
            final CheckReport report = engine.check();
            assertFalse(report.ok());
            assertTrue(report.problems().toString().contains("written by revision 9"), report.problems().toString());
        }
    }

    @Test
    void shouldAcceptPagesWrittenAtOrBeforeTheRevisionRead() throws IOException
    {
        final Path file = dir.resolve("same.cambium");
        final long root = createTree(file, 5);
        restampRevision(file, root, 1); // unchanged value, fresh checksum: must still be accepted
        try (Engine engine = Engine.open(file, options().pageVerification(PageVerification.EVERY_READ).build()))
        {
            try (ReadTransaction r = engine.beginRead())
            {
                assertDoesNotThrow(() -> r.tree("t").get(key(1)));
            }
            assertTrue(engine.check().ok());
        }
    }

    @Test
    void shouldReportInCheckAPageWhoseRevisionChangedAfterItWasVerified() throws IOException
    {
        final Path file = dir.resolve("verified.cambium");
        final long root = createTree(file, 5);
        try (Engine engine = Engine.open(file, options().build()))
        {
            try (ReadTransaction r = engine.beginRead())
            {
                r.tree("t").get(key(1)); // FIRST_READ: verified now, not again by the read path
            }
            restampRevision(file, root, 7);
            final CheckReport report = engine.check();
            assertFalse(report.ok());
            assertTrue(report.problems().toString().contains("was written by revision 7, later than the revision"),
                report.problems().toString());
        }
    }

    @Test
    void shouldRejectInEveryReadModeAPageWrittenAfterTheSnapshotThatReadsIt()
    {
        final Path file = dir.resolve("snapshot.cambium");
        try (Engine engine = Engine.open(file, options().pageVerification(PageVerification.EVERY_READ).build()))
        {
            for (int revision = 1; revision <= 2; revision++)
            {
                try (WriteTransaction w = engine.beginWrite())
                {
                    w.openOrCreateTree("t").put(key(revision), new byte[40]);
                    w.commit();
                }
            }
            final Meta meta = engine.revisions().head().state();
            final long root = root(engine, "t");
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            engine.store().wrap(root, meta.highWater(), 2, view);
            assertTrue(PageHeader.revision(view) == 2);
            // A reader of revision 1 handed this page (as a page reused while still visible would be) must fail.
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> engine.store().wrap(root, meta.highWater(), 1, view));
            assertTrue(e.getMessage().contains("written by revision 2, later than revision 1"), e.getMessage());
        }
    }
}
