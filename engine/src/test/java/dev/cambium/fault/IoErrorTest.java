package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.StorageException;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.StoreFixtures.RecordingStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code IOException} (EIO) on the n-th write or the n-th force of a SYNC commit that grows the file and reuses
 * reclaimed pages, for every write and force of that commit, once or from then on (a device that stopped working):
 * <ul>
 *     <li>the commit fails with a {@link StorageException} naming the operation, offset and file;</li>
 *     <li>the previous revision stays readable, to a read transaction opened before and one opened after;</li>
 *     <li>a failure before the meta write leaves the database writable: while the device keeps failing, commits
 *     keep failing cleanly; once it works, the next commit succeeds in the same process;</li>
 *     <li>a failed meta write or a failed force makes the database refuse writes until reopened, even once the
 *     device works again, and nothing is retried: no write or force reaches the storage after the failure;</li>
 *     <li>a reopen (while the device still fails, for the persistent cases, and then on a working device) finds
 *     exactly the predicted revision, {@code check()} is clean, and commits succeed on a working device.</li>
 * </ul>
 * {@code AbandonedCommitTest} covers the once-only write failure under NO_SYNC in a larger commit.
 */
class IoErrorTest
{
    private static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(150);

    @TempDir
    Path dir;

    private enum Op
    {
        WRITE, FORCE
    }

    @Test
    void shouldFailTheCommitCleanlyOnAnIoErrorAtEveryWriteAndForce()
    {
        // A dry run learns the commit's writes and forces; the commit is deterministic, so each case hits the same.
        final RecordingStorage probe = new RecordingStorage(FileStorage.open(dir.resolve("probe")));
        final int writes;
        final int forces;
        final int metaIndex;
        try (Engine engine = SHAPE.prepare(Engine.open(probe, options(Durability.SYNC))))
        {
            final int w0 = probe.writeCalls();
            final int f0 = probe.forceCalls();
            final long size0 = probe.size();
            SHAPE.commit(engine, 2);
            writes = probe.writeCalls() - w0;
            forces = probe.forceCalls() - f0;
            assertTrue(probe.size() > size0, "the commit grows the file");
            final long[] positions = probe.writePositions();
            final long[] commitWrites = Arrays.copyOfRange(positions, positions.length - writes, positions.length);
            metaIndex = writes - 1;
            assertEquals((BASE + 1) % 2 * 1024, commitWrites[metaIndex], "the meta write comes last");
            // One force, after the meta write: the meta page lists the pages not yet forced (MetaCodec, "The page
            // list"). A commit whose pages do not fit forces them first (CrashPointTest's larger scenarios).
            assertEquals(1, forces, "one force, after the meta write");
        }
        int refused = 0;
        for (final boolean persistent : new boolean[]{false, true})
        {
            for (int k = 0; k < writes; k++)
            {
                refused += runCase(Op.WRITE, k, persistent, k == metaIndex) ? 1 : 0;
            }
            for (int j = 0; j < forces; j++)
            {
                refused += runCase(Op.FORCE, j, persistent, true) ? 1 : 0;
            }
        }
        System.out.printf(
            "I/O errors: EIO at each of the %d writes and %d forces of a commit, once and from then on: " +
                "%d cases, %d left the database refusing writes until reopened%n",
            writes, forces, 2 * (writes + forces),
            refused);
    }

