package dev.cambium.engine.store;

import dev.cambium.btree.PageHeader;
import org.agrona.DirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The checksum of a non-meta page: CRC32C ({@link java.util.zip.CRC32C}, intrinsified, needs no JVM flag) over
 * bytes [{@link PageHeader#CHECKSUM_COVERS_FROM}, pageSize), stored as a little-endian u32 at
 * {@link PageHeader#CHECKSUM_OFFSET}. Stateless; any thread. None of these methods changes a buffer's position,
 * limit or byte order, because page buffers are shared (a mapped segment is read by many threads at once).
 *
 * <p>Indices are absolute and bounded by the buffer's limit: the page must lie below it.
 *
 * <p>Callers must only checksum bytes known to lie inside the file: a CRC over a mapped slice past the end of
 * a truncated file kills the JVM with SIGBUS.
 */
public final class PageChecksum
{
    private PageChecksum()
    {
    }

    /**
     * @param page     a buffer holding a page at absolute index {@code offset}.
     * @param offset   the index of the page's first byte.
     * @param pageSize the page size.
     * @return the CRC32C of the page's bytes [4, pageSize).
     */
    public static int compute(final ByteBuffer page, final int offset, final int pageSize)
    {
        final CRC32C crc = new CRC32C();
        // Absolute slice: a view with its own position, so the shared buffer is untouched.
        crc.update(page.slice(offset + PageHeader.CHECKSUM_COVERS_FROM, pageSize - PageHeader.CHECKSUM_COVERS_FROM));
        return (int)crc.getValue();
    }

    /**
     * The checksum of a page of a shared buffer without allocating: CRC32C needs a {@link ByteBuffer} for mapped
     * memory, and {@link #compute(ByteBuffer, int, int)} makes a slice (and a {@link CRC32C}) per page. A scratch
     * keeps one duplicate of the last buffer it was given and moves its window from page to page.
     *
     * <p>Threads: one at a time (a read transaction's own scratch).
     */
    public static final class Scratch
    {
        private final CRC32C crc = new CRC32C();
        private ByteBuffer source;
        private ByteBuffer window;

        /**
         * As {@link PageChecksum#compute(ByteBuffer, int, int)}.
         *
         * @param page     a buffer holding a page at absolute index {@code offset}; not changed.
         * @param offset   the index of the page's first byte.
         * @param pageSize the page size.
         * @return the CRC32C of the page's bytes [4, pageSize).
         */
        public int compute(final ByteBuffer page, final int offset, final int pageSize)
        {
            if (page != source)
            {
                // A duplicate has its own position and limit: the shared buffer is untouched.
                window = page.duplicate();
                source = page;
            }
            final ByteBuffer w = window;
            w.limit(offset + pageSize).position(offset + PageHeader.CHECKSUM_COVERS_FROM);
            crc.reset();
            crc.update(w);
            return (int)crc.getValue();
        }
    }

    /**
     * Hands out a {@link Scratch} when a page is about to be checksummed, so that a reader that verifies no page
     * (the common case with {@code FIRST_READ} once the pages it reads were verified) creates none.
     */
    @FunctionalInterface
    public interface ScratchSource
    {
        /**
         * @return the caller's scratch, created on first use.
         */
        Scratch scratch();
    }

    /**
     * @param page     a page at index 0 of an Agrona buffer (wrapping a ByteBuffer, a byte array or raw memory).
     * @param pageSize the page size.
     * @return the CRC32C of the page's bytes [4, pageSize).
     */
    public static int compute(final DirectBuffer page, final int pageSize)
    {
        final ByteBuffer bb = page.byteBuffer();
        if (bb != null)
        {
            return compute(bb, page.wrapAdjustment(), pageSize);
        }
        final byte[] array = page.byteArray();
        if (array != null)
        {
            final CRC32C crc = new CRC32C();
            crc.update(array, page.wrapAdjustment() + PageHeader.CHECKSUM_COVERS_FROM,
                pageSize - PageHeader.CHECKSUM_COVERS_FROM);
            return (int)crc.getValue();
        }
        // Raw memory (no backing object): copy through a small heap array. Slow path; tests only.
        final CRC32C crc = new CRC32C();
        final byte[] chunk = new byte[Math.min(4096, pageSize)];
        for (int i = PageHeader.CHECKSUM_COVERS_FROM; i < pageSize;)
        {
            final int n = Math.min(chunk.length, pageSize - i);
            page.getBytes(i, chunk, 0, n);
            crc.update(chunk, 0, n);
            i += n;
        }
        return (int)crc.getValue();
    }

    /**
     * @param page   a buffer holding a page at absolute index {@code offset}.
     * @param offset the index of the page's first byte.
     * @return the checksum stored in the page's header.
     */
    public static int stored(final ByteBuffer page, final int offset)
    {
        final int raw = page.getInt(offset + PageHeader.CHECKSUM_OFFSET);
        return page.order() == ByteOrder.LITTLE_ENDIAN ? raw : Integer.reverseBytes(raw);
    }

    /**
     * @param page a page at index 0.
     * @return the checksum stored in the page's header.
     */
    public static int stored(final DirectBuffer page)
    {
        return page.getInt(PageHeader.CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Computes the page's checksum and stores it at offset 0, little-endian. Changes nothing else.
     *
     * @param page     a buffer holding a page at absolute index 0.
     * @param pageSize the page size.
     * @return the checksum.
     */
    public static int stamp(final ByteBuffer page, final int pageSize)
    {
        final int crc = compute(page, 0, pageSize);
        page.putInt(PageHeader.CHECKSUM_OFFSET,
            page.order() == ByteOrder.LITTLE_ENDIAN ? crc : Integer.reverseBytes(crc));
        return crc;
    }

    /**
     * Like {@link #stamp(ByteBuffer, int)} with the caller's checksum state and no allocation (the writer stamps
     * every page it writes): the buffer's position and limit frame the computation and are restored before
     * returning, so they end as they were.
     *
     * @param page     a buffer holding a page at absolute index 0, with a capacity of at least {@code pageSize}.
     * @param pageSize the page size.
     * @param crc      checksum state owned by the calling thread; reset here.
     * @return the checksum.
     */
    public static int stamp(final ByteBuffer page, final int pageSize, final CRC32C crc)
    {
        final int position = page.position();
        final int limit = page.limit();
        crc.reset();
        try
        {
            page.limit(pageSize).position(PageHeader.CHECKSUM_COVERS_FROM);
            crc.update(page);
        }
        finally
        {
            page.limit(limit).position(position);
        }
        final int value = (int)crc.getValue();
        page.putInt(PageHeader.CHECKSUM_OFFSET,
            page.order() == ByteOrder.LITTLE_ENDIAN ? value : Integer.reverseBytes(value));
        return value;
    }

    /**
     * @param page     a page at index 0.
     * @param pageSize the page size.
     * @return true if the stored checksum matches the content.
     */
    public static boolean matches(final DirectBuffer page, final int pageSize)
    {
        return stored(page) == compute(page, pageSize);
    }
}
