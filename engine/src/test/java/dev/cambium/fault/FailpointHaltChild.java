package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;

import java.nio.file.Path;

/**
 * Child-JVM main for {@link FailpointHaltTest}. Arguments: database file, failpoint name. Prepares the database at
 * revision {@link FaultFixtures#BASE}, arms the failpoint with {@link Action#halt}({@link #HALT_STATUS}) and commits
 * version 2 (for {@link Failpoint#CLEANER_HANDOFF}: commits version 2, then runs the cleaner). Reaching the end
 * means the failpoint never halted: it prints {@code NOT HALTED} and exits 0.
 */
public final class FailpointHaltChild
{
    /** The exit status of a halt at the failpoint. */
    static final int HALT_STATUS = 86;

    private FailpointHaltChild()
    {
    }

    /**
     * @param args database file, failpoint name.
     */
    public static void main(final String[] args)
    {
        final Path file = Path.of(args[0]);
        final Failpoint point = Failpoint.valueOf(args[1]);
        final FaultFixtures.Shape shape = FailpointHaltTest.SHAPE;
        final Engine engine = shape.prepare(Engine.open(file, FaultFixtures.options(Durability.SYNC)));
        System.out.println("prepared revision " + engine.revision());
        if (point == Failpoint.CLEANER_HANDOFF)
        {
            shape.commit(engine, 2);
            System.out.println("committed revision " + engine.revision());
            point.arm(Action.halt(HALT_STATUS));
            engine.runCleaner();
        }
        else
        {
            point.arm(Action.halt(HALT_STATUS));
            shape.commit(engine, 2);
        }
        System.out.println("NOT HALTED at " + point);
        engine.close();
    }
}
