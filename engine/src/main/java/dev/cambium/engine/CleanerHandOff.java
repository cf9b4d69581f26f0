package dev.cambium.engine;

import dev.cambium.cleaner.Cleaner;
import dev.cambium.cleaner.PageReclaimer;
import dev.cambium.engine.space.FreeSpace;
import dev.cambium.engine.store.Meta;
import dev.cambium.revision.RevisionList;

import java.util.function.LongConsumer;

/**
 * The cleaner's hand-off as the writer's free space sees it: what the cleaner released, and a bounded wait for it
 * to catch up with the published head (docs/design.md section 6, "Waiting for the cleaner instead of growing").
 * Writer thread (the write gate's holder).
 */
final class CleanerHandOff implements FreeSpace.Reclaimed
{
    private final PageReclaimer<Meta> reclaimer;
    private final Cleaner<Meta> cleaner;
    private final RevisionList<Meta> revisions;
    /** False when the cleaner runs only when called ({@code backgroundCleaner(false)}). */
    private final boolean background;
    private final long waitNanos;

    /**
     * @param reclaimer  the cleaner's reclaimer.
     * @param cleaner    the cleaner, to wake.
     * @param revisions  the revision list whose head the cleaner must catch up with.
     * @param background true if the cleaner has its own thread.
     * @param waitNanos  the longest wait for it, 0 for none.
     */
    CleanerHandOff(final PageReclaimer<Meta> reclaimer, final Cleaner<Meta> cleaner,
        final RevisionList<Meta> revisions, final boolean background, final long waitNanos)
    {
        this.reclaimer = reclaimer;
        this.cleaner = cleaner;
        this.revisions = revisions;
        this.background = background;
        this.waitNanos = waitNanos;
    }

    @Override
    public int drain(final LongConsumer reusable)
    {
        return reclaimer.drain(reusable);
    }

    @Override
    public boolean awaitCaughtUp()
    {
        // Without a cleaner thread (backgroundCleaner(false), or closed) nothing would come.
        if (waitNanos <= 0 || !background || cleaner.isClosed())
        {
            return false;
        }
        cleaner.wakeUp();
        return reclaimer.awaitCaughtUp(revisions.head().revision(), waitNanos);
    }
}
