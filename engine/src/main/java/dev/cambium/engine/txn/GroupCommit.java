package dev.cambium.engine.txn;

import dev.cambium.StorageException;
import dev.cambium.engine.store.Meta;
import dev.cambium.revision.ObsoletePages;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: one pair of forces makes a whole batch of written revisions durable, and each committer returns
 * only once its own revision is durable and published. docs/design.md, section 3 ("Group commit"), has the protocol
 * and its race analysis.
 *
 * <p><b>Who calls what.</b>
 * <ul>
 *   <li>{@link #written} — the write transaction's thread, <i>holding the write gate</i>, once the revision's pages
 *   are written or left to the leader ({@link DeferredPages}; step 9 of the commit). So written revisions arrive one
 *   at a time, in revision order, each built on the previous one.</li>
 *   <li>{@link #awaitDurable} — the same thread, usually after it released the gate (step 11); also {@code check()}
 *   and {@code close()}, holding the gate, to drain. Any number of threads wait at once.</li>
 *   <li>{@link Device} — called only by the <b>leader</b>: the one waiting thread that found no batch in progress.
 *   There is at most one leader at a time ({@code leading}, under the lock), so the forces, the meta writes and the
 *   publications are serial, and a batch is published in revision order. No extra thread: a lone committer is its
 *   own leader and pays no hand-off.</li>
 * </ul>
 *
 * <p><b>What happens-before what.</b>
 * <ul>
 *   <li>A revision's page writes, or the registration of the pages it leaves to the leader (and its mapping, and the
 *   writer's free-space update), happen-before its {@link #written} call, which happens-before (the lock) the
 *   leader's taking of the batch, which happens-before the leader's writes of the pages left to it
 *   ({@link Device#writeDeferred}, same thread), which happen-before the data force: every page of the batch that
 *   its newest revision references is written before the force that the batch's meta relies on starts. Pages
 *   written by later transactions while the force runs are harmless: no meta written in this batch points at
 *   them.</li>
 *   <li>The data force happens-before the meta write (same thread), which happens-before the meta force, which
 *   happens-before each publication: a reader can pin only a revision whose meta is durable.</li>
 *   <li>The publications happen-before the leader's update of {@code durable} under the lock, which happens-before a
 *   waiter's return from {@link #awaitDurable}: a committer returns only once its revision is durable and visible.</li>
 *   <li>A failure is recorded under the lock before the waiters are woken: every waiter of the failed batch, and
 *   every revision written after it (built on it), throws; {@link #written} refuses new revisions.</li>
 * </ul>
 */
public final class GroupCommit
{
    /** What the leader does with a batch. Leader only (one thread at a time). */
    public interface Device
    {
        /**
         * Writes the pages that the batch's revisions left in memory ({@link DeferredPages}), except those a later
         * revision of the batch made obsolete. Called first, before {@link #forceData}.
         *
         * @param deferred   the batch's revisions, oldest first; null where the gate holder wrote the pages itself.
         * @param superseded the pages the batch wrote and made obsolete ({@link DeferredPages#superseded}).
         */
        void writeDeferred(DeferredPages.Revision[] deferred, long[] superseded);

        /**
         * Forces the data pages written so far: a no-op without sync, and where the meta page lists the unforced
         * pages instead ({@code PageStore.writeMeta}).
         */
        void forceData();

        /**
         * Writes the meta page of the batch's newest revision, to the slot that does not hold the newest durable meta.
         *
         * @param meta       the newest revision of the batch.
         * @param superseded the pages the batch wrote and made obsolete ({@link DeferredPages#superseded}): never
         *                   listed in the meta page ({@code PageStore.writeMeta}).
         */
        void writeMeta(Meta meta, long[] superseded);

        /** Forces the meta page (a no-op without sync). */
        void forceMeta();

        /**
         * Hands one revision of the batch to the revision list, oldest first. Only the newest becomes visible to
         * new readers; the others are linked before it, never to be pinned (their pages need not all be written:
         * {@link DeferredPages}).
         *
         * @param meta         the revision.
         * @param obsolete     the pages it made obsolete.
         * @param pagesWritten the pages it wrote (statistics).
         * @param newest       true for the batch's newest revision, the one its meta page names.
         */
        void publish(Meta meta, ObsoletePages obsolete, int pagesWritten, boolean newest);

        /**
         * The batch failed: refuse writes until the database is reopened (the file may hold a meta that memory does
         * not know, and the kernel may have dropped dirty pages).
         *
         * @param cause the failure.
         */
        void failed(Throwable cause);
    }

    private record Written(Meta meta, ObsoletePages obsolete, int pages, DeferredPages.Revision deferred)
    {
    }

    private final Device device;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    /** Written, not yet taken by a leader; in revision order. Under {@link #lock}. */
    private final ArrayDeque<Written> queue = new ArrayDeque<>();
    /** The newest revision durable and published. Under {@link #lock}. */
    private long durable;
    /** True while a leader works on a batch outside the lock. Under {@link #lock}. */
    private boolean leading;
    /** The first failure of a batch; from then on every revision not yet durable fails. Under {@link #lock}. */
    private Throwable failure;
    private long batches;

    /**
     * @param device  the leader's forces, meta write and publication.
     * @param durable the revision the database was opened at (durable and published).
     */
    public GroupCommit(final Device device, final long durable)
    {
        this.device = device;
        this.durable = durable;
    }

    /**
     * Queues a revision whose pages are written or left to the leader. Write-gate holder only, in revision order.
     *
     * @param meta         the revision.
     * @param obsolete     the pages it made obsolete (published with it).
     * @param pagesWritten the pages it wrote.
     * @param deferred     its pages, if they wait in memory for the leader to write them; else null (written).
     * @throws StorageException if an earlier batch failed: this revision is built on a revision that never became
     *                          durable.
     */
    public void written(
        final Meta meta, final ObsoletePages obsolete, final int pagesWritten, final DeferredPages.Revision deferred)
    {
        lock.lock();
        try
        {
            if (failure != null)
            {
                throw failed(meta.revision());
            }
            queue.addLast(new Written(meta, obsolete, pagesWritten, deferred));
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Returns once {@code revision} is durable and published, leading a batch if no other thread is (leader/follower).
     *
     * @param revision a revision passed to {@link #written}, or one already durable.
     * @throws StorageException          if the batch holding the revision, or an earlier one, failed (a follower).
     * @throws IllegalStateException    if the revision is neither durable nor queued (a caller's bug).
     * @throws RuntimeException or Error the failure itself, on the leader of the failed batch.
     */
    public void awaitDurable(final long revision)
    {
        lock.lock();
        try
        {
            while (durable < revision)
            {
                if (failure != null)
                {
                    throw failed(revision);
                }
                if (leading)
                {
                    progress.awaitUninterruptibly();
                }
                else if (queue.isEmpty())
                {
                    throw new IllegalStateException("revision " + revision + " was never queued (durable: " +
                        durable + ")");
                }
                else
                {
                    lead();
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Makes every queued revision durable with one meta write and its force (two forces if the meta cannot list the
     * unforced pages), then hands them to the revision list in order: the newest becomes visible, the others are
     * staged behind it. Called holding the lock with the queue not empty; releases it for the I/O.
     */
    private void lead()
    {
        leading = true;
        final Written[] batch = queue.toArray(new Written[0]);
        queue.clear();
        lock.unlock();
        long published = durable;
        Throwable failed = null;
        try
        {
            final long[] superseded = DeferredPages.superseded(batch[0].meta().revision(), obsoleteOf(batch));
            writeDeferred(batch, superseded);
            device.forceData();
            device.writeMeta(batch[batch.length - 1].meta(), superseded);
            device.forceMeta();
            for (int i = 0; i < batch.length; i++)
            {
                final Written w = batch[i];
                device.publish(w.meta(), w.obsolete(), w.pages(), i == batch.length - 1);
                published = w.meta().revision();
            }
        }
        catch (final RuntimeException | Error e)
        {
            failed = e;
            device.failed(e);
        }
        finally
        {
            lock.lock();
        }
        leading = false;
        durable = published;
        batches++;
        if (failed != null)
        {
            failure = failed;
        }
        progress.signalAll();
        if (failed instanceof RuntimeException)
        {
            throw (RuntimeException)failed;
        }
        if (failed != null)
        {
            throw (Error)failed;
        }
    }

    private static ObsoletePages[] obsoleteOf(final Written[] batch)
    {
        final ObsoletePages[] obsolete = new ObsoletePages[batch.length];
        for (int i = 0; i < batch.length; i++)
        {
            obsolete[i] = batch[i].obsolete();
        }
        return obsolete;
    }

    private void writeDeferred(final Written[] batch, final long[] superseded)
    {
        DeferredPages.Revision[] deferred = null;
        for (int i = 0; i < batch.length; i++)
        {
            if (batch[i].deferred() != null)
            {
                if (deferred == null)
                {
                    deferred = new DeferredPages.Revision[batch.length];
                }
                deferred[i] = batch[i].deferred();
            }
        }
        if (deferred != null)
        {
            device.writeDeferred(deferred, superseded);
        }
    }

    private StorageException failed(final long revision)
    {
        return new StorageException("commit of revision " + revision + " failed: the group commit of an earlier " +
            "or the same batch failed (" + failure + "); the database refuses writes until reopened", failure);
    }

    /**
     * Whether nothing is in flight: no revision queued, no batch being forced and none failed. Called by the write
     * gate holder, who alone queues revisions, so a true answer stays true until it queues one. Taking the lock
     * orders the last leader's meta write before whatever the caller does next (the truncation reads the slots'
     * high-water marks).
     *
     * @return true if every written revision is durable and published.
     */
    public boolean idle()
    {
        lock.lock();
        try
        {
            return queue.isEmpty() && !leading && failure == null;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Whether a batch is being made durable or a revision waits for one: then a revision queued now joins a batch
     * with others, and revisions queued after it may supersede its pages ({@link DeferredPages}). Otherwise it
     * would likely lead a batch of its own at once. Called by the write-gate holder; a hint, which may be stale by
     * the time the revision is queued.
     *
     * @return true if a leader is at work or the queue is not empty.
     */
    public boolean busy()
    {
        lock.lock();
        try
        {
            return leading || !queue.isEmpty();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return true once a batch failed. Any thread.
     */
    public boolean hasFailed()
    {
        lock.lock();
        try
        {
            return failure != null;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return batches made durable (or failed) since open: commits minus this is how many forces were shared. Any
     * thread.
     */
    public long batches()
    {
        lock.lock();
        try
        {
            return batches;
        }
        finally
        {
            lock.unlock();
        }
    }
}
