package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageChecksum;
import dev.cambium.engine.store.PageDamage;
import dev.cambium.engine.store.PageStore;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The committed pages of one revision: page ids are valid below that revision's high-water mark, and a page
 * verified through this reader may not have been written by a later revision ({@link PageStore#wrap}).
 *
 * <p>Threads: one transaction at a time (a read transaction's is reused by the next one its thread begins,
 * {@link ReadContext}, which re-targets it with {@link #reset}); the underlying {@link PageStore#wrap} is safe for
 * concurrent readers.
 */
public final class ReadPages implements PageReader, PageChecksum.ScratchSource
{
    private final PageStore store;
    /** The write transaction's: pages of queued revisions not yet in the file. Null for readers. */
    private final DeferredPages deferred;
    private long highWater;
    private long revision;
    /** Created when this reader first checksums a page: verifying pages then allocates nothing. */
    private PageChecksum.Scratch checksums;

    /**
     * @param store the page store.
     * @param meta  the revision read: its high-water mark (page count) and its number.
     */
    public ReadPages(final PageStore store, final Meta meta)
    {
        this(store, meta, null);
    }

    /**
     * A write transaction's reader of its base revision, which may be queued and not yet written.
     *
     * @param store    the page store.
     * @param meta     the revision read.
     * @param deferred pages of queued revisions waiting for their batch's leader, read before the file; may be null.
     */
    public ReadPages(final PageStore store, final Meta meta, final DeferredPages deferred)
    {
        this.store = store;
        this.deferred = deferred;
        this.highWater = meta.highWater();
        this.revision = meta.revision();
    }

    /**
     * Re-targets this reader at another revision, for the next transaction that uses it.
     *
     * @param meta the revision read from now on.
     */
    void reset(final Meta meta)
    {
        this.highWater = meta.highWater();
        this.revision = meta.revision();
    }

    @Override
    public int pageSize()
    {
        return store.pageSize();
    }

    @Override
    public void wrap(final long pageId, final long expectedRevision, final UnsafeBuffer view)
    {
        if (deferred != null && deferred.wrap(pageId, expectedRevision, view, this))
        {
            return;
        }
        store.wrap(pageId, highWater, revision, expectedRevision, view, this);
    }

    @Override
    public long prefetch(final long pageId)
    {
        return store.prefetch(pageId, highWater);
    }

    @Override
    public PageChecksum.Scratch scratch()
    {
        if (checksums == null)
        {
            checksums = new PageChecksum.Scratch();
        }
        return checksums;
    }

    /**
     * Points {@code view} at a page and verifies it as {@link PageStore#wrap(long, long, long, UnsafeBuffer)} does,
     * without a pointer's revision to compare (the consistency check's verification pass, which compared it on
     * its walk).
     *
     * @param pageId the page.
     * @param view   the view.
     */
    public void wrapVerified(final long pageId, final UnsafeBuffer view)
    {
        store.wrap(pageId, highWater, revision, view, this);
    }

    @Override
    public RuntimeException revisionMismatch(final long pageId, final long expected, final long found)
    {
        return store.revisionMismatch(pageId, expected, found);
    }

    @Override
    public long pageLimit()
    {
        return highWater;
    }

    @Override
    public RuntimeException corrupt(final long pageId, final String problem)
    {
        return corruptPage(store, pageId, problem);
    }

    static CorruptDatabaseException corruptPage(final PageStore store, final long pageId, final String problem)
    {
        return PageDamage.page(store.path(), pageId, problem);
    }
}
