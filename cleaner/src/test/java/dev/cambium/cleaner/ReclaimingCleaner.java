package dev.cambium.cleaner;

import dev.cambium.revision.RevisionList;
import java.util.function.LongConsumer;

/**
 * The two sides of page reclamation that {@link ReclaimVersusPinModelCheckTest} races against a reader:
 * the cleaner's duty cycle and the writer's drain of the hand-off. {@link #real} is the production path
 * ({@link CleanerAgent#doWork()} with a real {@link PageReclaimer}); {@link #headOnly} is the negative
 * control with {@link HeadOnlyPageReclaimer}, driven by the same three steps as the agent.
 */
interface ReclaimingCleaner
{
    /** Cleaner thread: one duty cycle. */
    void doWork();

    /** Writer thread: takes every page handed off so far. */
    int drain(LongConsumer reusable);

    /** The real agent and reclaimer on {@code list}. */
    static ReclaimingCleaner real(RevisionList<String> list)
    {
        final PageReclaimer<String> reclaimer = new PageReclaimer<>(list, 8, PageReclaimer.Policy.INTERVAL);
        final CleanerAgent<String> agent = new CleanerAgent<>(list, reclaimer, null);
        return new ReclaimingCleaner()
        {
            @Override
            public void doWork()
            {
                agent.doWork();
            }

            @Override
            public int drain(LongConsumer reusable)
            {
                return reclaimer.drain(reusable);
            }
        };
    }

    /** Negative control: CleanerAgent's duty cycle around the broken {@link HeadOnlyPageReclaimer}. */
    static ReclaimingCleaner headOnly(RevisionList<String> list)
    {
        final HeadOnlyPageReclaimer<String> reclaimer = new HeadOnlyPageReclaimer<>(list, 8);
        return new ReclaimingCleaner()
        {
            @Override
            public void doWork()
            {
                reclaimer.harvest();
                list.retire(reclaimer::harvest);
                reclaimer.release();
            }

            @Override
            public int drain(LongConsumer reusable)
            {
                return reclaimer.drain(reusable);
            }
        };
    }
}
