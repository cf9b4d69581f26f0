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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link PinVersusRetire} on the last refcount stripe, the one the retirement takes last: the retire CASes every
 * stripe from 0 up to a tombstone, so a pin on the last stripe races with a retirement that already holds all the
 * others and must put them back when it loses. After both actors the arbiter unpins and retires again: the old
 * revision must then retire, which shows that a retirement that lost left no stripe tombstoned (a node stuck half
 * retired could never be reclaimed). Result: (pinned revision, pinned node retired ? 1 : 0, old revision retired
 * after the unpin and a second retire ? 1 : 0).
 */
@JCStressTest
@Description("A pin on the last stripe vs a retirement that holds every other stripe")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "reader pinned the old head first; the retirement put the "
    + "stripes back; after the unpin it retires")
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "reader pinned the new head; the old one retired")
@Outcome(id = {"0, 1, .*", "1, 1, .*"}, expect = FORBIDDEN, desc = "reader holds a retired revision")
@Outcome(id = ".*, .*, 0", expect = FORBIDDEN, desc = "the old revision can no longer be retired: a lost "
    + "retirement left a stripe behind")
@State
public class PinLastStripeVersusRetire
{
    private static final int STRIPE = RevisionNode.STRIPES - 1;
    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private final RevisionNode<String> old = list.head();
    private RevisionNode<String> pinned;

    /** Reader thread, on the last stripe. */
    @Actor
    public void reader()
    {
        pinned = list.pin(STRIPE);
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
    public void arbiter(final III_Result r)
    {
        r.r1 = (int)pinned.revision();
        r.r2 = pinned.isRetired() ? 1 : 0;
        pinned.unpin(STRIPE);
        list.retire(node ->
        {
        });
        r.r3 = old.isRetired() ? 1 : 0;
    }
}
