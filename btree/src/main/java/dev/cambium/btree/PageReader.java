package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Read access to the pages of one revision, as the B+tree algorithms see them.
 *
 * <p>The engine implements this over the memory-mapped file (committed pages) plus, in a write
 * transaction, the transaction's private pages. The B+tree code never does I/O; it only asks for
 * views of pages by id.
 *
 * <p>Threads: an instance belongs to one transaction and is called only by the thread using that
 * transaction.
 */
public interface PageReader
{
    /**
     * @return the page size in bytes, a power of two from 512 to 65536.
     */
    int pageSize();

    /**
     * Points {@code view} at the {@link #pageSize()} bytes of page {@code pageId}, which the pointer followed to
     * it says was written by revision {@code expectedRevision}.
     *
     * <p>The implementation validates the id (against the high-water mark) and, where configured,
     * the page checksum before the view is usable, and on every call compares the revision in the page's header
     * ({@link PageHeader#REVISION_OFFSET}) with {@code expectedRevision}: a page that differs is an older (or
     * newer) valid version of itself or another page's content, left by a lost or misdirected write, and raises
     * the exception of {@link #revisionMismatch}. An invalid page raises the exception returned by
     * {@link #corrupt(long, String)}. Views of committed pages stay valid while the transaction lives; views of
     * private pages are valid until the page is next changed. Allocation-free.
     *
     * @param pageId           the page to view; page ids 0 and 1 are the meta pages and never tree pages.
     * @param expectedRevision the revision the pointer to the page records.
     * @param view             the flyweight to point at the page.
     */
    void wrap(long pageId, long expectedRevision, UnsafeBuffer view);

    /**
     * Loads the first bytes of a page the caller expects to read soon, so that the cache and TLB misses of its first
     * touch overlap with the caller's work on the page it stands on (Java has no prefetch instruction: this is a
     * plain load whose result the caller only keeps). Checks and verifies nothing and never throws: a page id
     * outside the revision or the mapping loads nothing, and the bytes loaded are never interpreted. A cursor
     * calls it for the next leaf of a scan; the page is then read through {@link #wrap} as usual.
     *
     * @param pageId a page id, possibly invalid.
     * @return the loaded word (0 if nothing was loaded), for the caller to keep so that the load is not removed.
     */
    default long prefetch(final long pageId)
    {
        return 0;
    }

    /**
     * An upper bound on page ids (exclusive): the revision's high-water mark. Used to reject, before
     * allocating anything, a damaged cell that claims a value longer than the whole file could hold.
     *
     * @return the page-id bound; {@link Long#MAX_VALUE} if unknown.
     */
    default long pageLimit()
    {
        return Long.MAX_VALUE;
    }

    /**
     * Builds the exception thrown when a page is structurally invalid (bad type, a length or offset
     * outside the page, a cycle). The engine returns its {@code CorruptDatabaseException}.
     *
     * @param pageId  the page found to be invalid.
     * @param problem what is wrong with it.
     * @return the exception to throw; never null.
     */
    RuntimeException corrupt(long pageId, String problem);

    /**
     * Builds the exception thrown when a page's header revision is not the one the pointer to it records.
     *
     * @param pageId   the page read.
     * @param expected the revision the pointer records.
     * @param found    the revision in the page's header.
     * @return the exception to throw; never null.
     */
    default RuntimeException revisionMismatch(final long pageId, final long expected, final long found)
    {
        return corrupt(pageId, mismatchProblem(expected, found));
    }

    /**
     * @param expected the revision a pointer records.
     * @param found    the revision in the page's header.
     * @return the description of a revision mismatch, shared by every implementation's message.
     */
    static String mismatchProblem(final long expected, final long found)
    {
        return "the page holds revision " + found + " but the pointer to it expects revision " + expected +
            " (a lost or misdirected write)";
    }
}
