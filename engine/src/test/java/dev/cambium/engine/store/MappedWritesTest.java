package dev.cambium.engine.store;

import dev.cambium.DatabaseOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link FileStorage#mapWrites(long)}: a write inside the file, at or after the offset given (the first data page)
 * and inside one mapping window is copied into a read-write mapping (no positional write call); one that extends
 * the file, crosses a window or starts below that offset (a meta page) is positional; and none ever goes through a
 * mapping past the file's end, also after the file grew or was truncated; and a window that cannot be mapped sends
 * writes back to positional ones instead of failing the commit. Windows of 64 KiB here, so that a small file spans
 * several.
 */
class MappedWritesTest
{
    private static final int WINDOW_SHIFT = 16;
    private static final int WINDOW = 1 << WINDOW_SHIFT;
    private static final int PAGE = 4096;

    @TempDir
    Path dir;
    private FaultyChannel channel;
    private FileStorage storage;

    @BeforeEach
    void open()
    {
        channel = FaultyChannel.open(dir.resolve("db"), 7);
        storage = channel.storage();
        storage.mapWrites(2 * PAGE, WINDOW_SHIFT);
    }

    @AfterEach
    void close()
    {
        storage.close();
    }

    @Test
    void shouldWritePagesInsideTheFileThroughTheMapping()
    {
        storage.write(ByteBuffer.allocateDirect(3 * WINDOW), 0); // extends the file: positional
        assertEquals(1, channel.writeCalls());
        final long[] positions = {2 * PAGE, 3 * PAGE, WINDOW - PAGE, WINDOW, 2L * WINDOW + 5 * PAGE,
            3L * WINDOW - PAGE};
        for (int i = 0; i < positions.length; i++)
        {
            final ByteBuffer page = page(i + 1);
            storage.write(page, positions[i]);
            assertFalse(page.hasRemaining(), "the buffer is consumed");
        }
        assertEquals(1, channel.writeCalls(), "no positional write inside the file");
        assertEquals(3L * WINDOW, storage.size());
        for (int i = 0; i < positions.length; i++)
        {
            assertArrayEquals(bytes(page(i + 1)), read(positions[i], PAGE), "page at " + positions[i]);
        }
    }

    @Test
    void shouldWriteTheMetaPagesPositionally()
    {
        storage.write(ByteBuffer.allocateDirect(4 * PAGE), 0);
        storage.write(page(1), 0);
        storage.write(page(2), PAGE);
        assertEquals(3, channel.writeCalls());
        storage.write(page(3), 2 * PAGE);
        assertEquals(3, channel.writeCalls(), "the first data page goes through the mapping");
        assertArrayEquals(bytes(page(1)), read(0, PAGE));
        assertArrayEquals(bytes(page(2)), read(PAGE, PAGE));
        assertArrayEquals(bytes(page(3)), read(2 * PAGE, PAGE));
    }

    @Test
    void shouldWritePositionallyWhatCrossesAWindowOrTheEnd()
    {
        storage.write(ByteBuffer.allocateDirect(2 * WINDOW), 0);
        final ByteBuffer across = ByteBuffer.allocateDirect(2 * PAGE);
        across.put(0, (byte)1).put(2 * PAGE - 1, (byte)2);
        storage.write(across, WINDOW - PAGE);
        assertEquals(2, channel.writeCalls(), "crossing the window's end: positional");
        storage.write(page(9), 2L * WINDOW - PAGE / 2);
        assertEquals(3, channel.writeCalls(), "reaching past the file's end: positional");
        assertEquals(2L * WINDOW + PAGE / 2, storage.size());
        assertEquals(1, read(WINDOW - PAGE, 1)[0]);
        assertEquals(2, read(WINDOW + PAGE - 1, 1)[0]);
        assertArrayEquals(bytes(page(9)), read(2L * WINDOW - PAGE / 2, PAGE));
    }

    @Test
    void shouldMapAgainWhenTheFileGrowsInsideAWindow()
    {
        storage.write(ByteBuffer.allocateDirect(3 * PAGE), 0);
        storage.write(page(1), 2 * PAGE); // maps the first window as far as the file goes: 3 pages
        storage.write(ByteBuffer.allocateDirect(4 * PAGE), 3 * PAGE); // grows the file inside the window
        final long calls = channel.writeCalls();
        storage.write(page(2), 5 * PAGE); // past the old mapping's end, inside the file
        assertEquals(calls, channel.writeCalls(), "mapped again, not positional");
        assertArrayEquals(bytes(page(1)), read(2 * PAGE, PAGE));
        assertArrayEquals(bytes(page(2)), read(5 * PAGE, PAGE));
    }