    /**
     * @return whether the case left the database refusing writes.
     */
    private boolean runCase(final Op op, final int n, final boolean persistent, final boolean expectRefused)
    {
        final String at = "EIO at " + op + " #" + n + (persistent ? " and every later one" : " once");
        final Path file = dir.resolve(op + "-" + n + "-" + persistent + ".cambium");
        final RecordingStorage storage = new RecordingStorage(FileStorage.open(file));
        final boolean metaOnDisk = op == Op.FORCE; // the one force follows the meta write, in the page cache
        final long expectedRevision;
        final int expectedVersion;
        try (Engine engine = SHAPE.prepare(Engine.open(storage, options(Durability.SYNC))))
        {
            final ReadTransaction before = engine.beginRead();
            arm(storage, op, n, persistent);
            final StorageException thrown = assertThrows(StorageException.class, () -> SHAPE.commit(engine, 2), at);
            assertTrue(thrown.getMessage().contains(storage.path().toString()) &&
                thrown.getMessage().contains("Input/output error") &&
                thrown.getMessage().contains(op == Op.WRITE ? "bytes at offset" : "sync of"), at + ": " + thrown);

            assertEquals(BASE, engine.revision(), at + ": nothing published");
            SHAPE.assertVersion(before, 1, at + ", reader opened before");
            before.close();
            SHAPE.assertVersion(engine, 1, at + ", reader opened after");
            assertEquals(expectRefused, engine.store().writesRefused(), at + ": writes refused");
            assertClean(engine, at + ", in process");

            if (expectRefused)
            {
                final int writeCalls = storage.writeCalls();
                final int forceCalls = storage.forceCalls();
                disarm(storage); // the device works again: the database must still not trust what it lost
                final StorageException refusal = assertThrows(StorageException.class, engine::beginWrite, at);
                assertTrue(
                    refusal.getMessage().contains(
                        op == Op.FORCE ? "a previous fsync failed" : "a commit failed after writing its meta page"),
                    at + ": " + refusal.getMessage());
                assertTrue(refusal.getMessage().contains("refuses writes until reopened"), refusal.getMessage());
                SHAPE.assertVersion(engine, 1, at + ", reads after the refusal");
                assertEquals(writeCalls, storage.writeCalls(), at + ": a write was attempted after the failure");
                assertEquals(forceCalls, storage.forceCalls(), at + ": a force was retried after the failure");
                expectedRevision = metaOnDisk ? BASE + 1 : BASE;
                expectedVersion = metaOnDisk ? 2 : 1;
            }
            else
            {
                if (persistent)
                {
                    assertThrows(StorageException.class, () -> SHAPE.commit(engine, 2), at + ": still failing");
                    SHAPE.assertVersion(engine, 1, at + ", reads while the device fails");
                }
                disarm(storage);
                SHAPE.commit(engine, 2); // the same process carries on once the device works
                SHAPE.assertVersion(engine, 2, at + ", committed after recovery");
                assertClean(engine, at + ", committed after recovery");
                expectedRevision = BASE + 1;
                expectedVersion = 2;
            }
        }
        if (persistent)
        {
            // Restart while the device still fails: opening and reading work, a commit fails cleanly.
            final RecordingStorage failing = new RecordingStorage(FileStorage.open(file));
            arm(failing, op, 0, true);
            try (Engine engine = Engine.open(failing, options(Durability.SYNC)))
            {
                assertEquals(expectedRevision, engine.revision(), at + ": revision on a reopen while failing");
                SHAPE.assertVersion(engine, expectedVersion, at + ", reopened while failing");
                assertThrows(StorageException.class, () -> SHAPE.commit(engine, 3), at + ": commit while failing");
                SHAPE.assertVersion(engine, expectedVersion, at + ", reads after a failed commit");
            }
        }
        // A commit whose force failed wrote its meta page first (into the page cache): the reopen finds it, as after
        // any failed force of a meta (the caller saw the exception; the outcome of a failed fsync is unknown).
        final boolean failedCommitOnDisk = persistent && op == Op.FORCE;
        final long reopenRevision = failedCommitOnDisk ? expectedRevision + 1 : expectedRevision;
        final int reopenVersion = failedCommitOnDisk ? 3 : expectedVersion;
        try (Engine engine = Engine.open(file, options(Durability.SYNC)))
        {
            assertEquals(reopenRevision, engine.revision(), at + ": revision after reopen");
            SHAPE.assertVersion(engine, reopenVersion, at + ", reopened");
            assertClean(engine, at + ", reopened");
            SHAPE.commit(engine, 3);
            SHAPE.assertVersion(engine, 3, at + ", commit after reopen");
            assertClean(engine, at + ", commit after reopen");
        }
        return expectRefused;
    }

    private static void arm(final RecordingStorage storage, final Op op, final int n, final boolean persistent)
    {
        if (op == Op.FORCE)
        {
            storage.failForceAfter(n, persistent);
        }
        else if (persistent)
        {
            storage.failWritesFrom(n);
        }
        else
        {
            storage.failWriteAfter(n);
        }
    }

    private static void disarm(final RecordingStorage storage)
    {
        storage.failWriteAfter(-1);
        storage.failForceAfter(-1, false);
    }
}
