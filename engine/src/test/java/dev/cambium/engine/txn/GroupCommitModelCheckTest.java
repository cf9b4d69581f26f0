package dev.cambium.engine.txn;

import dev.cambium.engine.store.Meta;
import dev.cambium.revision.ObsoletePages;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lincheck model check of {@link GroupCommit}: two committers, each on its own thread, write a revision under a
 * write gate, open the gate and wait for durability (so either may lead a batch, follow the other's, or share one),
 * and a third thread drains as {@code check()} and {@code close()} do. A fake device asserts the protocol's promises
 * at each step: the meta written names only revisions whose pages were written before the data force began; a
 * revision is published only after the meta covering it was forced, once, in revision order; at most one leader at
 * a time; only the revision the durable meta names becomes visible to readers (the others of its batch are linked
 * behind it). After {@code awaitDurable(r)} returns, r must be durable and published. Lincheck explores the
 * interleavings of the lock, the condition and the fields. A negative control queues a revision before its pages
 * are written and must be caught. Invocations: {@code -Dcambium.lincheck.invocations}.
 */
@Isolated("Lincheck tests must not run in parallel")
class GroupCommitModelCheckTest
{
    private static final ObsoletePages NONE = ObsoletePages.NONE;
    private static final long[] NO_IDS = new long[0];
    private static final java.nio.ByteBuffer[] NO_PAGES = new java.nio.ByteBuffer[0];

    @Test
    void shouldPublishEveryRevisionOnceInOrderAfterItsMetaIsForcedAndOnlyThenReturn()
    {
        Lincheck.runConcurrentTest(ModelChecks.INVOCATIONS, () -> runRace(Pages.WRITTEN_BEFORE_QUEUE));
    }

    /**
     * The same race when the committers leave their pages to the leader ({@link DeferredPages}): the leader must write
     * every revision of the batch it took before the data force that the batch's meta relies on.
     */
    @Test
    void shouldWriteEveryDeferredRevisionOfABatchBeforeItsDataForce()
    {
        Lincheck.runConcurrentTest(ModelChecks.INVOCATIONS, () -> runRace(Pages.DEFERRED));
    }

    /**
     * Negative control: a committer that queues its revision before its pages are written (the order step 6 before
     * step 9 of the commit prevents). A leader may then take the revision and force before the pages exist; the
     * scenario must see that, or it could not see a broken protocol either.
     */
    @Test
    void shouldCatchAMetaWrittenBeforeItsPagesWhenARevisionIsQueuedTooEarly()
    {
        ModelChecks.assertCaught(() -> runRace(Pages.WRITTEN_AFTER_QUEUE), "before its pages");
    }

    /** The disk as the protocol must use it; every violation is recorded and thrown after the joins. */
    private static final class FakeDevice implements GroupCommit.Device
    {
        final AtomicReference<String> violation;
        /** Newest revision whose pages are written; set by the gate holder before {@link GroupCommit#written}. */
        volatile long pagesWritten;
        /** Newest revision whose deferred pages the leader wrote. */
        long deferredWritten;
        long pagesForced;
        long metaWritten;
        long metaDurable;
        long published;
        volatile boolean inLeader;

        FakeDevice(final AtomicReference<String> violation)
        {
            this.violation = violation;
        }

        private void enter()
        {
            if (inLeader)
            {
                violation.compareAndSet(null, "two leaders at once");
            }
            inLeader = true;
        }

        @Override
        public void writeDeferred(final DeferredPages.Revision[] deferred, final long[] superseded)
        {
            enter();
            for (final DeferredPages.Revision r : deferred)
            {
                if (r != null)
                {
                    if (r.revision() <= deferredWritten)
                    {
                        violation.compareAndSet(null, "deferred pages of revision " + r.revision() +
                            " written twice or out of order");
                    }
                    deferredWritten = r.revision();
                }
            }
            inLeader = false;
        }

        @Override
        public void forceData()
        {
            enter();
            pagesForced = Math.max(pagesWritten, deferredWritten);
            inLeader = false;
        }

        @Override
        public void writeMeta(final Meta meta, final long[] superseded)
        {
            enter();
            if (meta.revision() > pagesForced)
            {
                violation.compareAndSet(null, "meta of revision " + meta.revision() + " written before its pages " +
                    "were forced (forced up to " + pagesForced + ")");
            }
            metaWritten = meta.revision();
            inLeader = false;
        }

        @Override
        public void forceMeta()
        {
            enter();
            metaDurable = metaWritten;
            inLeader = false;
        }

        @Override
        public void publish(final Meta meta, final ObsoletePages obsolete, final int pagesWritten, final boolean newest)
        {
            enter();
            if (meta.revision() != published + 1)
            {
                violation.compareAndSet(null, "published " + meta.revision() + " after " + published);
            }
            if (meta.revision() > metaDurable)
            {
                violation.compareAndSet(null, "published " + meta.revision() + " before a durable meta covered it " +
                    "(durable meta " + metaDurable + ")");
            }
            // Readers may pin only a revision that a durable meta page names: the leader need not write the pages
            // of the batch's other revisions (a later revision of the batch made them obsolete).
            if (newest != (meta.revision() == metaDurable))
            {
                violation.compareAndSet(null, "revision " + meta.revision() + (newest ? " made" : " not made") +
                    " visible to readers while the durable meta names " + metaDurable);
            }
            published = meta.revision();
            inLeader = false;
        }

        @Override
        public void failed(final Throwable cause)
        {
            violation.compareAndSet(null, "unexpected failure " + cause);
        }
    }

    private static Meta meta(final long revision)
    {
        return new Meta(4096, revision, 2, 0, 0, 0, 0, 0, 0, 0, revision);
    }

    /** How a committer's pages reach the file. */
    private enum Pages
    {
        /** Written by the committer before it queues the revision (steps 6 then 9). */
        WRITTEN_BEFORE_QUEUE,
        /** Left to the leader ({@link DeferredPages}), which writes them before the data force. */
        DEFERRED,
        /** Negative control: written by the committer after it queued the revision. */
        WRITTEN_AFTER_QUEUE
    }

    private static void runRace(final Pages mode)
    {
        final boolean pagesBeforeQueue = mode == Pages.WRITTEN_BEFORE_QUEUE;
        final boolean deferred = mode == Pages.DEFERRED;
        final AtomicReference<String> violation = new AtomicReference<>();
        final FakeDevice device = new FakeDevice(violation);
        final GroupCommit group = new GroupCommit(device, 0);
        final ReentrantLock gate = new ReentrantLock();
        final long[] nextRevision = {1};
        final Runnable committer = () ->
        {
            final long revision;
            gate.lock();
            try
            {
                revision = nextRevision[0]++;
                if (pagesBeforeQueue)
                {
                    device.pagesWritten = revision; // the pages, before the revision is queued
                    group.written(meta(revision), NONE, 1, null);
                }
                else if (deferred)
                {
                    group.written(meta(revision), NONE, 1, new DeferredPages.Revision(revision, NO_IDS, NO_PAGES));
                }
                else
                {
                    group.written(meta(revision), NONE, 1, null);
                    device.pagesWritten = revision;
                }
            }
            finally
            {
                gate.unlock();
            }
            group.awaitDurable(revision);
            if (device.published < revision || device.metaDurable < revision)
            {
                violation.compareAndSet(null, "revision " + revision + " returned before it was durable and " +
                    "published (durable meta " + device.metaDurable + ", published " + device.published + ")");
            }
        };
        final Runnable drainer = () ->
        {
            gate.lock();
            try
            {
                final long newest = nextRevision[0] - 1;
                group.awaitDurable(newest);
                if (device.published != newest)
                {
                    violation.compareAndSet(null, "drain returned with " + device.published + " published, " +
                        newest + " written");
                }
            }
            finally
            {
                gate.unlock();
            }
        };
        final Thread a = new Thread(committer);
        final Thread b = new Thread(committer);
        // The negative control leaves the drainer out: a smaller space in which to find the early queueing.
        final Thread c = new Thread(pagesBeforeQueue || deferred ? drainer : () ->
        {
        });
        a.start();
        b.start();
        c.start();
        ModelChecks.join(a);
        ModelChecks.join(b);
        ModelChecks.join(c);
        group.awaitDurable(2);
        if (device.published != 2)
        {
            violation.compareAndSet(null, "after the joins " + device.published + " published, 2 written");
        }
        if (violation.get() != null)
        {
            throw new AssertionError(violation.get());
        }
    }

}
