package dev.cambium.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.PageChecksum;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz targets for the page decoder (the {@code Node} flyweight behind {@link BTreeReader} and
 * {@link BTreeCursor}): arbitrary page bytes must only ever raise the {@link PageReader#corrupt}
 * exception (or the cursor's {@link IllegalStateException} for an unpositioned cursor), never an
 * out-of-bounds error, a huge allocation, a hang or a stack overflow.
 *
 * <p>Input layout: byte 0 selects the page size (bit 0: 512 or 1024) and the root page (bits 1-3:
 * page 2 + (b mod 6)); the rest is cut into pages. Page ids [2, 8) map to those pages (repeated
 * cyclically when the input holds fewer than six; every id sees the same bytes when it holds one);
 * every other id is reported corrupt.
 *
 * <p>{@link #rawPage} hands the bytes over as they are (a reader that verifies neither checksums nor the
 * revision each pointer records, so every pointer is followed whatever revision it names);
 * {@link #checksummedPage} stamps each page's own id, the revision {@link #REVISION} and its correct CRC32C
 * first, and its reader verifies all three as the engine does (the root pointer records {@link #REVISION}; a
 * branch cell or overflow link naming another revision is reported corrupt), so every mutation reaches the
 * decoder as a "valid-checksum" page.
 *
 * <p>Regression inputs: {@code src/test/resources/dev/cambium/fuzz/PageDecoderFuzzTestInputs/<method>/}.
 */
class PageDecoderFuzzTest
{
    /** Ids [FIRST, LIMIT) are readable pages. */
    static final int FIRST = 2;
    static final int LIMIT = 8;
    /** The revision {@link #checksummedPage} stamps into every page, and the root pointer records. */
    static final long REVISION = 1;
    /** Bound on cursor steps per direction. */
    static final int MAX_STEPS = 10_000;

    /** The exception the test's PageReader raises for an invalid page: the only "clean" failure. */
    static final class FuzzCorruptPageException extends RuntimeException
    {
        FuzzCorruptPageException(final String message)
        {
            super(message, null, false, false);
        }
    }

    /** A page source over up to six fuzz-provided pages. */
    static final class FuzzPages implements PageReader
    {
        final int pageSize;
        final byte[][] pages = new byte[LIMIT - FIRST][];
        final boolean verify;

        FuzzPages(final byte[] data, final boolean checksummed)
        {
            final int sel = data.length > 0 ? data[0] & 0xFF : 0;
            this.pageSize = (sel & 1) == 0 ? 512 : 1024;
            this.verify = checksummed;
            final int body = Math.max(0, data.length - 1);
            final int available = Math.max(1, Math.min(LIMIT - FIRST, (body + pageSize - 1) / pageSize));
            for (int i = 0; i < pages.length; i++)
            {
                final int chunk = i % available;
                final byte[] p = new byte[pageSize];
                final int from = 1 + chunk * pageSize;
                if (from < data.length)
                {
                    System.arraycopy(data, from, p, 0, Math.min(pageSize, data.length - from));
                }
                if (checksummed)
                {
                    final UnsafeBuffer b = new UnsafeBuffer(p);
                    b.putLong(PageHeader.PAGE_ID_OFFSET, FIRST + i);
                    b.putLong(PageHeader.REVISION_OFFSET, REVISION);
                    final int crc = PageChecksum.compute(b, pageSize);
                    b.putInt(PageHeader.CHECKSUM_OFFSET, crc, java.nio.ByteOrder.LITTLE_ENDIAN);
                }
                pages[i] = p;
            }
        }

        long root(final byte[] data)
        {
            final int sel = data.length > 0 ? data[0] & 0xFF : 0;
            return FIRST + ((sel >>> 1) & 7) % (LIMIT - FIRST);
        }

        @Override
        public int pageSize()
        {
            return pageSize;
        }

        @Override
        public void wrap(final long pageId, final long expectedRevision, final UnsafeBuffer view)
        {
            if (pageId < FIRST || pageId >= LIMIT)
            {
                throw corrupt(pageId, "page id outside [" + FIRST + ", " + LIMIT + ")");
            }
            view.wrap(pages[(int)(pageId - FIRST)]);
            if (verify)
            {
                if (!PageChecksum.matches(view, pageSize))
                {
                    throw corrupt(pageId, "checksum mismatch");
                }
                if (PageHeader.pageId(view) != pageId)
                {
                    throw corrupt(pageId, "page id mismatch");
                }
                if (PageHeader.revision(view) != expectedRevision)
                {
                    throw revisionMismatch(pageId, expectedRevision, PageHeader.revision(view));
                }
            }
        }

        /** The ids that exist, like a revision's high-water mark. */
        @Override
        public long pageLimit()
        {
            return LIMIT;
        }

        @Override
        public RuntimeException corrupt(final long pageId, final String problem)
        {
            return new FuzzCorruptPageException("page " + pageId + ": " + problem);
        }
    }

    @FuzzTest(maxDuration = "3m")
    void rawPage(final byte[] data)
    {
        exercise(data, false);
    }

    @FuzzTest(maxDuration = "3m")
    void checksummedPage(final byte[] data)
    {
        exercise(data, true);
    }

    static void exercise(final byte[] data, final boolean checksummed)
    {
        final FuzzPages pages = new FuzzPages(data, checksummed);
        final long root = pages.root(data);
        final long rev = REVISION;
        final List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        keys.add(Arrays.copyOfRange(data, Math.min(1, data.length), Math.min(9, data.length)));
        keys.add(Arrays.copyOfRange(data, Math.max(0, data.length - 16), data.length));
        keys.add(new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF});

        final BTreeReader reader = new BTreeReader(pages);
        final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);

        guarded("forwardScan", () -> forwardScan(pages, root, keys));
        guarded("backwardScan", () -> backwardScan(pages, root));
        for (final byte[] k : keys)
        {
            final UnsafeBuffer kb = new UnsafeBuffer(k);
            guarded("get", () -> reader.get(root, rev, kb, 0, k.length, valueView));
            guarded("getCopy", () -> reader.getCopy(root, rev, kb, 0, k.length));
            guarded("contains", () -> reader.contains(root, rev, kb, 0, k.length));
            guarded("rank", () -> reader.rank(root, rev, kb, 0, k.length));
            guarded("seekAndStep", () -> seekAndStep(pages, root, kb, k.length));
        }
        guarded("countEntries", () -> reader.countEntries(root, rev));
        final long[] visited = new long[1];
        guarded("forEachPage", () -> reader.forEachPage(root, rev, id -> visited[0]++));
        guarded("walkPages(onError)", () -> reader.walkPages(root, rev, (id, revision) -> visited[0]++ >= 0,
            (id, e) -> requireClean(e)));
    }

    private static void forwardScan(final PageReader pages, final long root, final List<byte[]> keys)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, REVISION);
        int steps = 0;
        for (boolean ok = c.first(); ok && steps < MAX_STEPS; ok = c.next(), steps++)
        {
            final DirectBuffer k = c.key();
            if (keys.size() < 12)
            {
                keys.add(c.keyCopy());
            }
            c.compareKey(k, 0, k.capacity());
            c.value();
            c.valueCopy();
        }
    }

    private static void backwardScan(final PageReader pages, final long root)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, REVISION);
        int steps = 0;
        for (boolean ok = c.last(); ok && steps < MAX_STEPS; ok = c.prev(), steps++)
        {
            c.key();
            c.value();
        }
    }

    private static void seekAndStep(final PageReader pages, final long root, final DirectBuffer key, final int len)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, REVISION);
        if (c.seek(key, 0, len))
        {
            c.key();
            c.value();
            if (c.next())
            {
                c.key();
            }
            if (c.prev() && c.prev())
            {
                c.value();
            }
        }
    }

    /**
     * Most heap one read operation may allocate: the input holds at most six pages, so a decoder that
     * allocates more is trusting a length field it has not validated (a damaged file could make it
     * allocate up to 2 GiB per read, or fail with OutOfMemoryError).
     */
    static final long MAX_ALLOCATION = 16L << 20;

    /**
     * Runs an operation; the clean failures are swallowed, anything else propagates as a finding, and
     * so does an operation that allocated more than {@link #MAX_ALLOCATION} bytes (twice: see
     * {@link Allocation#bounded}).
     */
    static void guarded(final String what, final Runnable op)
    {
        Allocation.bounded(() ->
        {
            try
            {
                op.run();
            }
            catch (final RuntimeException e)
            {
                requireClean(e);
            }
        }, MAX_ALLOCATION, what);
    }

    static void requireClean(final RuntimeException e)
    {
        if (e instanceof FuzzCorruptPageException)
        {
            return;
        }
        if (e instanceof IllegalStateException && "cursor is not positioned on an entry".equals(e.getMessage()))
        {
            return;
        }
        throw e;
    }
}
