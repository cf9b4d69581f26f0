package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.btree.PageHeader;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.ForwardingStorage;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.engine.store.StoreFixtures;
import dev.cambium.revision.ObsoletePages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link DeferredPages} over a real page store: which pages wait for the group commit's leader, what the next writer
 * reads meanwhile, and which of a batch's pages the leader writes.
 */
class DeferredPagesTest
{
    private static final int PAGE = 4096;
    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder().durability(Durability.SYNC)
        .pageSize(PAGE).growth(PAGE, 1 << 20).build();

    @TempDir
    Path dir;

    /** Page writes that reached the file, by page id. */
    private static final class Recording extends ForwardingStorage
    {
        final List<Long> pagesWritten = new ArrayList<>();

        Recording(final Path file)
        {
            super(FileStorage.open(file));
        }

        @Override
        public void write(final ByteBuffer src, final long position)
        {
            if (position >= 2L * PAGE)
            {
                for (long p = position / PAGE; p < (position + src.remaining()) / PAGE; p++)
                {
                    pagesWritten.add(p);
                }
            }
            super.write(src, position);
        }
    }

    private static ByteBuffer page(final long id, final long revision)
    {
        return StoreFixtures.page(PAGE, id, revision, (int)revision);
    }

    private static long revisionInFile(final Path file, final long pageId) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, pageId * PAGE + PageHeader.REVISION_OFFSET);
            return b.getLong(0);
        }
    }

    private static Meta meta(final long revision)
    {
        return new Meta(PAGE, revision, 64, 0, 0, 0, 0, 0, 0, 0, revision);
    }

    /** A store over {@code storage} holding pages 10 to 13 of revision 4. */
    private static PageStore withBase(final Recording storage)
    {
        final PageStore store = PageStore.open(storage, OPTIONS);
        writeBase(store);
        return store;
    }

    /** Pages 10 to 13 written by revision 4 directly: data the file holds. */
    private static void writeBase(final PageStore store)
    {
        store.ensureCapacity(64);
        store.mapUpTo(64);
        final long[] ids = {10, 11, 12, 13};
        final ByteBuffer[] pages = new ByteBuffer[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            pages[i] = page(ids[i], 4);
        }
        store.writePages(ids, pages, ids.length);
    }

    @Test
    void shouldWriteOnlyThePagesNoLaterRevisionOfTheBatchMadeObsolete() throws IOException
    {
        final Path file = dir.resolve("db");
        final Recording storage = new Recording(file);
        try (PageStore store = withBase(storage))
        {
            final DeferredPages deferred = new DeferredPages(PAGE);
            // Revision 5 copies pages 10 and 11; revision 6 copies page 12 and 5's page 10 again (into 12's id, as a
            // copy on write would move it), so 5's page 10 is obsolete within the batch, and so is 4's page 13.
            final DeferredPages.Revision r5 = deferred.take(5, new long[]{10, 11},
                new ByteBuffer[]{page(10, 5), page(11, 5)}, 2, store);
            deferred.register(r5);
            final DeferredPages.Revision r6 = deferred.take(6, new long[]{12}, new ByteBuffer[]{page(12, 6)}, 1, store);
            deferred.register(r6);
            storage.pagesWritten.clear();

            // Until the leader writes, the next writer reads the batch's pages from memory, not the file.
            final ReadPages next = new ReadPages(store, meta(6), deferred);
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            next.wrap(10, 5, view);
            assertEquals(5, view.getLong(PageHeader.REVISION_OFFSET, ByteOrder.LITTLE_ENDIAN));
            assertEquals(4, revisionInFile(file, 10), "nothing written yet");

            final int written = deferred.writeBatch(new DeferredPages.Revision[]{r5, r6},
                DeferredPages.superseded(5, new ObsoletePages[]{ObsoletePages.NONE, ObsoletePages.of(10, 5, 13, 4)}),
                store);

            assertEquals(2, written);
            assertEquals(List.of(11L, 12L), storage.pagesWritten, "5's page 10 is obsolete at 6: never written");
            assertEquals(4, revisionInFile(file, 10));
            assertEquals(5, revisionInFile(file, 11));
            assertEquals(6, revisionInFile(file, 12));
            // Written pages are read from the file now, and verify there.
            next.wrap(11, 5, view);
            assertEquals(5, view.getLong(PageHeader.REVISION_OFFSET, ByteOrder.LITTLE_ENDIAN));
            assertEquals(true, view.addressOffset() != 0 && view.byteArray() == null, "a view of the mapping");
        }
    }

    @Test
    void shouldLeavePagesOverNewSpaceToTheCommittingThread()
    {
        final Recording storage = new Recording(dir.resolve("db"));
        try (PageStore store = withBase(storage))
        {
            final DeferredPages deferred = new DeferredPages(PAGE);
            final long[] ids = {10, 20, 30};
            final ByteBuffer p10 = page(10, 5);
            final ByteBuffer p20 = page(20, 5);
            final ByteBuffer p30 = page(30, 5);
            final ByteBuffer[] pages = {p10, p20, p30};

            final DeferredPages.Revision r = deferred.take(5, ids, pages, 3, store);

            assertArrayEquals(new long[]{10}, r.ids(), "only page 10 holds data: 20 and 30 are a hole");
            assertArrayEquals(new long[]{20, 30}, new long[]{ids[0], ids[1]}, "written now, first, in order");
            assertEquals(p20, pages[0]);
            assertEquals(p30, pages[1]);
            assertNull(deferred.take(5, new long[]{20}, new ByteBuffer[]{p20}, 1, store), "nothing waits");
        }
    }

    @Test
    void shouldReportAWaitingPageOfAnotherRevisionAsDamage()
    {
        final Recording storage = new Recording(dir.resolve("db"));
        try (PageStore store = withBase(storage))
        {
            final DeferredPages deferred = new DeferredPages(PAGE);
            deferred.register(deferred.take(5, new long[]{10}, new ByteBuffer[]{page(10, 5)}, 1, store));
            final ReadPages next = new ReadPages(store, meta(5), deferred);

            assertThrows(CorruptDatabaseException.class, () -> next.wrap(10, 4, new UnsafeBuffer(0, 0)));
        }
    }

    @Test
    void shouldLeaveAPageCutOffByATruncationAndGrownAgainToTheCommittingThread()
    {
        final Recording storage = new Recording(dir.resolve("db"));
        try (PageStore store = withBase(storage))
        {
            store.writePages(new long[]{40}, new ByteBuffer[]{page(40, 4)}, 1);
            assertEquals(true, store.holdsData(40));

            store.shrinkFile(20, true); // the file now ends at page 20: page 40's data is gone
            store.ensureCapacity(64);
            store.mapUpTo(64);

            assertEquals(false, store.holdsData(40), "regrown: a hole");
            assertEquals(true, store.holdsData(13), "below the cut");
            final long[] ids = {13, 40};
            final ByteBuffer[] pages = {page(13, 5), page(40, 5)};
            final DeferredPages.Revision r = new DeferredPages(PAGE).take(5, ids, pages, 2, store);
            assertArrayEquals(new long[]{13}, r.ids());
            assertEquals(40, ids[0], "page 40 is written by the committing thread");
        }
    }

    @Test
    void shouldCountEveryPageBelowTheHighWaterMarkItOpenedAtAsData()
    {
        final Path file = dir.resolve("db");
        final long highWater;
        try (dev.cambium.engine.Engine engine = dev.cambium.engine.Engine.open(file, OPTIONS))
        {
            final WriteTxn txn = engine.beginWrite();
            final dev.cambium.Tree t = txn.openOrCreateTree("t");
            for (int i = 0; i < 500; i++)
            {
                t.put(("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[100]);
            }
            txn.commit();
            highWater = engine.revisions().head().state().highWater();
        }
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            // Not read or written by this process: counted as data because a revision before the open allocated it.
            assertEquals(true, store.holdsData(highWater - 1));
            assertEquals(false, store.holdsData(highWater), "above the mark: new space");
        }
    }
}