    @Test
    void shouldNotWriteThroughAMappingPastATruncatedEnd()
    {
        storage.write(ByteBuffer.allocateDirect(8 * PAGE), 0);
        storage.write(page(1), 7 * PAGE); // maps 8 pages
        storage.truncate(2 * PAGE);
        // Inside the old mapping but past the new end: through the old mapping this would be a SIGBUS.
        final long calls = channel.writeCalls();
        storage.write(page(2), 6 * PAGE);
        assertEquals(calls + 1, channel.writeCalls(), "positional: it extends the file");
        assertEquals(7L * PAGE, storage.size());
        assertArrayEquals(bytes(page(2)), read(6 * PAGE, PAGE));
        assertArrayEquals(new byte[PAGE], read(5 * PAGE, PAGE), "the regrown part reads as zeros");
        storage.write(page(3), 3 * PAGE); // inside the file again: mapped afresh
        assertEquals(calls + 1, channel.writeCalls());
        assertArrayEquals(bytes(page(3)), read(3 * PAGE, PAGE));
    }

    @Test
    void shouldWriteACommitsDataPagesThroughTheMappingAndItsMetaPositionally()
    {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "mapped writes are for Linux only");
        final FaultyChannel own = FaultyChannel.open(dir.resolve("store"), 3);
        final DatabaseOptions options = DatabaseOptions.builder().growth(PAGE, 1 << 20).mappedWrites(true).build();
        try (PageStore store = PageStore.open(own.storage(), options))
        {
            store.ensureCapacity(8); // growth: positional
            final long before = own.writeCalls();
            final long[] ids = {2, 3, 7};
            final ByteBuffer[] pages = new ByteBuffer[ids.length];
            for (int i = 0; i < ids.length; i++)
            {
                pages[i] = StoreFixtures.page(PAGE, ids[i], 1, 1);
            }
            store.writePages(ids, pages, ids.length);
            store.force();
            store.writeMeta(new Meta(PAGE, 1, 8, 2, 1, 1, 0, 0, 0, 0, 1L));
            store.force();
            store.mapUpTo(8);
            assertEquals(before + 1, own.writeCalls(), "one positional write: the meta page");
            final UnsafeBuffer view = new UnsafeBuffer(0, 0);
            for (int i = 0; i < ids.length; i++)
            {
                store.wrap(ids[i], 8, Long.MAX_VALUE, view);
                final byte[] read = new byte[PAGE];
                view.getBytes(0, read);
                assertArrayEquals(bytes(pages[i]), read, "page " + ids[i] + " through the readers' mapping");
            }
        }
    }

    @Test
    void shouldWritePositionallyFromNowOnWhenAWindowCannotBeMapped()
    {
        storage.write(ByteBuffer.allocateDirect(4 * PAGE), 0);
        channel.failMaps(true);
        final long calls = channel.writeCalls();
        storage.write(page(1), 2 * PAGE);
        assertEquals(calls + 1, channel.writeCalls(), "positional, not a failed commit");
        assertNotNull(storage.mapFailure(), "the failure is kept for diagnosis");
        channel.failMaps(false);
        storage.write(page(2), 3 * PAGE);
        assertEquals(calls + 2, channel.writeCalls(), "positional from then on: the storage stopped mapping");
        assertArrayEquals(bytes(page(1)), read(2 * PAGE, PAGE));
        assertArrayEquals(bytes(page(2)), read(3 * PAGE, PAGE));
    }

    private static ByteBuffer page(final int seed)
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(PAGE);
        for (int i = 0; i < PAGE; i++)
        {
            b.put(i, (byte)(seed * 31 + i));
        }
        return b;
    }

    private static byte[] bytes(final ByteBuffer b)
    {
        final byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private byte[] read(final long position, final int length)
    {
        final ByteBuffer dst = ByteBuffer.allocate(length);
        storage.read(dst, position);
        return Arrays.copyOf(dst.array(), length);
    }
}
