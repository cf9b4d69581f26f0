package dev.cambium.engine.txn;

import dev.cambium.btree.PageCopy;
import dev.cambium.btree.PageHeader;
import dev.cambium.btree.PageWriter;
import dev.cambium.engine.space.FreeSpace;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.revision.ObsoletePages;
import org.agrona.collections.Hashing;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The working memory of a write transaction: a map from page id to the transaction's private copy.
 *
 * <p><b>Design note.</b> The first change to a committed page copies it into a newly allocated page
 * id ({@link #makePrivate}); that copy is then changed in place for the rest of the transaction,
 * so a page is copied at most once per transaction. Committed pages are never written, so a
 * rollback is just {@link #release()}: nothing on disk changes. Page ids are final when allocated
 * (at the high-water mark, or reused from pages freed earlier in this transaction), so commit only
 * has to checksum and write the private pages.
 *
 * <p>Every committed page that the new revision no longer references is recorded with the revision
 * that wrote it: a page written at revision A and made obsolete by this commit (revision R) is
 * visible to revisions A..R-1 only, which is what the cleaner needs to reclaim it.
 *
 * <p>One working memory serves every write transaction of a database in turn ({@link #begin} starts one,
 * {@link #release()} ends it): its map, lists, scratch arrays and page buffers keep their capacity from one
 * transaction to the next, so a transaction of the usual size allocates nothing.
 *
 * <p>Threads: the thread of the open write transaction; the engine's write gate passes it from one
 * writer thread to the next (the gate's release happens-before the next acquire).
 */
public final class WorkingMemory implements PageWriter, FreeSpace.Changes
{
    private final PageStore store;
    /** Reusable private pages: direct buffers of one page each, wrapped once. */
    private final ArrayDeque<UnsafeBuffer> pool = new ArrayDeque<>();
    private final int pageSize;
    private final Long2ObjectHashMap<UnsafeBuffer> privatePages = new Long2ObjectHashMap<>(INITIAL_PAGES,
        Hashing.DEFAULT_LOAD_FACTOR);
    private final LongArrayList freedPrivate = new LongArrayList(INITIAL_PAGES, LongArrayList.DEFAULT_NULL_VALUE);
    private final ObsoletePages.Builder obsolete = new ObsoletePages.Builder(INITIAL_PAGES);
    private final FreeSpace freeSpace;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long[] sortedIds = new long[INITIAL_PAGES];
    private ByteBuffer[] sortedBuffers = new ByteBuffer[INITIAL_PAGES];
    private ReadPages committed;
    private long revision;
    private long highWater;
    private long copies;
    private boolean updatingFreeSpaceMap;

    /** Pages a transaction of the usual size touches; the structures grow past it and keep their size. */
    private static final int INITIAL_PAGES = 256;

    /**
     * Creates the working memory of a database's writer; {@link #begin} starts each transaction.
     *
     * @param store     the page store.
     * @param freeSpace the writer's free space; allocation takes the lowest free page first.
     */
    public WorkingMemory(final PageStore store, final FreeSpace freeSpace)
    {
        this.freeSpace = freeSpace;
        this.store = store;
        this.pageSize = store.pageSize();
    }

    /**
     * Starts a transaction. The previous one must have ended with {@link #release()}.
     *
     * @param base      the committed revision this transaction starts from (its pages).
     * @param highWater that revision's high-water mark.
     * @param revision  the revision this transaction commits as.
     */
    public void begin(final ReadPages base, final long highWater, final long revision)
    {
        this.committed = base;
        this.highWater = highWater;
        this.revision = revision;
        this.copies = 0;
        this.updatingFreeSpaceMap = false;
    }

    @Override
    public int pageSize()
    {
        return pageSize;
    }

    @Override
    public long revision()
    {
        return revision;
    }

    @Override
    public void wrap(final long pageId, final long expectedRevision, final UnsafeBuffer target)
    {
        final UnsafeBuffer p = privatePages.get(pageId);
        if (p != null)
        {
            // A private page's header holds this transaction's revision; so does every pointer this transaction
            // wrote to it. A committed pointer to it is damage (a committed page cannot point at a page the
            // revision it belongs to did not contain).
            if (expectedRevision != revision)
            {
                throw revisionMismatch(pageId, expectedRevision, revision);
            }
            target.wrap(p, 0, pageSize);
        }
        else
        {
            committed.wrap(pageId, expectedRevision, target);
        }
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
        return ReadPages.corruptPage(store, pageId, problem);
    }

    @Override
    public boolean isPrivate(final long pageId)
    {
        return privatePages.containsKey(pageId);
    }

    @Override
    public long makePrivate(final long pageId, final long expectedRevision)
    {
        if (privatePages.containsKey(pageId))
        {
            if (expectedRevision != revision)
            {
                throw revisionMismatch(pageId, expectedRevision, revision);
            }
            return pageId;
        }
        committed.wrap(pageId, expectedRevision, view); // validates the id, the checksum and the revision
        final long id = allocateId();
        final UnsafeBuffer copy = newPage(id);
        PageCopy.copy(view, copy, pageSize); // only the used bytes of a leaf or branch: the source is usually cold
        PageHeader.stamp(copy, id, revision);
        obsolete.add(pageId, expectedRevision);
        copies++;
        return id;
    }

    @Override
    public long allocate()
    {
        final long id = allocateId();
        final UnsafeBuffer page = newPage(id);
        page.setMemory(0, pageSize, (byte)0);
        PageHeader.stamp(page, id, revision);
        return id;
    }

    @Override
    public void free(final long pageId, final long pageRevision)
    {
        if (privatePages.containsKey(pageId))
        {
            if (pageRevision != revision)
            {
                throw revisionMismatch(pageId, pageRevision, revision);
            }
            pool.addLast(privatePages.remove(pageId));
            freedPrivate.addLong(pageId);
            return;
        }
        committed.wrap(pageId, pageRevision, view); // the cleaner needs the revision that really wrote the page
        obsolete.add(pageId, pageRevision);
    }

    @Override
    public void wrapWritable(final long pageId, final UnsafeBuffer target)
    {
        final UnsafeBuffer p = privatePages.get(pageId);
        if (p == null)
        {
            throw new IllegalStateException("page " + pageId + " is not private to this transaction");
        }
        target.wrap(p, 0, pageSize);
    }

    private long allocateId()
    {
        // Reuse ids freed earlier in this transaction: they were never visible to any revision. Not while
        // the free-space map is being updated: there, recycling a page the map just released can make
        // the update oscillate (release, re-use, release ...) instead of converging.
        if (!freedPrivate.isEmpty() && !updatingFreeSpaceMap)
        {
            return freedPrivate.removeAt(freedPrivate.size() - 1);
        }
        // Then the lowest page no live revision can see; grow the file only when there is none.
        final long id = freeSpace.allocate();
        return id >= 0 ? id : highWater++;
    }

    private UnsafeBuffer newPage(final long id)
    {
        UnsafeBuffer page = pool.pollLast();
        if (page == null)
        {
            page = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
        }
        privatePages.put(id, page);
        return page;
    }

    /**
     * @return true if the transaction changed any page.
     */
    public boolean isDirty()
    {
        return !privatePages.isEmpty() || obsolete.count() > 0;
    }

    /**
     * @return the high-water mark after this transaction's allocations.
     */
    public long highWater()
    {
        return highWater;
    }

    /**
     * Lowers the high-water mark over pages that the free space took out of use at the end of the file
     * ({@link FreeSpace#trimTail}); pages allocated by growing the file from now on start there.
     *
     * @param newHighWater the new mark, at most the current one; no private page may lie at or above it.
     */
    public void lowerHighWater(final long newHighWater)
    {
        if (newHighWater > highWater || newHighWater < Meta.FIRST_DATA_PAGE)
        {
            throw new IllegalArgumentException("cannot lower the high-water mark " + highWater + " to " +
                newHighWater);
        }
        highWater = newHighWater;
    }

    /**
     * @return how many committed pages were copied (each at most once).
     */
    public long copies()
    {
        return copies;
    }

    /**
     * @return the number of private pages the commit will write.
     */
    public int privatePageCount()
    {
        return privatePages.size();
    }

    /**
     * The committed pages this transaction made obsolete, each with the revision that wrote it: what the
     * cleaner needs to decide when each may be reused.
     *
     * @return an immutable copy.
     */
    public ObsoletePages obsolete()
    {
        return obsolete.build();
    }

    @Override
    public void forEachWritten(final java.util.function.LongConsumer action)
    {
        final Long2ObjectHashMap<UnsafeBuffer>.KeyIterator it = privatePages.keySet().iterator();
        while (it.hasNext())
        {
            action.accept(it.nextLong());
        }
    }

    @Override
    public void forEachNeverVisible(final java.util.function.LongConsumer action)
    {
        for (int j = 0; j < freedPrivate.size(); j++)
        {
            action.accept(freedPrivate.getLong(j));
        }
    }

    @Override
    public void forEachObsolete(final java.util.function.LongConsumer action)
    {
        for (int j = 0; j < obsolete.count(); j++)
        {
            action.accept(obsolete.page(j));
        }
    }

    /**
     * Marks the start of the free-space map update, the last change of a commit.
     */
    public void beginFreeSpaceMapUpdate()
    {
        updatingFreeSpaceMap = true;
    }

    /**
     * Sorts the private pages by id, for writing: {@link #sortedIds()} and {@link #sortedBuffers()} then hold
     * them in their first {@link #privatePageCount()} elements.
     *
     * @return the number of pages.
     */
    public int sortPages()
    {
        final int count = privatePages.size();
        if (sortedIds.length < count)
        {
            final int capacity = Math.max(count, 2 * sortedIds.length);
            sortedIds = new long[capacity];
            sortedBuffers = new ByteBuffer[capacity];
        }
        final long[] ids = sortedIds;
        final ByteBuffer[] buffers = sortedBuffers;
        int n = 0;
        final Long2ObjectHashMap<UnsafeBuffer>.KeyIterator it = privatePages.keySet().iterator();
        while (it.hasNext())
        {
            ids[n++] = it.nextLong();
        }
        Arrays.sort(ids, 0, n);
        for (int i = 0; i < n; i++)
        {
            final ByteBuffer b = privatePages.get(ids[i]).byteBuffer();
            b.clear();
            buffers[i] = b;
        }
        return n;
    }

    /**
     * @return the page ids sorted by {@link #sortPages()} (a scratch array, longer than the count).
     */
    public long[] sortedIds()
    {
        return sortedIds;
    }

    /**
     * @return the page buffers sorted by {@link #sortPages()}, in the order of {@link #sortedIds()}.
     */
    public ByteBuffer[] sortedBuffers()
    {
        return sortedBuffers;
    }

    /**
     * Returns every private page buffer to the pool. Called at the end of commit and by rollback.
     */
    public void release()
    {
        // Pages taken from the free set by a transaction that did not commit are free again (a no-op after a
        // commit, which made them used).
        freeSpace.rollback();
        for (final UnsafeBuffer p : privatePages.values())
        {
            pool.addLast(p);
        }
        privatePages.clear();
        freedPrivate.clear();
        obsolete.clear();
        committed = null;
    }
}
