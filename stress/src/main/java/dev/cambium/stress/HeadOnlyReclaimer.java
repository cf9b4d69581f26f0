package dev.cambium.stress;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jctools.queues.SpscArrayQueue;

/**
 * Negative control for {@link ReclaimVersusPin}: the reclaimer's harvest, release and SPSC hand-off with one
 * deliberate bug. Release treats the head as the only live revision, forgetting that a reader may still hold
 * an older, not yet retired revision pinned, so a page only that revision can see is handed out under it.
 */
final class HeadOnlyReclaimer<S>
{
    private final RevisionList<S> revisions;
    private final SpscArrayQueue<long[]> handOff;
    private final List<long[]> pending = new ArrayList<>(); // {from, to, page}

    HeadOnlyReclaimer(RevisionList<S> revisions, int queueCapacity)
    {
        this.revisions = revisions;
        this.handOff = new SpscArrayQueue<>(queueCapacity);
    }

    /** The agent's duty cycle: harvest, retire (harvesting what it retires), release. Cleaner thread. */
    void doWork()
    {
        revisions.forEachLinked(this::harvest);
        revisions.retire(this::harvest);
        release();
    }

    private void harvest(RevisionNode<S> node)
    {
        final ObsoletePages pages = node.harvestObsolete();
        if (pages == null)
        {
            return;
        }
        for (int i = 0; i < pages.count(); i++)
        {
            pending.add(new long[]{pages.writtenRevision(i), node.revision() - 1, pages.page(i)});
        }
    }

    /** The bug: the live set is just the head. */
    private void release()
    {
        final long head = revisions.head().revision();
        for (int i = 0; i < pending.size();)
        {
            final long[] g = pending.get(i);
            if (!(g[0] <= head && head <= g[1]) && handOff.offer(new long[]{g[2]}))
            {
                pending.remove(i);
            }
            else
            {
                i++;
            }
        }
    }

    /** Writer thread. */
    void drain(LongConsumer reusable)
    {
        long[] batch;
        while ((batch = handOff.relaxedPoll()) != null)
        {
            for (long id : batch)
            {
                reusable.accept(id);
            }
        }
    }
}
