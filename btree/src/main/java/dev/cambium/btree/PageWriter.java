package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The working memory of a write transaction, as the B+tree algorithms see it: committed pages are
 * read-only, and the first change to one makes a private copy under a newly allocated page id
 * ({@link #makePrivate(long)}); later changes in the same transaction go to that copy in place.
 *
 * <p>The B+tree code writes only into private pages obtained from {@link #makePrivate(long)} or
 * {@link #allocate()} and viewed through {@link #wrapWritable(long, UnsafeBuffer)}.
 *
 * <p>Threads: one instance per write transaction, called only by the writing thread.
 */
public interface PageWriter extends PageReader
{
    /**
     * @return the revision the transaction will commit as; stamped into the header of every page
     * it writes.
     */
    long revision();

    /**
     * @param pageId a page id.
     * @return true if the page is a private page of this transaction and may be changed in place.
     */
    boolean isPrivate(long pageId);

    /**
     * Returns a writable private version of a page.
     *
     * <p>If the page is already private it is returned unchanged. Otherwise a new page id is
     * allocated, the committed content is copied into it with its header re-stamped (page id,
     * revision), and the committed page is recorded as made obsolete by this transaction.
     *
     * <p>The private copy's header revision is {@link #revision()}: the parent stores that revision with the
     * returned id.
     *
     * @param pageId           a committed or private page.
     * @param expectedRevision the revision the pointer to {@code pageId} records (checked as by
     *                         {@link #wrap(long, long, UnsafeBuffer)}).
     * @return the id of the private copy, to be stored in the parent in place of {@code pageId}.
     */
    long makePrivate(long pageId, long expectedRevision);

    /**
     * Allocates a new private page, zero-filled except for its stamped header (page id, {@link #revision()}).
     *
     * @return the new page's id.
     */
    long allocate();

    /**
     * Records that a page is no longer referenced by the revision being built. A committed page
     * becomes obsolete as of this transaction; a private page may be handed out again by
     * {@link #allocate()} within the same transaction.
     *
     * @param pageId   the page released.
     * @param revision the revision the pointer to it records (checked as by
     *                 {@link #wrap(long, long, UnsafeBuffer)}; for a committed page, the revision the cleaner
     *                 needs).
     */
    void free(long pageId, long revision);

    /**
     * Points {@code view} at the private page {@code pageId} for reading and writing.
     *
     * @param pageId a private page of this transaction.
     * @param view   the flyweight to point at the page.
     * @throws IllegalStateException if the page is not private.
     */
    void wrapWritable(long pageId, UnsafeBuffer view);
}
