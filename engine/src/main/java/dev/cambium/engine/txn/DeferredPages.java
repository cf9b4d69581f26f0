package dev.cambium.engine.txn;

import dev.cambium.engine.store.PageStore;
import dev.cambium.revision.ObsoletePages;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

import static dev.cambium.btree.PageHeader.REVISION_OFFSET;

/**
 * The pages of written revisions that wait in memory for their batch's leader to write them (group commit,
 * {@code Durability.SYNC}): the gate holder leaves here the pages of its revision that lie over data the file
 * already holds; the leader writes every page of its batch that no later revision of the batch made obsolete,
 * skips the rest, and forces. docs/design.md, section 3, "Pages left to the leader".
 *
 * <p>Design note. With group commit each transaction of a batch copies on write from the one before it, so the
 * pages near the root (the root and upper branches, the catalog leaf, the free-space map's pages) are copied once
 * per commit, and every copy used to be written and forced, although only the last copy is referenced by the
 * batch's meta. A page written by revision r of a batch and made obsolete by a later revision of the same batch is
 * referenced by no meta that can become durable (only the newest revision of a batch gets a meta) and is seen by no
 * reader (readers pin only the head of the revision list, and of a batch only the newest revision becomes the head:
 * the others are staged behind it, {@code RevisionList.stage}): it need never reach the file. A forced page costs
 * the device about 16 µs here, so a batch is made durable sooner. The skipped page's id stays obsolete like any
 * other and reaches the cleaner with the revision that superseded it.
 *
 * <p>Only pages over data are left here ({@link #take}): a write over a page the file holds needs no new block of
 * the file system, so it cannot fail for want of space on the leader, where a failure fails the whole batch and
 * refuses writes (later revisions may be built on it). Pages into new space are written by the committing thread,
 * whose failure fails only its commit.
 *
 * <p>Until the leader has written a page, the file holds nothing valid at its id, so the gate holder, whose base
 * may be a revision of a batch not yet written, reads such pages here ({@link #wrap}, through the writer's
 * {@link ReadPages}). Readers never do: they see only the newest revision of a durable batch, whose pages were written
 * before the batch's force.
 *
 * <p>Threads and ordering.
 * <ul>
 *   <li>{@link #take} and {@link #wrap}: the write-gate holder (one thread at a time; the gate orders them).</li>
 *   <li>{@link #register}: the gate holder, before it queues the revision ({@code GroupCommit.written}), so the
 *   next gate holder, which starts after the gate is released, finds the pages here.</li>
 *   <li>{@link #writeBatch}: the batch leader (one at a time, {@code GroupCommit}'s lock orders successive
 *   leaders). It takes the batch under that lock, after every {@link #register} of its revisions. It removes a page
 *   from here only after the page's write returned, so a gate holder that no longer finds a page here reads it from
 *   the file, where it now is (the page cache is coherent with the readers' mapping). After a failed write it
 *   removes nothing: the store refuses writes, and the next writer must not read holes.</li>
 * </ul>
 * A page buffer is never reused: a gate holder may still hold a view of it after the leader removed it. The leader
 * stamps each page's checksum as it writes it: 4 bytes no reader of a copy interprets.
 */
public final class DeferredPages
{
    /** What {@link #superseded} returns when a batch superseded nothing; never written. */
    private static final long[] NONE_SUPERSEDED = new long[0];

    /**
     * A revision's private pages, copied, in ascending page order. Immutable once registered.
     *
     * @param revision the revision that wrote them.
     * @param ids      page ids, ascending.
     * @param pages    the pages, parallel to {@code ids}.
     */
    public record Revision(long revision, long[] ids, ByteBuffer[] pages)
    {
    }

    /** Revisions larger than this are written by the gate holder at once: copies must stay small. */
    public static final int MAX_PAGES = 4096;

    private final int pageSize;
    private final ConcurrentHashMap<Long, ByteBuffer> byId = new ConcurrentHashMap<>();

