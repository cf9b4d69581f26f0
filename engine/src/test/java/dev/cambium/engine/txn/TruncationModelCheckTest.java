package dev.cambium.engine.txn;

import dev.cambium.engine.store.Meta;
import dev.cambium.revision.ObsoletePages;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lincheck model check of the truncation race of commit step 13 (docs/design.md, section 6, "Truncating"): under
 * group commit a {@code SYNC} committer truncates after it opened the write gate, so another writer may meanwhile
 * have written pages past the newest durable high-water mark, and a leader may be writing a meta page. The engine
 * ({@code Engine.WriterTarget.shrinkFile}) truncates only if it can take the gate at once ({@code tryAcquire}) and
 * {@link GroupCommit#idle()} holds (nothing queued, no batch being forced), and then never below the higher of the
 * two meta slots' marks. This scenario runs that decision, with the real {@link GroupCommit}, beside two writers
 * that each extend the file by one page under the gate, queue their revision and wait for it to be durable (either
 * may lead). The file model records the length and each slot's mark; a fake device writes the batch's meta to the
 * slot not holding the newest one, as {@code PageStore.writeMeta} does.
 *
 * <p>What must hold: a page a writer wrote is still inside the file when its revision is durable, and every slot's
 * mark fits in the file at the end (an opener may choose either slot). A negative control drops the {@code idle()}
 * condition and must be caught: the truncation then cuts a page of a queued revision. Invocations:
 * {@code -Dcambium.lincheck.invocations}.
 */
@Isolated("Lincheck tests must not run in parallel")
class TruncationModelCheckTest
{
    /** The file at the start: 8 pages long, both slots' marks at 4, so 4 free pages at the end may be cut. */
    private static final long INITIAL_LENGTH = 8;
    private static final long INITIAL_MARK = 4;

    @Test
    void shouldNeverCutAPageOfAQueuedOrDurableRevision()
    {
        Lincheck.runConcurrentTest(ModelChecks.INVOCATIONS, () -> runRace(true));
    }

    /**
     * Negative control: truncating with the gate alone, without waiting for nothing to be in flight. A writer that
     * released the gate with its revision queued has a page past both slots' marks, and the truncation cuts it.
     */
    @Test
    void shouldCatchACutPageWhenTruncationIgnoresRevisionsInFlight()
    {
        ModelChecks.assertCaught(() -> runRace(false), "cut");
    }

    /** The file and its two meta slots; the device writes a batch's meta as {@code PageStore.writeMeta} does. */
    private static final class FileModel implements GroupCommit.Device
    {
        final AtomicReference<String> violation;
        /** The file's length in pages. */
        volatile long length = INITIAL_LENGTH;
        /** The high-water mark recorded in each meta slot. */
        final long[] slotMark = {INITIAL_MARK, INITIAL_MARK};
        /** The slot holding the newest meta written. */
        volatile int newestSlot;
        volatile long published;

        FileModel(final AtomicReference<String> violation)
        {
            this.violation = violation;
        }

        /** A page write at {@code page}: it must lie inside the file (else the write would leave a sparse hole). */
        void writePage(final long page)
        {
            if (page >= length)
            {
                violation.compareAndSet(null, "page " + page + " written past the end of a file of " + length +
                    " pages");
            }
        }

        /** {@code PageStore.shrinkFile}: never below either slot's mark. */
        void truncate()
        {
            final long keep = Math.max(slotMark[0], slotMark[1]);
            if (length > keep)
            {
                length = keep;
            }
        }

        @Override
        public void writeDeferred(final DeferredPages.Revision[] deferred, final long[] superseded)
        {
            // every revision of the model wrote its pages itself (written(..., null))
        }

        @Override
        public void forceData()
        {
        }

        @Override
        public void writeMeta(final Meta meta, final long[] superseded)
        {
            final int slot = 1 - newestSlot;
            slotMark[slot] = meta.highWater();
            newestSlot = slot;
        }

        @Override
        public void forceMeta()
        {
        }

        @Override
        public void publish(final Meta meta, final ObsoletePages obsolete, final int pagesWritten, final boolean newest)
        {
            published = meta.revision();
        }

        @Override
        public void failed(final Throwable cause)
        {
            violation.compareAndSet(null, "unexpected failure " + cause);
        }
    }

    private static Meta meta(final long revision, final long highWater)
    {
        return new Meta(4096, revision, highWater, 0, 0, 0, 0, 0, 0, 0, revision);
    }

    private static void runRace(final boolean waitForIdle)
    {
        final AtomicReference<String> violation = new AtomicReference<>();
        final FileModel file = new FileModel(violation);
        final GroupCommit group = new GroupCommit(file, 0);
        final Semaphore gate = new Semaphore(1, true);
        // The newest written revision and its mark: what the gate holder builds on (Engine.lastWritten).
        final long[] lastWritten = {0, INITIAL_MARK};
        final Runnable writer = () ->
        {
            final long revision;
            final long page;
            gate.acquireUninterruptibly();
            try
            {
                revision = lastWritten[0] + 1;
                page = lastWritten[1]; // the new page, at the base's mark
                if (file.length <= page)
                {
                    file.length = page + 1; // ensureCapacity: grow before writing
                }
                file.writePage(page);
                group.written(meta(revision, page + 1), ObsoletePages.NONE, 1, null);
                lastWritten[0] = revision;
                lastWritten[1] = page + 1;
            }
            finally
            {
                gate.release();
            }
            group.awaitDurable(revision);
            if (page >= file.length)
            {
                violation.compareAndSet(null, "page " + page + " of revision " + revision + " cut: durable with a " +
                    "file of " + file.length + " pages");
            }
        };
        // Step 13 of a commit whose committer has opened the gate (CommitTarget.shrinkFile with holdingGate false).
        final Runnable truncator = () ->
        {
            if (!gate.tryAcquire())
            {
                return; // another writer holds the gate: its commit, or close, shrinks
            }
            try
            {
                if (!waitForIdle || group.idle())
                {
                    file.truncate();
                }
            }
            finally
            {
                gate.release();
            }
        };
        final Thread a = new Thread(writer);
        final Thread b = new Thread(writer);
        final Thread c = new Thread(truncator);
        a.start();
        b.start();
        c.start();
        ModelChecks.join(a);
        ModelChecks.join(b);
        ModelChecks.join(c);
        for (int slot = 0; slot < 2; slot++)
        {
            if (file.slotMark[slot] > file.length)
            {
                violation.compareAndSet(null, "slot " + slot + "'s mark " + file.slotMark[slot] + " cut: the file " +
                    "has " + file.length + " pages");
            }
        }
        if (file.published != 2)
        {
            violation.compareAndSet(null, "after the joins " + file.published + " published, 2 written");
        }
        if (violation.get() != null)
        {
            throw new AssertionError(violation.get());
        }
    }

}
