package dev.cambium.cleaner;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jctools.queues.SpscArrayQueue;

/**
 * Negative control for {@link ReclaimVersusPinModelCheckTest}: a copy of {@link PageReclaimer}'s harvest,
 * release and hand-off with one deliberate bug. Its release treats the head as the only live revision,
 * i.e. it forgets that a reader may still hold an older, not yet retired revision pinned. A page visible
 * only to such a revision is then handed to the writer while the reader can still read it: exactly the
 * property the model check asserts. Everything else (harvest once per node, grouping by written revision,
 * SPSC hand-off, drain) is as in the real reclaimer. Test code only.
 */
final class HeadOnlyPageReclaimer<S>
{
    private final RevisionList<S> revisions;
    private final SpscArrayQueue<long[]> handOff;
    private final List<long[]> pending = new ArrayList<>(); // {from, to, page...}

    HeadOnlyPageReclaimer(RevisionList<S> revisions, int queueCapacity)
    {
        this.revisions = revisions;
        this.handOff = new SpscArrayQueue<>(queueCapacity);
    }

    /** As {@link PageReclaimer#harvest()}. Cleaner thread. */
    void harvest()
    {
        revisions.forEachLinked(this::harvest);
    }

    /** As {@link PageReclaimer#harvest(RevisionNode)}, one group per pair (enough for the model). */
    void harvest(RevisionNode<S> node)
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

    /** The bug: the live set is just the head, not every revision that is not retired. Cleaner thread. */
    void release()
    {
        final long head = revisions.head().revision();
        for (int i = 0; i < pending.size();)
        {
            final long[] g = pending.get(i);
            final boolean visibleToLive = g[0] <= head && head <= g[1];
            if (!visibleToLive && handOff.offer(new long[]{g[2]}))
            {
                pending.remove(i);
            }
            else
            {
                i++;
            }
        }
    }

    /** As {@link PageReclaimer#drain(LongConsumer)}. Writer thread. */
    int drain(LongConsumer reusable)
    {
        int n = 0;
        long[] batch;
        while ((batch = handOff.relaxedPoll()) != null)
        {
            for (long id : batch)
            {
                reusable.accept(id);
            }
            n += batch.length;
        }
        return n;
    }
}