    /**
     * @param pageSize the page size.
     */
    public DeferredPages(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    /**
     * Takes the pages of a revision that may wait for the leader: those over data the file already holds
     * ({@link PageStore#holdsData}), copied. The others (new space, such as the grown part of the file) are moved, in
     * order, to the front of the arrays for the committing thread to write now: a full disk fails such a write, and
     * it must fail the commit, not its batch. Gate holder. The leader stamps the copies' checksums as it writes them
     * (bytes no reader of a copy interprets: a page made private is stamped again when written).
     *
     * @param revision the revision.
     * @param ids      its page ids, ascending; reordered: those to write now first, ascending.
     * @param pages    its private pages, parallel; reordered alike.
     * @param count    how many.
     * @param store    the page store.
     * @return the pages that wait, to {@link #register} when the revision is queued; null if none. The committing
     * thread writes the first {@code count - ids().length} entries of the arrays.
     */
    public Revision take(
        final long revision, final long[] ids, final ByteBuffer[] pages, final int count, final PageStore store)
    {
        int waiting = 0;
        for (int i = 0; i < count; i++)
        {
            waiting += store.holdsData(ids[i]) ? 1 : 0;
        }
        if (waiting == 0)
        {
            return null;
        }
        final long[] waitingIds = new long[waiting];
        final ByteBuffer[] copies = new ByteBuffer[waiting];
        final byte[] all = new byte[waiting * pageSize];
        int w = 0;
        int now = 0;
        for (int i = 0; i < count; i++)
        {
            final long id = ids[i];
            final ByteBuffer page = pages[i];
            if (store.holdsData(id))
            {
                final ByteBuffer copy = ByteBuffer.wrap(all, w * pageSize, pageSize).slice().order(page.order());
                copy.put(0, page, 0, pageSize);
                waitingIds[w] = id;
                copies[w++] = copy;
            }
            else
            {
                ids[now] = id;
                pages[now++] = page;
            }
        }
        return new Revision(revision, waitingIds, copies);
    }

    /**
     * Makes a revision's pages readable by the next gate holders until its leader wrote them. Gate holder, before it
     * queues the revision.
     *
     * @param r the copy.
     */
    public void register(final Revision r)
    {
        for (int i = 0; i < r.ids.length; i++)
        {
            byId.put(r.ids[i], r.pages[i]);
        }
    }

    /**
     * Points {@code view} at a page that waits here. Gate holder.
     *
     * @param pageId           the page.
     * @param expectedRevision the revision its pointer records.
     * @param view             the view.
     * @param pages            the caller's reader, for the error on a revision mismatch.
     * @return false if the page is not waiting here (read it from the file).
     */
    boolean wrap(final long pageId, final long expectedRevision, final UnsafeBuffer view, final ReadPages pages)
    {
        if (byId.isEmpty())
        {
            return false;
        }
        final ByteBuffer page = byId.get(pageId);
        if (page == null)
        {
            return false;
        }
        view.wrap(page, 0, pageSize);
        final long found = view.getLong(REVISION_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (found != expectedRevision)
        {
            throw pages.revisionMismatch(pageId, expectedRevision, found);
        }
        return true;
    }

    /**
     * @param batch a batch's revisions; null where the committing thread wrote its pages itself.
     * @return how many pages the batch left to its leader.
     */
    public static int pages(final Revision[] batch)
    {
        int total = 0;
        for (final Revision r : batch)
        {
            total += r == null ? 0 : r.ids.length;
        }
        return total;
    }

    /**
     * The pages that a revision of a batch wrote and a later revision of the same batch made obsolete: no meta page
     * names them, so the leader need not write them ({@link #writeBatch}) and the batch's meta page must not list
     * them ({@code PageStore.writeMeta}). Page ids suffice: a page id is written at most once within a batch (a page
     * becomes free only when the revision that made it obsolete is published, after its batch is durable), so an
     * obsolete entry written at or after the batch's first revision names the batch's own copy of that page.
     * Leader only.
     *
     * @param first    the batch's oldest revision.
     * @param obsolete what each revision of the batch made obsolete, oldest first.
     * @return the page ids, ascending.
     */
    public static long[] superseded(final long first, final ObsoletePages[] obsolete)
    {
        // Counted first: a batch usually supersedes few of the pages it makes obsolete (a lone commit none), so the
        // array is sized for those rather than for every obsolete page.
        int n = 0;
        for (final ObsoletePages o : obsolete)
        {
            for (int i = 0; i < o.count(); i++)
            {
                n += o.writtenRevision(i) >= first ? 1 : 0;
            }
        }
        if (n == 0)
        {
            return NONE_SUPERSEDED;
        }
        final long[] superseded = new long[n];
        n = 0;
        for (final ObsoletePages o : obsolete)
        {
            for (int i = 0; i < o.count(); i++)
            {
                if (o.writtenRevision(i) >= first)
                {
                    superseded[n++] = o.page(i);
                }
            }
        }
        Arrays.sort(superseded);
        return superseded;
    }

    /**
     * Writes the pages of a batch that its newest revision still uses, in page order, and forgets the batch's pages
     * once written. Leader only. A page written by one revision of the batch and made obsolete by a later one is not
     * written.
     *
     * @param batch      the batch's revisions, oldest first; an entry is null if its pages are already written.
     * @param superseded the pages the batch wrote and made obsolete ({@link #superseded}), ascending.
     * @param store      the page store.
     * @return the pages written.
     */
    public int writeBatch(final Revision[] batch, final long[] superseded, final PageStore store)
    {
        final long[] ids = new long[pages(batch)];
        int n = 0;
        for (final Revision r : batch)
        {
            if (r != null)
            {
                for (final long id : r.ids)
                {
                    if (Arrays.binarySearch(superseded, id) < 0)
                    {
                        ids[n++] = id;
                    }
                }
            }
        }
        Arrays.sort(ids, 0, n);
        final ByteBuffer[] pages = new ByteBuffer[n];
        for (int i = 0; i < n; i++)
        {
            pages[i] = byId.get(ids[i]);
        }
        store.writePages(ids, pages, n);
        for (final Revision r : batch)
        {
            if (r != null)
            {
                for (final long id : r.ids)
                {
                    byId.remove(id);
                }
            }
        }
        return n;
    }
}
