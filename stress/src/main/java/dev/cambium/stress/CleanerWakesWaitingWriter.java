package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.cambium.cleaner.CleanerAgent;
import dev.cambium.cleaner.PageReclaimer;
import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.TimeUnit;

/**
 * The writer's wait for the cleaner ({@link PageReclaimer#awaitCaughtUp}) against the cleaner's duty cycle
 * ({@link CleanerAgent#doWork()}, whose release step publishes the revision it caught up with and unparks the
 * waiter), as a lost-wake-up test: the two sides form a Dekker pair of volatile fields (the writer writes its
 * thread, then reads the revision; the cleaner writes the revision, then reads the thread).
 *
 * <p>Model: revision 1 made page 100 obsolete; the cleaner runs one duty cycle; the writer waits for revision 1 with
 * a bound of {@value #BOUND_MS} ms. A lost wake-up shows as a writer that stayed parked to its deadline although the
 * cleaner had caught up long before (the loop re-checks at the deadline, so it still returns true). Result:
 * (caught up, parked to the deadline, page 100 handed to the writer).
 */
@JCStressTest
@Description("A cleaner's duty cycle always wakes a writer waiting for it to catch up")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the writer saw the cleaner catch up (at once, or woken by it)")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "BUG: lost wake-up: the writer stayed parked to its deadline")
@Outcome(expect = FORBIDDEN, desc = "impossible: the cleaner ran, so the writer must see it caught up and the page")
@State
public class CleanerWakesWaitingWriter
{
    static final long BOUND_MS = 2_000;

    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private final PageReclaimer<String> reclaimer = new PageReclaimer<>(list, 4, PageReclaimer.Policy.INTERVAL);
    private final CleanerAgent<String> agent = new CleanerAgent<>(list, reclaimer, null);

    private int caughtUp;
    private int stalled;

    /** Runs before the actors, on the state's constructing thread: revision 1 is published. */
    public CleanerWakesWaitingWriter()
    {
        list.publish(1, "r1", ObsoletePages.of(100, 0));
    }

    /** The cleaner thread: one duty cycle (harvest, retire, release: publishes the revision, wakes the writer). */
    @Actor
    public void cleaner()
    {
        agent.doWork();
    }

    /** The writer thread: waits for the cleaner to catch up with revision 1. */
    @Actor
    public void writer()
    {
        final long start = System.nanoTime();
        caughtUp = reclaimer.awaitCaughtUp(1, TimeUnit.MILLISECONDS.toNanos(BOUND_MS)) ? 1 : 0;
        stalled = System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(BOUND_MS) ? 1 : 0;
    }

    /** After both actors: what the writer saw, and whether the page reached it. */
    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r1 = caughtUp;
        r.r2 = stalled;
        final int[] page = {0};
        reclaimer.drain(id -> page[0] = id == 100 ? 1 : 2);
        r.r3 = page[0];
    }
}
