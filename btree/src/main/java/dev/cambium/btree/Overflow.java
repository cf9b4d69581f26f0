package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Values too large to live in a leaf are stored on a chain of overflow pages.
 *
 * <pre>
 *  Overflow page:
 *  +------------------------------+  0
 *  | common header (PageHeader)   |     type = TYPE_OVERFLOW, count = 0
 *  +------------------------------+ 24
 *  | u64 next page id (0 = last)  |
 *  +------------------------------+ 32
 *  | u64 next page's revision     |     0 on the last page
 *  +--------------+---------------+ 40
 *  | u32 bytes    | u32 reserved  |     bytes of the value held by this page
 *  +--------------+---------------+ 48
 *  | value bytes ...              |
 *  +------------------------------+ pageSize
 * </pre>
 *
 * <p>Chains are immutable once committed: a changed value gets a new chain and the old one is
 * freed whole, so copy-on-write never copies overflow pages. Reading follows at most
 * {@code ceil(length / capacity)} links, which bounds the walk even on a damaged file. Every link (the leaf
 * cell's pointer and each next pointer) records the revision that wrote the page it leads to; a chain is
 * written by one commit, so all its pages carry the same revision, and each read compares it.
 */
final class Overflow
{
    static final int NEXT_OFFSET = PageHeader.LENGTH;
    static final int NEXT_REVISION_OFFSET = PageHeader.LENGTH + 8;
    static final int LENGTH_OFFSET = PageHeader.LENGTH + 16;
    static final int DATA_OFFSET = PageHeader.LENGTH + 24;

    private Overflow()
    {
    }

    static int capacity(final int pageSize)
    {
        return pageSize - DATA_OFFSET;
    }

    /** Pages a value of {@code len} bytes needs; in long arithmetic, as len may be close to 2^31. */
    static int pagesFor(final int len, final int cap)
    {
        return (int)Math.max(1, ((long)len + cap - 1) / cap);
    }

    /**
     * Writes a value to a new chain.
     *
     * @return the id of the first page; every page of the chain carries {@link PageWriter#revision()}.
     */
    static long write(final PageWriter pages, final UnsafeBuffer view, final DirectBuffer value, final int off,
        final int len)
    {
        final int cap = capacity(pages.pageSize());
        final int n = pagesFor(len, cap);
        // Allocate back to front so each page can point at its already allocated successor.
        long next = 0;
        for (int p = n - 1; p >= 0; p--)
        {
            final long id = pages.allocate();
            pages.wrapWritable(id, view);
            final int start = p * cap;
            final int chunk = Math.min(cap, len - start);
            view.putByte(PageHeader.TYPE_OFFSET, PageHeader.TYPE_OVERFLOW);
            view.putLong(NEXT_OFFSET, next);
            view.putLong(NEXT_REVISION_OFFSET, next == 0 ? 0 : pages.revision());
            view.putInt(LENGTH_OFFSET, chunk);
            view.putBytes(DATA_OFFSET, value, off + start, chunk);
            next = id;
        }
        return next;
    }

    /**
     * Reads a whole value from its chain.
     */
    static byte[] read(
        final PageReader pages, final UnsafeBuffer view, final long first, final long firstRevision, final int len)
    {
        final int cap = capacity(pages.pageSize());
        final int maxPages = pagesFor(len, cap);
        if (maxPages > pages.pageLimit())
        {
            // A damaged length must not cost gigabytes of heap: no file this small holds such a value.
            throw pages.corrupt(first, "value of " + len + " bytes needs " + maxPages +
                " overflow pages, more than the file holds");
        }
        // Walk the chain first, allocating nothing: only a chain that really holds len bytes is copied.
        long id = first;
        long revision = firstRevision;
        long total = 0;
        for (int p = 0; p < maxPages && id != 0; p++)
        {
            final int chunk = wrapChecked(pages, view, id, revision, cap);
            if (chunk != cap && view.getLong(NEXT_OFFSET) != 0)
            {
                throw pages.corrupt(id, "overflow page holds " + chunk + " bytes but is not the last of its chain");
            }
            total += chunk;
            id = view.getLong(NEXT_OFFSET);
            revision = view.getLong(NEXT_REVISION_OFFSET);
        }
        if (total != len || id != 0)
        {
            throw pages.corrupt(first, "overflow chain does not hold exactly " + len + " bytes");
        }
        final byte[] out = new byte[len];
        id = first;
        revision = firstRevision;
        int pos = 0;
        while (pos < len)
        {
            final int chunk = wrapChecked(pages, view, id, revision, cap);
            view.getBytes(DATA_OFFSET, out, pos, chunk);
            pos += chunk;
            id = view.getLong(NEXT_OFFSET);
            revision = view.getLong(NEXT_REVISION_OFFSET);
        }
        return out;
    }

    /**
     * Frees every page of a chain.
     */
    static void free(
        final PageWriter pages, final UnsafeBuffer view, final long first, final long firstRevision, final int len)
    {
        final int cap = capacity(pages.pageSize());
        final int maxPages = pagesFor(len, cap);
        long id = first;
        long revision = firstRevision;
        for (int p = 0; p < maxPages && id != 0; p++)
        {
            wrapChecked(pages, view, id, revision, cap);
            final long next = view.getLong(NEXT_OFFSET);
            final long nextRevision = view.getLong(NEXT_REVISION_OFFSET);
            pages.free(id, revision);
            id = next;
            revision = nextRevision;
        }
    }

    /**
     * Visits every page id of a chain (for consistency checks and page accounting).
     */
    static void forEachPage(
        final PageReader pages, final UnsafeBuffer view, final long first, final long firstRevision, final int len,
        final PageVisitor visitor)
    {
        final int cap = capacity(pages.pageSize());
        final int maxPages = pagesFor(len, cap);
        long id = first;
        long revision = firstRevision;
        for (int p = 0; p < maxPages && id != 0; p++)
        {
            wrapChecked(pages, view, id, revision, cap);
            visitor.visit(id, revision);
            id = view.getLong(NEXT_OFFSET);
            revision = view.getLong(NEXT_REVISION_OFFSET);
        }
    }

    private static int wrapChecked(
        final PageReader pages, final UnsafeBuffer view, final long id, final long revision, final int cap)
    {
        if (id == 0)
        {
            throw pages.corrupt(id, "overflow chain ends early");
        }
        pages.wrap(id, revision, view);
        if (view.getByte(PageHeader.TYPE_OFFSET) != PageHeader.TYPE_OVERFLOW)
        {
            throw pages.corrupt(id, "expected an overflow page, found type " + view.getByte(PageHeader.TYPE_OFFSET));
        }
        final int chunk = view.getInt(LENGTH_OFFSET);
        if (chunk < 0 || chunk > cap)
        {
            throw pages.corrupt(id, "overflow page holds " + chunk + " bytes, capacity " + cap);
        }
        return chunk;
    }
}
