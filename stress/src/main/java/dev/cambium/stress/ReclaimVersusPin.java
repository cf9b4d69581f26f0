package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.cambium.cleaner.CleanerAgent;
import dev.cambium.cleaner.PageReclaimer;
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
 * The real cleaner path ({@link CleanerAgent#doWork()} with a {@link PageReclaimer}, hand-off through the SPSC
 * queue, drain on the writer side) against a reader, as a memory-ordering test.
 *
 * <p>Model: revision 0 can see page 100; revision 1's commit makes page 100 obsolete (pair {100, 0}), so
 * page 100 is visible exactly to revision 0. Revision 1 sees its own page 101, which nothing obsoletes. The
 * writer, on receiving page 100 from the hand-off, reuses it: a plain write of new contents, then a volatile
 * "handed out" flag.
 *
 * <p>The reader pins revision k, reads the contents of k's page with a plain read, then, still holding the
 * pin, reads the volatile flag, checks the node is not retired, and unpins. Its flags (r2):
 * <ul>
 *   <li>1: when the reader looked, still pinning revision k, k's page had already been handed to the writer
 *       (the handed-out flag is monotonic, so looking just before unpin covers the whole pinned interval);</li>
 *   <li>2: the reader's plain read of its page saw the writer's reuse write: the reuse was not ordered after
 *       the reader's use (unpin CAS → retire CAS → release → SPSC offer/poll → write);</li>
 *   <li>4: the pinned node was retired while pinned.</li>
 * </ul>
 * Any non-zero r2 is the bug. Result: (pinned revision, reader flags, page 100 handed to the writer ? 1 : 0).
 */
@JCStressTest
@Description("The real cleaner (CleanerAgent + PageReclaimer) never hands out a page a pinned revision can see")
@Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "reader held revision 0 through the cleaner's pass: page 100 held back")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "reader used revision 0 and unpinned before the retire: page 100 then reclaimed")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "reader pinned revision 1: revision 0 retired, page 100 reclaimed")
@Outcome(id = "[01], [1-7], [01]", expect = FORBIDDEN, desc = "BUG: the page of the reader's pinned revision was handed to the writer (or reused under it, "
    + "or the node retired) while the reader held the pin")
@Outcome(expect = FORBIDDEN, desc = "impossible: e.g. page 100 never handed out although revision 0 was retired")
@State
public class ReclaimVersusPin
{
    static final int INTACT = 0;
    static final int REUSED = 0xDEAD;

    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private final PageReclaimer<String> reclaimer = new PageReclaimer<>(list, 4, PageReclaimer.Policy.INTERVAL);
    private final CleanerAgent<String> agent = new CleanerAgent<>(list, reclaimer, null);

    /** Contents of pages 100 and 101: plain fields, as the engine's page memory is read without fences. */
    private final int[] pages = new int[2];
    /** Set by the writer after it reused page 100. */
    private volatile int handedOut;

    private int pinnedRevision = -1;
    private int readerFlags;

    /** Reader: pin, use the pinned revision's page, look whether it was handed out meanwhile, unpin. */
    @Actor
    public void reader()
    {
        final RevisionNode<String> node = list.pin();
        final int k = (int)node.revision();
        int flags = 0;
        if (pages[k] != INTACT)
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

    /** Writer and cleaner in program order on one thread (a third actor would not run on 2 cores). */
    @Actor
    public void writerAndCleaner()
    {
        list.publish(1, "r1", ObsoletePages.of(100, 0));
        agent.doWork();
        reclaimer.drain(id ->
        {
            pages[(int)(id - 100)] = REUSED;
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
