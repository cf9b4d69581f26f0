package dev.cambium.engine.store;

import dev.cambium.btree.PageHeader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Stamps a commit's pages and writes them: one write per page, or, when most of the commit's pages are adjacent, one
 * write per run of adjacent page ids (for {@link PageStore#writePages}).
 *
 * <p>Design note. Each write is a system call, and on the virtual machines this engine is measured on a system call
 * costs more than copying a page. A commit of a sequential load writes mostly new pages at the end of the file (1,000
 * ascending entries: about 36 pages in 4 runs), so one write per run saves most of its calls. But the page cache keeps
 * a file in folios as large as the writes that created them, and a later single-page write into a large folio costs
 * more than into a small one (docs/design.md, section 7). A random load frees and reuses its pages within the load,
 * one at a time, and its commits are mostly scattered pages (about 1,140 pages in 950 runs at 300,000 entries): its few
 * runs, the new end of the file, came back dearer when written whole. Hence two limits, both measured (section 7,
 * "Sequential loads"): a commit writes runs only if its pages average at least {@link #MIN_PAGES_PER_RUN} per run,
 * and a run carries at most {@link #MAX_RUN_PAGES} pages.
 *
 * <p>Under {@code mappedWrites} every page is written alone: the storage copies it into the mapping, and a run would
 * copy each page twice.
 *
 * <p>Threads: {@link #inRuns} and {@link #writeRun} one at a time, under {@link PageStore#writePages}'s lock: the
 * write-gate holder, or a group commit's leader writing the pages left to it. The static {@link #check} and
 * {@link #headerLong}, any thread.
 */
final class PageRuns
{
    /** The most pages one write carries. */
    static final int MAX_RUN_PAGES = 8;
    /** A commit whose pages average fewer per run of adjacent ids than this writes each page alone. */
    static final int MIN_PAGES_PER_RUN = 4;

    private final Storage storage;
    private final int pageSize;
    private final int pageShift;
    private final boolean runs;
    /** The writer's checksum state, reset per page: stamping allocates nothing. */
    private final CRC32C crc = new CRC32C();
    /** Where a run is assembled: {@link #MAX_RUN_PAGES} pages, allocated at the first run. */
    private ByteBuffer run;

    /**
     * @param storage  the file.
     * @param pageSize the page size, a power of two.
     * @param runs     whether adjacent pages go out in one write (false under {@code mappedWrites}).
     */
    PageRuns(final Storage storage, final int pageSize, final boolean runs)
    {
        this.storage = storage;
        this.pageSize = pageSize;
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.runs = runs;
    }

    /**
     * Checks the arguments of {@link PageStore#writePages} before any page is written, so that a bad argument writes
     * nothing, and counts the runs of adjacent ids the pages form (for {@link #inRuns}; counted here rather than in a
     * pass of their own). Reads the pages' headers; changes nothing.
     *
     * @param pageIds   ids, to be strictly ascending and at least 2.
     * @param pages     the pages, parallel, each at index 0; each to have a limit of at least {@code pageSize} and its
     *                  id in its header.
     * @param count     how many entries of the arrays to check.
     * @param pageSize  the page size.
     * @param filePages the file's length in pages: every id must lie below it.
     * @return how many runs of adjacent ids the pages form (a page with no neighbour is a run of one).
     * @throws IllegalArgumentException if the ids are not ascending, a page is too small or names another id.
     * @throws IllegalStateException    if a page lies beyond the file.
     */
    static int check(final long[] pageIds, final ByteBuffer[] pages, final int count, final int pageSize,
        final long filePages)
    {
        long previous = Meta.FIRST_DATA_PAGE - 1;
        int adjacentRuns = 0;
        for (int i = 0; i < count; i++)
        {
            final long id = pageIds[i];
            if (i == 0 || id != previous + 1)
            {
                adjacentRuns++;
            }
            if (id <= previous)
            {
                throw new IllegalArgumentException("page ids must be ascending and at least 2: " + id +
                    " after " + previous);
            }
            if (id >= filePages)
            {
                throw new IllegalStateException("page " + id + " lies beyond the file (" + filePages +
                    " pages): call ensureCapacity first");
            }
            final ByteBuffer page = pages[i];
            if (page.limit() < pageSize)
            {
                throw new IllegalArgumentException("page buffer for page " + id + " has limit " +
                    page.limit() + " < page size " + pageSize);
            }
            final long headerId = headerLong(page, PageHeader.PAGE_ID_OFFSET);
            if (headerId != id)
            {
                throw new IllegalArgumentException("page buffer for page " + id + " names page " + headerId +
                    " in its header");
            }
            previous = id;
        }
        return adjacentRuns;
    }

    /**
     * @param page   a page at index 0.
     * @param offset the offset of a u64 field of its header.
     * @return the field, little-endian whatever the buffer's byte order.
     */
    static long headerLong(final ByteBuffer page, final int offset)
    {
        final long raw = page.getLong(offset);
        return page.order() == ByteOrder.LITTLE_ENDIAN ? raw : Long.reverseBytes(raw);
    }

    /**
     * Whether a commit's pages go out in runs: only where runs are the rule, on average at least
     * {@link #MIN_PAGES_PER_RUN} pages each (never under {@code mappedWrites}).
     *
     * @param count        the commit's pages.
     * @param adjacentRuns how many runs of adjacent ids they form (a page with no neighbour is a run of one).
     * @return true to write runs with one write each.
     */
    boolean inRuns(final int count, final int adjacentRuns)
    {
        return runs && adjacentRuns > 0 && count >= MIN_PAGES_PER_RUN * adjacentRuns;
    }

    /**
     * Stamps and writes the run that starts at {@code from}: the pages after it whose ids follow on without a gap, up
     * to {@link #MAX_RUN_PAGES} and {@code count}. The buffers' content is not changed except the checksum, nor their
     * position, limit or order.
     *
     * @param pageIds ids, strictly ascending (checked by the caller).
     * @param pages   the pages, parallel, each at index 0 with a limit of at least the page size.
     * @param from    the first page to write.
     * @param count   the number of pages in the arrays.
     * @param inRuns  what {@link #inRuns} said for this commit: false writes one page.
     * @return the index after the last page written.
     * @throws StorageException if the write fails.
     */
    int writeRun(final long[] pageIds, final ByteBuffer[] pages, final int from, final int count,
        final boolean inRuns)
    {
        int end = from + 1;
        if (inRuns)
        {
            while (end < count && end - from < MAX_RUN_PAGES && pageIds[end] == pageIds[end - 1] + 1)
            {
                end++;
            }
        }
        for (int i = from; i < end; i++)
        {
            PageChecksum.stamp(pages[i], pageSize, crc);
        }
        if (end - from == 1)
        {
            writeAlone(pages[from], pageIds[from]);
        }
        else
        {
            writeTogether(pageIds[from], pages, from, end);
        }
        return end;
    }

    private void writeAlone(final ByteBuffer page, final long id)
    {
        // The page's own position and limit frame the write and are restored after it: no duplicate per page
        // (a commit of a random load writes over a thousand pages; the views showed in its allocation profile).
        final int position = page.position();
        final int limit = page.limit();
        try
        {
            page.limit(pageSize).position(0);
            storage.write(page, id << pageShift);
        }
        finally
        {
            page.limit(limit).position(position);
        }
    }

    private void writeTogether(final long firstId, final ByteBuffer[] pages, final int from, final int end)
    {
        if (run == null)
        {
            run = ByteBuffer.allocateDirect(MAX_RUN_PAGES << pageShift);
        }
        final ByteBuffer r = run;
        r.clear();
        for (int i = from; i < end; i++)
        {
            r.put((i - from) << pageShift, pages[i], 0, pageSize); // absolute: the page's position is untouched
        }
        r.limit((end - from) << pageShift);
        storage.write(r, firstId << pageShift);
    }
}
