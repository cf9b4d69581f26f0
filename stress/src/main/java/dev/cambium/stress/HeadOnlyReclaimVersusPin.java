package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Negative control for {@link ReclaimVersusPin}: the same actors, arbiter and outcome ids on the broken
 * {@link HeadOnlyReclaimer}. The bug outcomes are ACCEPTABLE_INTERESTING instead of FORBIDDEN so that seeing
 * them (the point) does not fail the run. The window is narrow (the reader must still hold revision 0 when the
 * other actor has published, run the cleaner and drained), so a quick run may not observe it.
 */
@JCStressTest
@Description("Negative control: a reclaimer that ignores older pinned revisions hands out a page under a reader")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "page 100 not handed out before the arbiter")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "reader done with revision 0 before page 100 was handed out")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "reader pinned revision 1")
@Outcome(id = "[01], [1-7], [01]", expect = ACCEPTABLE_INTERESTING, desc = "the bug: page of the pinned revision handed out (or reused) while the reader held it")
@Outcome(expect = FORBIDDEN, desc = "impossible")
@State
public class HeadOnlyReclaimVersusPin
{
    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private final HeadOnlyReclaimer<String> reclaimer = new HeadOnlyReclaimer<>(list, 4);
    private final int[] pages = new int[2];
    private volatile int handedOut;
    private int pinnedRevision = -1;
    private int readerFlags;

    /** Reader: as in {@link ReclaimVersusPin#reader()}. */
    @Actor
    public void reader()
    {
        final RevisionNode<String> node = list.pin();
        final int k = (int)node.revision();
        int flags = 0;
        if (pages[k] != ReclaimVersusPin.INTACT)
        {
            flags |= 2;
        }
        if (k == 0 && handedOut != 0)
        {
            flags |= 1;
        }
        if (node.isRetired())
        {
            flags |= 4;
        }
        node.unpin();
        pinnedRevision = k;
        readerFlags = flags;
    }

    /** Writer and (broken) cleaner on one thread. */
    @Actor
    public void writerAndCleaner()
    {
        list.publish(1, "r1", ObsoletePages.of(100, 0));
        reclaimer.doWork();
        reclaimer.drain(id ->
        {
            pages[(int)(id - 100)] = ReclaimVersusPin.REUSED;
            handedOut = 1;
        });
    }

    /** After both actors. */
    @Arbiter
    public void arbiter(III_Result r)
    {
        r.r1 = pinnedRevision;
        r.r2 = readerFlags;
        r.r3 = handedOut;
    }
}
