package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.StorageException;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.InjectedFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.COMMIT_POINTS;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.metaWritten;
import static dev.cambium.fault.FaultFixtures.options;
import static dev.cambium.fault.FaultFixtures.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exception at each commit failpoint (SYNC durability, a commit that reuses reclaimed pages and grows the file):
 * the commit fails with the exception unchanged; the previous revision stays readable in this process, through a
 * read transaction opened before the commit and one opened after; writes are refused until reopened exactly from
 * the batch's data force on, when the revision is already queued (docs/design.md, "What a failure leaves"); before
 * that the process carries on. The file as a
 * process crash right after the failure would leave it (a copy of it: the page cache) opens at the revision the
 * table predicts, and so does the file after a clean close; {@code check()} is clean in every state.
 */
@ExtendWith(FaultFixtures.DisarmFailpoints.class)
class FailpointThrowTest
{
    private static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(600);

    @TempDir
    Path dir;

    @Test
    void shouldFailTheCommitAndKeepThePreviousRevisionWhenAnyCommitStepThrows() throws IOException
    {
        int refused = 0;
        for (final Failpoint point : COMMIT_POINTS)
        {
            final String at = "THROW at " + point;
            final Path file = dir.resolve(point.name() + ".cambium");
            final Engine engine = SHAPE.prepare(Engine.open(file, options(Durability.SYNC)));
            try
            {
                final ReadTransaction before = engine.beginRead();
                final long hits = point.hits();
                point.arm(Action.throwing());
                final InjectedFailureException thrown = assertThrows(InjectedFailureException.class,
                    () -> SHAPE.commit(engine, 2), at);
                point.disarm();
                assertSame(point, thrown.failpoint(), at);
                assertEquals(hits + 1, point.hits(), at + ": hit once by the commit");

                // In this process: the previous revision is intact, to old and new readers alike.
                final boolean visible = published(point);
                assertEquals(visible ? BASE + 1 : BASE, engine.revision(), at + ": published revision");
                SHAPE.assertVersion(before, 1, at + ", reader opened before");
                before.close();
                SHAPE.assertVersion(engine, visible ? 2 : 1, at + ", reader opened after");
                final boolean refusing = refusesWrites(point);
                assertEquals(refusing, engine.store().writesRefused(), at + ": writes refused");
                assertClean(engine, at + ", in process");

                // A process crash now leaves the page cache: a copy of the file.
                final Path crashed = dir.resolve(point.name() + ".crashed");
                Files.copy(file, crashed);
                final int crashedVersion = metaWritten(point) ? 2 : 1;
                SHAPE.reopenAndContinue(crashed, BASE + (metaWritten(point) ? 1 : 0), crashedVersion, 4,
                    at + ", crash copy");

                if (refusing)
                {
                    refused++;
                    final StorageException e = assertThrows(StorageException.class, engine::beginWrite, at);
                    assertTrue(e.getMessage().contains((metaWritten(point)
                        ? "a commit failed after writing its meta " +
                            "page"
                        : "a commit failed after its pages were written, before its meta write") +
                        "; the database refuses writes until reopened"), at + ": " + e.getMessage());
                    assertSame(thrown, e.getCause(), at + ": the refusal names the original failure");
                }
                else
                {
                    SHAPE.commit(engine, 3); // the process carries on from the previous revision
                    assertEquals(BASE + 1, engine.revision(), at);
                    SHAPE.assertVersion(engine, 3, at + ", carried on");
                    assertClean(engine, at + ", carried on");
                }
            }
            finally
            {
                engine.close();
            }
            final boolean carriedOn = !refusesWrites(point);
            SHAPE.reopenAndContinue(file, metaWritten(point) || carriedOn ? BASE + 1 : BASE,
                metaWritten(point) ? 2 : carriedOn ? 3 : 1, 4, at + ", reopened");
        }
        System.out.printf("failpoints: %d x THROW during a SYNC commit (%d refused writes until reopen, %d carried " +
            "on), each reopened twice (crash copy, clean close)%n", COMMIT_POINTS.size(), refused,
            COMMIT_POINTS.size() - refused);
    }

    /**
     * @param point a commit failpoint.
     * @return true if a failure there leaves the database refusing writes: from the moment the revision is queued for
     * its batch's forces (group commit), the writer's memory is ahead of the durable revision.
     */
    static boolean refusesWrites(final Failpoint point)
    {
        return COMMIT_POINTS.indexOf(point) >= COMMIT_POINTS.indexOf(Failpoint.BEFORE_DATA_FORCE);
    }
}
