package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.COMMIT_POINTS;
import static dev.cambium.fault.FaultFixtures.TIMEOUT_S;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.options;
import static dev.cambium.fault.FaultFixtures.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A commit held at each commit failpoint (a {@link Hold}: latches, no sleeps) does not block readers: while the
 * writer is parked there, a reader on another thread begins, reads the whole tree and ends, seeing the previous
 * revision (the new one only once it is published, i.e. when held after publish); then the commit is released and
 * completes.
 */
@ExtendWith(FaultFixtures.DisarmFailpoints.class)
class FailpointDelayTest
{
    private static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(600);

    @TempDir
    Path dir;

    @Test
    void shouldNotBlockReadersWhileACommitIsHeldAtAnyStep() throws Exception
    {
        final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "held-writer"));
        final ExecutorService readers = Executors.newSingleThreadExecutor(r -> new Thread(r, "reader"));
        try
        {
            for (final Failpoint point : COMMIT_POINTS)
            {
                final String at = "DELAY at " + point;
                try (Engine engine = SHAPE.prepare(Engine.open(dir.resolve(point.name()), options(Durability.SYNC))))
                {
                    final Hold hold = Action.hold();
                    point.arm(hold, 0, 1);
                    final Future<?> commit = writer.submit(() -> SHAPE.commit(engine, 2));
                    try
                    {
                        assertTrue(hold.awaitReached(Duration.ofSeconds(TIMEOUT_S)),
                            at + ": the commit never got there");
                        final int visible = published(point) ? 2 : 1;
                        final Future<?> read = readers.submit(() ->
                        {
                            try (ReadTransaction r = engine.beginRead())
                            {
                                SHAPE.assertVersion(r, visible, at + ", reader during the held commit");
                            }
                        });
                        try
                        {
                            read.get(TIMEOUT_S, TimeUnit.SECONDS);
                        }
                        catch (final TimeoutException e)
                        {
                            fail(at + ": a reader was blocked by the held commit");
                        }
                        assertFalse(commit.isDone(), at + ": the commit went on while held");
                    }
                    finally
                    {
                        hold.release();
                    }
                    commit.get(TIMEOUT_S, TimeUnit.SECONDS);
                    assertEquals(BASE + 1, engine.revision(), at);
                    SHAPE.assertVersion(engine, 2, at + ", after release");
                    assertClean(engine, at);
                }
                point.disarm();
            }
        }
        finally
        {
            writer.shutdownNow();
            readers.shutdownNow();
        }
        System.out.printf("failpoints: %d x DELAY (held commit, a reader on another thread read the previous " +
            "revision, or the new one once published, without waiting)%n", COMMIT_POINTS.size());
    }
}
