package dev.cambium.engine;

import dev.cambium.Durability;
import dev.cambium.cleaner.Cleaner;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.engine.txn.DeferredPages;
import dev.cambium.engine.txn.GroupCommit;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The group commit leader's forces, meta write and publication, over the engine's page store and revision list: one
 * thread at a time (see {@link GroupCommit}), concurrently with the gate holder's page writes. Counts the commits it
 * publishes and the pages they wrote; {@link #commits()}, {@link #lastCommitPages()} and {@link #pagesWritten()}
 * from any thread.
 */
final class GroupCommitDevice implements GroupCommit.Device
{
    private final PageStore store;
    private final Durability durability;
    private final RevisionList<Meta> revisions;
    private final Cleaner<Meta> cleaner;
    private final AtomicLong commits = new AtomicLong();
    private volatile long lastCommitPages;
    /** Written by the leader only. */
    private volatile long pagesWritten;
    /** Pages queued revisions left in memory; null without group commit. */
    private final DeferredPages deferred;
    /** Whether the current batch started its meta write; for the refusal's reason. Leader only. */
    private boolean metaStarted;
    /** Pages of the current batch its leader did not write, not yet taken off {@link #pagesWritten}. Leader only. */
    private long notWritten;
    /** False while a batch's deferred pages are being written, true once they are (and for batches with none). */
    private boolean deferredWritten = true;

    /**
     * @param store      the page store to force and write the meta to.
     * @param durability whether to force.
     * @param revisions  the list to publish to.
     * @param cleaner    woken after each publication.
     * @param deferred   pages queued revisions left in memory for the leader to write; null without group commit.
     */
    GroupCommitDevice(final PageStore store, final Durability durability, final RevisionList<Meta> revisions,
        final Cleaner<Meta> cleaner, final DeferredPages deferred)
    {
        this.deferred = deferred;
        this.store = store;
        this.durability = durability;
        this.revisions = revisions;
        this.cleaner = cleaner;
    }

    @Override
    public void writeDeferred(final DeferredPages.Revision[] batch, final long[] superseded)
    {
        metaStarted = false;
        deferredWritten = false;
        notWritten += DeferredPages.pages(batch) - deferred.writeBatch(batch, superseded, store);
        deferredWritten = true;
    }

    @Override
    public void forceData()
    {
        metaStarted = false;
        if (durability == Durability.SYNC)
        {
            Failpoint.BEFORE_DATA_FORCE.hit();
            if (!store.listsUnforcedPages())
            {
                store.force();
            }
            Failpoint.AFTER_DATA_FORCE.hit();
        }
    }

    @Override
    public void writeMeta(final Meta meta, final long[] superseded)
    {
        Failpoint.BEFORE_META_WRITE.hit();
        metaStarted = true;
        store.writeMeta(meta, superseded);
        Failpoint.AFTER_META_WRITE.hit();
    }

    @Override
    public void forceMeta()
    {
        if (durability == Durability.SYNC)
        {
            Failpoint.BEFORE_META_FORCE.hit();
            store.force();
            Failpoint.AFTER_META_FORCE.hit();
        }
    }

    @Override
    public void publish(final Meta meta, final ObsoletePages obsolete, final int pagesWritten, final boolean newest)
    {
        if (newest)
        {
            revisions.publish(meta.revision(), meta, obsolete);
        }
        else
        {
            revisions.stage(meta.revision(), meta, obsolete);
        }
        // The new revision made pages obsolete: let the cleaner look now rather than after its next park,
        // so that the writer finds them free instead of growing the file.
        cleaner.wakeUp();
        commits.incrementAndGet();
        lastCommitPages = pagesWritten;
        // Pages of this batch that were never written (a later revision of the batch superseded them) come off the
        // count as the batch's revisions are published, never more than a revision adds, so the count only grows.
        final long skipped = Math.min(pagesWritten, notWritten);
        notWritten -= skipped;
        // One leader at a time (GroupCommit's lock orders successive leaders), so this read-add-write loses nothing.
        this.pagesWritten = this.pagesWritten + pagesWritten - skipped;
    }

    @Override
    public void failed(final Throwable cause)
    {
        // The file may hold a meta that memory does not know, a failed force may have dropped dirty pages, and
        // memory (the free space, the next base) is ahead of the durable revision. A failed force names itself.
        store.refuseWrites(!deferredWritten
            ? "a group commit failed writing its pages"
            : metaStarted
                ? "a commit failed after writing its meta page"
                : "a commit failed after its pages were written, before its meta write",
            cause);
    }

    /**
     * @return commits published since open. Any thread.
     */
    long commits()
    {
        return commits.get();
    }

    /**
     * @return pages written by the last commit published. Any thread.
     */
    long lastCommitPages()
    {
        return lastCommitPages;
    }

    /**
     * @return pages written by the commits published since open. Any thread.
     */
    long pagesWritten()
    {
        return pagesWritten;
    }
}
