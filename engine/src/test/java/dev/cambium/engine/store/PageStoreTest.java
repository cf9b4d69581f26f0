package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.DatabaseClosedException;
import dev.cambium.DatabaseOptions;
import dev.cambium.NotADatabaseException;
import dev.cambium.PageVerification;
import dev.cambium.StorageException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import java.util.zip.CRC32C;

import static dev.cambium.engine.store.StoreFixtures.bytes;
import static dev.cambium.engine.store.StoreFixtures.flipBit;
import static dev.cambium.engine.store.StoreFixtures.page;
import static dev.cambium.engine.store.StoreFixtures.peek;
import static dev.cambium.engine.store.StoreFixtures.poke;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageStoreTest
{
    /** No snapshot bound: only the revision the file was opened at limits a page's written revision. */
    private static final long ANY_REVISION = Long.MAX_VALUE;

    private static final int PAGE = 4096;
    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder().growth(PAGE, 1 << 20).build();

    @TempDir
    Path dir;

    /** One commit in the order the engine performs it. */
    private static Meta commit(final PageStore store, final long revision, final long highWater, final long... ids)
    {
        final ByteBuffer[] pages = new ByteBuffer[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            pages[i] = page(store.pageSize(), ids[i], revision, (int)revision);
        }
        final Meta meta = new Meta(store.pageSize(), revision, highWater, ids.length > 0 ? ids[0] : 0,
            ids.length > 0 ? revision : 0, ids.length > 0 ? 1 : 0, 0, 0, 0, 0, System.currentTimeMillis());
        store.ensureCapacity(highWater);
        store.writePages(ids, pages, ids.length);
        store.force();
        store.writeMeta(meta);
        store.force();
        store.mapUpTo(highWater);
        return meta;
    }

    private static long[] range(final long from, final long to)
    {
        return LongStream.range(from, to).toArray();
    }

    private static void assertPage(final UnsafeBuffer view, final int pageSize, final long id, final long revision)
    {
        final ByteBuffer expected = page(pageSize, id, revision, (int)revision);
        final byte[] actual = new byte[pageSize];
        view.getBytes(0, actual);
        assertArrayEquals(bytes(expected, 4, pageSize), Arrays.copyOfRange(actual, 4, pageSize), "page " + id);
        assertEquals(PageChecksum.compute(expected, 0, pageSize), PageChecksum.stored(view));
    }

    @Test
    void emptyFileIsInitialisedWithTwoRevisionZeroMetas() throws IOException
    {
        final Path file = Files.createFile(dir.resolve("db"));

        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertTrue(store.created());
            assertNull(store.selection());
            assertEquals(0, store.openedMeta().revision());
            assertEquals(2, store.openedMeta().highWater());
            assertEquals(0, store.openedMeta().catalogRoot());
            assertEquals(2L * PAGE, store.fileSize());
        }
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertFalse(store.created());
            assertTrue(store.selection().bothValid());
            assertEquals(0, store.openedMeta().revision());
        }
    }

    @Test
    void missingFileIsCreatedWithTheOptionsPageSizeAndKeepsItOnReopen()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, DatabaseOptions.builder().pageSize(8192).build()))
        {
            assertTrue(store.created());
            assertEquals(8192, store.pageSize());
        }
        try (PageStore store = PageStore.open(file, DatabaseOptions.builder().pageSize(512).build()))
        {
            assertEquals(8192, store.pageSize());
        }
    }

    @Test
    void directoryIsNotADatabase()
    {
        assertThrows(NotADatabaseException.class, () -> PageStore.open(dir, OPTIONS));
    }

    @Test
    void textFileIsNotADatabase() throws IOException
    {
        final Path file = dir.resolve("readme.txt");
        Files.writeString(file, "not a database\n".repeat(1000));
        assertThrows(NotADatabaseException.class, () -> PageStore.open(file, OPTIONS));
    }

    @Test
    void wrapRejectsMetaPagesAndIdsAtOrPastHighWater()
    {
        try (PageStore store = PageStore.open(dir.resolve("db"), OPTIONS))
        {
            commit(store, 1, 6, 2, 3, 4, 5);
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            for (final long id : new long[]{0, 1, 6, 7, -1, Long.MAX_VALUE, Long.MIN_VALUE})
            {
                final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                    () -> store.wrap(id, 6, ANY_REVISION, view));
                assertTrue(e.getMessage().contains(Long.toString(id)), e.getMessage());
            }
            store.wrap(5, 6, ANY_REVISION, view);
            assertThrows(CorruptDatabaseException.class, () -> store.wrap(5, 5, ANY_REVISION, view),
                "past a pinned high water");
        }
    }

    @Test
    void shouldPrefetchOnlyIdsThatWrapWouldAcceptAndNeverThrow()
    {
        final PageStore store = PageStore.open(dir.resolve("db"), OPTIONS);
        commit(store, 1, 6, 2, 3, 4, 5);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        store.wrap(5, 6, ANY_REVISION, view);
        assertEquals(view.getLong(0, ByteOrder.BIG_ENDIAN), store.prefetch(5, 6), "a valid page: its first word");
        for (final long id : new long[]{0, 1, 6, 7, -1, Long.MAX_VALUE, Long.MIN_VALUE})
        {
            assertEquals(0, store.prefetch(id, 6), "id " + id + " is outside [2, 6): nothing loaded");
        }
        assertEquals(0, store.prefetch(5, 5), "past the caller's high-water mark");
        assertEquals(0, store.prefetch(1 << 20, Long.MAX_VALUE), "past the mapping");
        store.close();
        assertEquals(0, store.prefetch(5, 6), "a closed store maps nothing");
    }

    @Test
    void committedPagesReadBackAndSurviveReopen()
    {
        final Path file = dir.resolve("db");
        final ByteBuffer[] pages = {page(PAGE, 2, 1, 1), page(PAGE, 3, 1, 1), page(PAGE, 7, 1, 1)};
        final byte[][] before = new byte[pages.length][];
        for (int i = 0; i < pages.length; i++)
        {
            pages[i].position(0).limit(PAGE);
            before[i] = bytes(pages[i], 0, PAGE);
        }
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            store.ensureCapacity(8);
            store.writePages(new long[]{2, 3, 7}, pages, 3);
            store.force();
            store.writeMeta(new Meta(PAGE, 1, 8, 2, 1, 1, 0, 0, 0, 0, 1L));
            store.force();
            store.mapUpTo(8);

            for (int i = 0; i < pages.length; i++)
            {
                assertEquals(0, pages[i].position(), "position untouched");
                assertEquals(PAGE, pages[i].limit(), "limit untouched");
                assertArrayEquals(Arrays.copyOfRange(before[i], 4, PAGE), bytes(pages[i], 4, PAGE),
                    "only the checksum changes");
                assertEquals(PageChecksum.compute(pages[i], 0, PAGE), PageChecksum.stored(pages[i], 0));
            }
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            store.wrap(3, 8, ANY_REVISION, view);
            assertEquals(PAGE, view.capacity());
            assertPage(view, PAGE, 3, 1);
        }
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertEquals(1, store.openedMeta().revision());
            assertEquals(1, store.selection().chosenSlot());
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            for (final long id : new long[]{2, 3, 7})
            {
                store.wrap(id, 8, ANY_REVISION, view);
                assertPage(view, PAGE, id, 1);
            }
        }
    }

    @Test
    void writeMetaWritesTheWholePageWithAZeroTail()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            final byte[] junk = new byte[PAGE - MetaCodec.RECORD_LENGTH];
            Arrays.fill(junk, (byte)0x5A);
            poke(file, PAGE + MetaCodec.RECORD_LENGTH, junk);

            store.writeMeta(new Meta(PAGE, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1L));

            assertArrayEquals(new byte[junk.length], peek(file, PAGE + MetaCodec.RECORD_LENGTH, junk.length));
            assertThrows(IllegalStateException.class,
                () -> store.writeMeta(new Meta(PAGE, 2, 99, 0, 0, 0, 0, 0, 0, 0, 1L)),
                "a meta whose pages are not in the file would be rejected at reopen");
        }
    }

    @Test
    void pageWithFlippedBitFailsVerificationOnEveryAttempt()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            commit(store, 1, 6, 2, 3, 4, 5);
        }
        flipBit(file, 3L * PAGE + 1000, 5);

        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            store.wrap(2, 6, ANY_REVISION, view);
            for (int attempt = 0; attempt < 3; attempt++)
            {
                final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                    () -> store.wrap(3, 6, ANY_REVISION, view));
                assertTrue(e.getMessage().contains("checksum mismatch on page 3"), e.getMessage());
            }
        }
    }

    @Test
    void firstReadVerifiesOncePerOpenWhileEveryReadVerifiesEachTime()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            commit(store, 1, 6, 2, 3, 4, 5);
        }
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            store.wrap(4, 6, ANY_REVISION, view);
            flipBit(file, 4L * PAGE + 200, 0); // visible through the mapping: one page cache
            store.wrap(4, 6, ANY_REVISION, view); // FIRST_READ: already verified in this open, not checked again
            flipBit(file, 4L * PAGE + 200, 0);
        }
        final DatabaseOptions everyRead = OPTIONS.toBuilder().pageVerification(PageVerification.EVERY_READ).build();
        try (PageStore store = PageStore.open(file, everyRead))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            store.wrap(4, 6, ANY_REVISION, view);
            flipBit(file, 4L * PAGE + 200, 0);
            assertThrows(CorruptDatabaseException.class, () -> store.wrap(4, 6, ANY_REVISION, view));
            assertThrows(CorruptDatabaseException.class, () -> store.wrap(4, 6, ANY_REVISION, view));
        }
    }

    @Test
    void pageWrittenToTheWrongPlaceIsDetectedByItsHeaderId()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            commit(store, 1, 6, 2, 3, 4, 5);
        }
        poke(file, 4L * PAGE, peek(file, 3L * PAGE, PAGE)); // a valid page, but page 3's

        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> store.wrap(4, 6, ANY_REVISION, new UnsafeBuffer(0, 0)));
            assertTrue(e.getMessage().contains("page id mismatch on page 4"), e.getMessage());
        }
    }

    @Test
    void pagesAcrossSegmentBoundariesAreReadableAndOldViewsStayValid()
    {
        final int pageSize = 512;
        final long segment = 64 * 1024; // 128 pages per segment
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(pageSize).mapSegmentSize(segment).growth(16 * pageSize, 16 * pageSize).build();
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, options))
        {
            commit(store, 1, 101, range(2, 101));
            assertEquals(store.fileSize(), store.mappedBytes());
            final UnsafeBuffer early = new UnsafeBuffer(0, 0);
            store.wrap(100, 101, ANY_REVISION, early);

            long highWater = 101;
            for (long revision = 2; highWater < 420; revision++)
            {
                final long next = highWater + 37;
                commit(store, revision, next, range(highWater, next));
                highWater = next;
            }
            assertTrue(store.mappedBytes() > 3 * segment, "spans four segments: " + store.mappedBytes());
            assertEquals(store.fileSize(), store.mappedBytes());

            assertPage(early, pageSize, 100, 1); // a view taken before the remaps still reads correctly
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            // Pages 127/128, 255/256, 383/384 straddle segment boundaries; revision r >= 2 wrote
            // [101 + 37 (r - 2), 101 + 37 (r - 1)).
            for (final long id : new long[]{101, 127, 128, 255, 256, 383, 384, highWater - 1})
            {
                store.wrap(id, highWater, ANY_REVISION, view);
                assertPage(view, pageSize, id, 2 + (id - 101) / 37);
            }
        }
        try (PageStore store = PageStore.open(file, options.toBuilder()
            .pageVerification(PageVerification.EVERY_READ).build()))
        {
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            final long highWater = store.openedMeta().highWater();
            for (long id = 2; id < highWater; id++)
            {
                store.wrap(id, highWater, ANY_REVISION, view);
                assertEquals(id, view.getLong(8, ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    @Test
    void ensureCapacityDoesNotMapTheNewPartUntilMapUpTo()
    {
        try (PageStore store = PageStore.open(dir.resolve("db"), OPTIONS))
        {
            final long mapped = store.mappedBytes();
            store.ensureCapacity(40);
            assertEquals(mapped, store.mappedBytes());
            assertTrue(store.fileSize() >= 40L * PAGE);
            final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class,
                () -> store.wrap(30, 40, ANY_REVISION, new UnsafeBuffer(0, 0)));
            assertTrue(e.getMessage().contains("beyond the mapped length"), e.getMessage());
            store.mapUpTo(40);
            assertEquals(store.fileSize(), store.mappedBytes());
        }
    }

    @Test
    void shouldGrowByWritingOnlyTheNewLastPageAndClampTheIncrement()
    {
        final Path file = dir.resolve("db");
        final DatabaseOptions options = DatabaseOptions.builder().growth(64 * 1024, 128 * 1024).build();
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(FileStorage.open(file));
        try (PageStore store = PageStore.open(storage, options))
        {
            // Positional page writes: the pages before the new last one are a hole that the commits' page writes fill
            // (FileLength.grow), so each growth is one page-sized write at the new end.
            storage.writes.clear();
            store.ensureCapacity(3); // needed 12 KiB; size/4 = 2 KiB < min 64 KiB -> 8 KiB + 64 KiB
            assertEquals(8192 + 65536, store.fileSize());
            assertEquals(store.fileSize(), storage.size());
            assertWrites(storage, new long[]{8192 + 65536 - PAGE, PAGE});
            assertArrayEquals(new byte[65536], peek(file, 8192, 65536));

            storage.writes.clear();
            store.ensureCapacity(100); // needed 400 KiB beats size + 64 KiB
            assertEquals(100L * PAGE, store.fileSize());
            assertWrites(storage, new long[]{99L * PAGE, PAGE});

            store.ensureCapacity(700); // 2800 KiB needed
            storage.writes.clear();
            store.ensureCapacity(701); // size/4 = 700 KiB clamps to max 128 KiB
            assertEquals(700L * PAGE + 128 * 1024, store.fileSize());
            assertWrites(storage, new long[]{700L * PAGE + 128 * 1024 - PAGE, PAGE});

            storage.forces.clear();
            store.force();
            store.force();
            assertEquals(Arrays.asList(true, false), storage.forces, "fsync after growth, then fdatasync");
        }
    }

    @Test
    void shouldGrowWithRealZerosWhenPagesAreWrittenThroughAMapping()
    {
        final Path file = dir.resolve("db");
        final DatabaseOptions options = DatabaseOptions.builder().growth(64 * 1024, 128 * 1024).mappedWrites(true)
            .build();
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(FileStorage.open(file));
        try (PageStore store = PageStore.open(storage, options))
        {
            // A store through a mapping into a hole on a full disk would raise SIGBUS: every byte of the new part must
            // really be written (reading zeros back proves little, a hole reads as zeros too), one page at a time.
            storage.writes.clear();
            store.ensureCapacity(3);
            assertEquals(8192 + 65536, store.fileSize());
            assertCovered(storage, 8192, 8192 + 65536);
            assertArrayEquals(new byte[65536], peek(file, 8192, 65536));

            storage.writes.clear();
            store.ensureCapacity(100);
            assertEquals(100L * PAGE, store.fileSize());
            assertCovered(storage, 8192 + 65536, 100L * PAGE);
        }
    }

    private static void assertWrites(final StoreFixtures.RecordingStorage storage, final long[]... expected)
    {
        assertEquals(expected.length, storage.writes.size(), "writes");
        for (int i = 0; i < expected.length; i++)
        {
            assertArrayEquals(expected[i], storage.writes.get(i), "write " + i + " {position, length}");
        }
    }

    private static void assertCovered(final StoreFixtures.RecordingStorage storage, final long from, final long to)
    {
        long at = from;
        for (final long[] w : storage.writes)
        {
            assertEquals(at, w[0], "contiguous zero writes");
            at += w[1];
        }
        assertEquals(to, at);
    }

    @Test
    void failedForceMakesTheStoreRefuseWritesButNotReads()
    {
        final Path file = dir.resolve("db");
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(FileStorage.open(file));
        try (PageStore store = PageStore.open(storage, OPTIONS))
        {
            commit(store, 1, 6, 2, 3, 4, 5);
            store.writePages(new long[]{2}, new ByteBuffer[]{page(PAGE, 2, 2, 2)}, 1);
            storage.failForce = true;

            assertThrows(StorageException.class, store::force);
            assertTrue(store.writesRefused());
            storage.failForce = false; // a later force would "succeed": it must not be attempted
            final int forcesSoFar = storage.forces.size();
            final int writesSoFar = storage.writes.size();

            for (final Runnable write : new Runnable[]{
                store::force,
                () -> store.ensureCapacity(1000),
                () -> store.writePages(new long[]{3}, new ByteBuffer[]{page(PAGE, 3, 2, 2)}, 1),
                () -> store.writeMeta(new Meta(PAGE, 2, 6, 2, 2, 1, 0, 0, 0, 0, 2L))})
            {
                final StorageException e = assertThrows(StorageException.class, write::run);
                assertTrue(
                    e.getMessage().contains("a previous fsync failed; the database refuses writes until reopened"),
                    e.getMessage());
            }
            assertEquals(forcesSoFar, storage.forces.size());
            assertEquals(writesSoFar, storage.writes.size());

            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            store.wrap(4, 6, ANY_REVISION, view);
            assertPage(view, PAGE, 4, 1);
        }
    }

    @Test
    void writePagesRejectsBadArgumentsBeforeWritingAnything()
    {
        final StoreFixtures.RecordingStorage storage = new StoreFixtures.RecordingStorage(
            FileStorage.open(dir.resolve("db")));
        try (PageStore store = PageStore.open(storage, OPTIONS))
        {
            store.ensureCapacity(10);
            storage.writes.clear();
            final ByteBuffer p2 = page(PAGE, 2, 1, 1);
            final ByteBuffer p3 = page(PAGE, 3, 1, 1);
            assertThrows(IllegalArgumentException.class,
                () -> store.writePages(new long[]{3, 2}, new ByteBuffer[]{p3, p2}, 2), "not ascending");
            assertThrows(IllegalArgumentException.class,
                () -> store.writePages(new long[]{2, 2}, new ByteBuffer[]{p2, p2}, 2), "duplicate");
            assertThrows(IllegalArgumentException.class,
                () -> store.writePages(new long[]{1}, new ByteBuffer[]{page(PAGE, 1, 1, 1)}, 1), "meta page");
            assertThrows(IllegalArgumentException.class,
                () -> store.writePages(new long[]{2, 4}, new ByteBuffer[]{p2, p3}, 2), "header names page 3");
            final long beyond = store.fileSize() / PAGE;
            assertThrows(IllegalStateException.class,
                () -> store.writePages(new long[]{2, beyond}, new ByteBuffer[]{p2, page(PAGE, beyond, 1, 1)}, 2));
            assertTrue(storage.writes.isEmpty());
        }
    }

    @Test
    void closedStoreRefusesReadsAndWrites()
    {
        final PageStore store = PageStore.open(dir.resolve("db"), OPTIONS);
        commit(store, 1, 4, 2, 3);
        store.close();
        store.close();
        assertThrows(DatabaseClosedException.class, () -> store.wrap(2, 4, ANY_REVISION, new UnsafeBuffer(0, 0)));
        assertThrows(DatabaseClosedException.class, () -> store.ensureCapacity(10));
    }

    @Test
    void truncatedFileOpensAtTheOlderMetaWithoutMappingPastTheEnd()
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, DatabaseOptions.builder().growth(PAGE, PAGE).build()))
        {
            commit(store, 1, 4, 2, 3);
            commit(store, 2, 40, range(4, 40));
        }
        StoreFixtures.setLength(file, 10L * PAGE);

        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertEquals(1, store.openedMeta().revision());
            assertFalse(store.selection().bothValid());
            assertEquals(10L * PAGE, store.mappedBytes());
            store.wrap(3, 4, ANY_REVISION, new UnsafeBuffer(0, 0));
        }
    }

    @Test
    void readersKeepReadingWhileTheWriterGrowsAndRemaps() throws Exception
    {
        final int pageSize = 512;
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(pageSize).mapSegmentSize(64 * 1024).growth(pageSize, 4 * pageSize).build();
        try (PageStore store = PageStore.open(dir.resolve("db"), options))
        {
            commit(store, 1, 3, 2);
            final AtomicLong published = new AtomicLong(3);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicBoolean done = new AtomicBoolean();
            final Thread[] readers = new Thread[2];
            for (int r = 0; r < readers.length; r++)
            {
                readers[r] = new Thread(() ->
                {
                    final UnsafeBuffer view = new UnsafeBuffer(0, 0);
                    try
                    {
                        while (!done.get())
                        {
                            final long highWater = published.get(); // "pin" a revision
                            for (long id = 2; id < highWater; id++)
                            {
                                store.wrap(id, highWater, ANY_REVISION, view);
                                assertEquals(id, view.getLong(8, ByteOrder.LITTLE_ENDIAN));
                            }
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                });
                readers[r].start();
            }
            long highWater = 3;
            for (long revision = 2; revision < 80; revision++)
            {
                final long next = highWater + 5;
                commit(store, revision, next, range(highWater, next));
                highWater = next;
                published.set(highWater); // publish after mapUpTo, as the engine will
            }
            done.set(true);
            for (final Thread reader : readers)
            {
                reader.join(30_000);
            }
            if (failure.get() != null)
            {
                throw new AssertionError("reader failed", failure.get());
            }
            assertTrue(store.mappedBytes() > 2 * 64 * 1024);
        }
    }

    @Test
    void checksumHelperAgreesAcrossBufferKinds()
    {
        final ByteBuffer direct = page(PAGE, 9, 1, 3);
        final byte[] array = bytes(direct, 0, PAGE);
        final int expected = PageChecksum.compute(direct, 0, PAGE);
        assertEquals(expected, PageChecksum.compute(new UnsafeBuffer(direct), PAGE));
        assertEquals(expected, PageChecksum.compute(new UnsafeBuffer(array), PAGE));
        final ByteBuffer bigEndian = ByteBuffer.allocateDirect(PAGE).put(array).clear();
        PageChecksum.stamp(bigEndian, PAGE);
        assertEquals(expected, PageChecksum.stored(bigEndian, 0));
        assertTrue(PageChecksum.matches(new UnsafeBuffer(bigEndian), PAGE));
        assertEquals(expected, ByteBuffer.wrap(bytes(bigEndian, 0, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void shouldStampWithReusedChecksumStateAndKeepPositionAndLimit()
    {
        final ByteBuffer reference = page(PAGE, 9, 1, 3);
        final int expected = PageChecksum.compute(reference, 0, PAGE);
        final CRC32C crc = new CRC32C();
        crc.update(new byte[]{1, 2, 3}); // left over from an earlier page: stamp must reset it
        final ByteBuffer big = ByteBuffer.allocateDirect(2 * PAGE);
        big.put(bytes(reference, 0, PAGE)).clear();
        big.limit(PAGE + 7).position(5);
        assertEquals(expected, PageChecksum.stamp(big, PAGE, crc));
        assertEquals(expected, PageChecksum.stored(big, 0));
        assertEquals(5, big.position());
        assertEquals(PAGE + 7, big.limit());
        final ByteBuffer bigEndian = ByteBuffer.allocateDirect(PAGE).put(bytes(reference, 0, PAGE)).clear();
        assertEquals(expected, PageChecksum.stamp(bigEndian, PAGE, crc));
        assertEquals(expected, PageChecksum.stored(bigEndian, 0));
    }
}
