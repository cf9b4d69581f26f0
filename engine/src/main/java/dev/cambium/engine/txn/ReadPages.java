package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.store.PageStore;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The committed pages of one revision: page ids are valid below that revision's high-water mark.
 *
 * <p>Threads: one per transaction; the underlying {@link PageStore#wrap} is safe for concurrent
 * readers.
 */
public final class ReadPages implements PageReader
{
    private final PageStore store;
    private final long highWater;

    /**
     * @param store     the page store.
     * @param highWater the revision's high-water mark (page count).
     */
    public ReadPages(final PageStore store, final long highWater)
    {
        this.store = store;
        this.highWater = highWater;
    }

    @Override
    public int pageSize()
    {
        return store.pageSize();
    }

    @Override
    public void wrap(final long pageId, final UnsafeBuffer view)
    {
        store.wrap(pageId, highWater, view);
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
        return new CorruptDatabaseException("page " + pageId + " of " + store.path() + ": " + problem);
    }
}
