package dev.cambium.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import dev.cambium.revision.NaiveRevisionList;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Negative control for {@link PinVersusRetire}: the same race on the naive protocol ({@link NaiveRevisionList}, from
 * revision-manager's test-jar, which Lincheck's negative control also runs). The bad outcome is
 * marked ACCEPTABLE_INTERESTING rather than FORBIDDEN so that seeing it (which is the point) does not fail
 * the run; the run summary shows whether this run observed it.
 */
@JCStressTest
@Description("Negative control: the naive pin (read head, then incrementAndGet) can hold a retired revision")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "reader pinned the old head first; cleaner left it alone")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "reader pinned the new head")
@Outcome(id = {"0, 1",
    "1, 1"}, expect = ACCEPTABLE_INTERESTING, desc = "the race: reader incremented a node the cleaner had already retired")
@State
public class NaivePinVersusRetire
{
    private final NaiveRevisionList list = new NaiveRevisionList();
    private NaiveRevisionList.Node pinned;

    /** Reader thread. */
    @Actor
    public void reader()
    {
        pinned = list.pin();
    }

    /** Writer and cleaner on one thread. */
    @Actor
    public void writerThenCleaner()
    {
        list.publish(1);
        list.retire();
    }

    /** Runs after both actors. */
    @Arbiter
    public void arbiter(II_Result r)
    {
        r.r1 = (int)pinned.revision;
        r.r2 = pinned.retired ? 1 : 0;
    }
}
