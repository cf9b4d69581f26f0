package dev.cambium.engine.store;

import dev.cambium.DatabaseOptions;
import dev.cambium.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static dev.cambium.engine.store.StoreFixtures.bytes;
import static dev.cambium.engine.store.StoreFixtures.page;
import static dev.cambium.engine.store.StoreFixtures.peek;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PageStore#writePages} through {@link PageRuns}: which writes reach the storage, and what they hold. */
class PageRunsTest
{
    private static final int PAGE = 4096;
    private static final long REVISION = 7;
    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder().growth(PAGE, 1 << 20).build();

    @TempDir
    Path dir;

    /** Mostly adjacent (21 pages in 3 runs of adjacent ids, as a sequential load's commit): 18, a gap, 2, a gap, 1. */
    private static final long[] IDS = LongStream.concat(LongStream.range(2, 20), LongStream.of(30, 31, 40)).toArray();
    /** Mostly scattered (5 pages in 4 runs, below 4 a run on average, as a random load's commit). */
    private static final long[] SCATTERED = {2, 3, 10, 20, 30};

    private static ByteBuffer[] pages(final long[] ids)
    {
        final ByteBuffer[] pages = new ByteBuffer[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            pages[i] = page(PAGE, ids[i], REVISION, 3);
        }
        return pages;
    }

    private static List<List<Long>> writes(final StoreFixtures.RecordingStorage storage)
    {
        final List<List<Long>> out = new ArrayList<>();
        for (final long[] w : storage.writes)
        {
            out.add(List.of(w[0] / PAGE, w[1] / PAGE));
        }
        return out;
    }

    /**
     * Writes {@code pages} through a new store over a recording storage, checks that the file holds each page as given
     * with a valid checksum, and returns what reached the storage.
     *
     * @return {first page, pages} of each write.
     */
    private List<List<Long>> write(final DatabaseOptions options, final long[] ids, final ByteBuffer[] pages)
    {
        final Path file = dir.resolve("db");
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(FileStorage.open(file));
        try (PageStore store = PageStore.open(storage, options))
        {
            store.ensureCapacity(64);
            storage.writes.clear();

            store.writePages(ids, pages, ids.length);

            store.force(); // writes through a mapping reach the file's pages for peek as positional ones do
            for (int i = 0; i < ids.length; i++)
            {
                final byte[] onDisk = peek(file, ids[i] * PAGE, PAGE);
                assertArrayEquals(bytes(pages[i], 0, PAGE), onDisk, "page " + ids[i]);
                final ByteBuffer read = ByteBuffer.wrap(onDisk);
                assertEquals(PageChecksum.compute(read, 0, PAGE), PageChecksum.stored(read, 0),
                    "checksum of " + ids[i]);
            }
            return writes(storage);
        }
    }

    private static List<List<Long>> alone(final long[] ids)
    {
        final List<List<Long>> expected = new ArrayList<>();
        for (final long id : ids)
        {
            expected.add(List.of(id, 1L));
        }
        return expected;
    }

    @Test
    void shouldWriteAdjacentPagesInRunsOfAtMostEightAndLeaveTheBuffersAsTheyWere()
    {
        final ByteBuffer[] pages = pages(IDS);
        pages[3].position(5); // page 5, inside a run
        pages[20].position(100); // page 40, written alone

        final List<List<Long>> writes = write(OPTIONS, IDS, pages);

        assertEquals(List.of(List.of(2L, 8L), List.of(10L, 8L), List.of(18L, 2L), List.of(30L, 2L), List.of(40L, 1L)),
            writes, "{first page, pages} of each write");
        assertEquals(5, pages[3].position());
        assertEquals(PAGE, pages[3].limit());
        assertEquals(100, pages[20].position());
        assertEquals(PAGE, pages[20].limit());
    }

    @Test
    void shouldWriteEachPageAloneWhenTheCommitIsMostlyScattered()
    {
        assertEquals(alone(SCATTERED), write(OPTIONS, SCATTERED, pages(SCATTERED)),
            "pages 2 and 3 are adjacent, but the commit is scattered");
    }

    @Test
    void shouldWriteEachPageAloneThroughAMapping()
    {
        assertEquals(alone(IDS), write(DatabaseOptions.builder().growth(PAGE, 1 << 20).mappedWrites(true).build(), IDS,
            pages(IDS)), "one page per write: a run would copy each page twice");
    }

    @Test
    void shouldFailTheCommitWhenTheWriteOfARunFails()
    {
        final Path file = dir.resolve("db");
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(FileStorage.open(file));
        try (PageStore store = PageStore.open(storage, OPTIONS))
        {
            store.ensureCapacity(64);
            storage.writes.clear();
            storage.failWriteAfter(1); // the second write: pages 10..17

            final StorageException e = assertThrows(StorageException.class,
                () -> store.writePages(IDS, pages(IDS), IDS.length));

            assertTrue(e.getMessage().startsWith("write of " + 8 * PAGE + " bytes at offset " + 10 * PAGE),
                e.getMessage());
            assertEquals(List.of(List.of(2L, 8L)), writes(storage), "nothing after the failed write");
        }
    }
}
