package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The writer publishes a revision whose state has plain (non-final, non-volatile) fields and whose obsolete
 * array is filled after allocation; a reader that pins it must see them fully written, because publication
 * goes through the head's volatile write and pinning through its volatile read.
 * Result: (revision, state.a, state.b, obsolete[0] or -1).
 */
@JCStressTest
@Description("A pinned revision's state and obsolete pages are never seen partially constructed")
@Outcome(id = "0, 7, 8, -1", expect = ACCEPTABLE, desc = "reader pinned the initial revision")
@Outcome(id = "1, 42, 43, 5", expect = ACCEPTABLE, desc = "reader pinned the new revision, fully built")
@Outcome(expect = FORBIDDEN, desc = "reader saw a default or partially built revision")
@State
public class RevisionPublication
{
    /** Engine-like state with plain fields, the case final-field semantics would not cover. */
    static final class PlainState
    {
        int a;
        int b;

        PlainState(int a, int b)
        {
            this.a = a;
            this.b = b;
        }
    }

    private final RevisionList<PlainState> list = new RevisionList<>(0, new PlainState(7, 8));

    /** The single writer thread. */
    @Actor
    public void writer()
    {
        list.publish(1, new PlainState(42, 43), ObsoletePages.of(5, 0));
    }

    /** A reader thread. */
    @Actor
    public void reader(IIII_Result r)
    {
        final RevisionNode<PlainState> node = list.pin();
        try
        {
            final PlainState state = node.state();
            r.r1 = (int)node.revision();
            r.r2 = state.a;
            r.r3 = state.b;
            r.r4 = node.obsolete().isEmpty() ? -1 : (int)node.obsolete().page(0);
        }
        finally
        {
            node.unpin();
        }
    }
}
