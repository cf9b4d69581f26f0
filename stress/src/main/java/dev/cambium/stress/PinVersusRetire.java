package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A reader pins while the writer publishes a new head and the cleaner retires what is unpinned. The reader
 * may end up with the old head (pinned before retirement, so it survives) or the new one, but never with a
 * retired node. Result: (pinned revision, pinned node retired ? 1 : 0).
 */
@JCStressTest
@Description("A reader never holds a retired revision (RevisionList pin CAS vs retire CAS)")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "reader pinned the old head first; cleaner left it alone")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reader pinned the new head")
@Outcome(id = {"0, 1", "1, 1"}, expect = FORBIDDEN, desc = "reader holds a retired revision")
@State
public class PinVersusRetire
{
    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private RevisionNode<String> pinned;

    /** Reader thread. */
    @Actor
    public void reader()
    {
        pinned = list.pin();
    }

    /** Writer and cleaner, in program order on one thread (a third actor would not run on 2 cores). */
    @Actor
    public void writerThenCleaner()
    {
        list.publish(1, "r1", null);
        list.retire(node ->
        {
        });
    }

    /** Runs after both actors. */
    @Arbiter
    public void arbiter(II_Result r)
    {
        r.r1 = (int)pinned.revision();
        r.r2 = pinned.isRetired() ? 1 : 0;
    }
}
