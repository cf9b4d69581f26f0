package dev.cambium.fault;

import dev.cambium.childjvm.ChildJvm;
import dev.cambium.failpoint.Failpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.COMMIT_POINTS;
import static dev.cambium.fault.FaultFixtures.metaWritten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child JVM ({@link FailpointHaltChild}) halts ({@link Runtime#halt}) at each failpoint while committing revision
 * {@code BASE + 1} (SYNC). A process crash keeps the page cache, so the parent must find exactly: the previous
 * revision when the halt came before the meta write, the new one from the meta write on (forced or not), and the new
 * one when the cleaner halted handing pages over after the commit. Every reopened file passes {@code check()} and
 * takes further commits.
 */
class FailpointHaltTest
{
    static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(600);

    @TempDir
    Path dir;

    @Test
    void shouldReopenAtExactlyThePredictedRevisionAfterAHaltAtEveryFailpoint() throws Exception
    {
        final List<Failpoint> points = new ArrayList<>(COMMIT_POINTS);
        points.add(Failpoint.CLEANER_HANDOFF);
        final StringBuilder outcomes = new StringBuilder();
        final long start = System.nanoTime();
        for (final Failpoint point : points)
        {
            final String at = "HALT at " + point;
            final Path file = dir.resolve(point.name() + ".cambium");
            final ChildJvm.Result child = ChildJvm.run(FailpointHaltChild.class,
                List.of("-D" + Failpoint.PROPERTY + "=true"), dir.resolve(point.name() + ".out"), 120, file.toString(),
                point.name());
            assertEquals(FailpointHaltChild.HALT_STATUS, child.exitStatus(), at + ": child output:\n" + child.output());
            assertTrue(child.output().contains("failpoint " + point.name() + ": halting"), at + ":\n" + child.output());

            final boolean newRevision = point == Failpoint.CLEANER_HANDOFF || metaWritten(point);
            final long expected = newRevision ? BASE + 1 : BASE;
            SHAPE.reopenAndContinue(file, expected, newRevision ? 2 : 1, 3, at);
            outcomes.append(String.format("  %-17s -> revision %d%n", point, expected));
        }
        System.out.printf("failpoints: %d x HALT in a child JVM (%.1f s), reopened at:%n%s", points.size(),
            (System.nanoTime() - start) / 1e9, outcomes);
    }
}
