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
 * reclaimed pages, for every write and force of that commit, once or from then on (a device that stopped working).
 * Two commits: a small one, which forces once, after its meta write (its meta page lists the pages not yet forced:
 * {@code MetaCodec}, "The page list"), and a large one, whose pages do not fit in that list, so that it forces them
 * first (the data force) and forces again after its meta write.
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
    /**
     * Its commit of version 2 writes more pages than a 1 KiB meta page lists (64), so it forces its data first (from
     * 700 keys on; 600 still fit).
     */
    private static final FaultFixtures.Shape LARGE = new FaultFixtures.Shape(800);

    @TempDir
    Path dir;

    private enum Op
    {
        WRITE, FORCE
    }

    @Test
    void shouldFailTheCommitCleanlyOnAnIoErrorAtEveryWriteAndForce()
    {
        final Commit commit = probe(SHAPE, "small");
        // One force, after the meta write: the meta page lists the pages not yet forced (MetaCodec, "The page list").
        assertEquals(1, commit.forces, "one force, after the meta write");
        runEveryCase(commit);
    }

    @Test
    void shouldFailALargeCommitCleanlyOnAnIoErrorAtItsDataForceAndEveryOtherWriteAndForce()
    {
        final Commit commit = probe(LARGE, "large");
        // Its unforced pages do not fit in the meta page's list: it forces them before its meta write (force #0, the
        // data force), then forces the meta (force #1).
        assertEquals(2, commit.forces, "a data force, then a meta force");
        runEveryCase(commit);
    }

    /**
     * What a dry run of a shape's commit of version 2 learned: its writes and forces. The commit is deterministic, so
     * each case hits the same ones. The meta write is the last write, and the last force follows it.
     */
    private record Commit(FaultFixtures.Shape shape, String name, int writes, int forces)
    {
        /** The forces before the meta write: 1 (the data force) if the pages do not fit in the meta's list. */
        int dataForces()
        {
            return forces - 1;
        }
    }

    private Commit probe(final FaultFixtures.Shape shape, final String name)
    {
        final RecordingStorage probe = new RecordingStorage(FileStorage.open(dir.resolve("probe-" + name)));
        try (Engine engine = shape.prepare(Engine.open(probe, options(Durability.SYNC))))
        {
            final int w0 = probe.writeCalls();
            final int f0 = probe.forceCalls();
            final long size0 = probe.size();
            shape.commit(engine, 2);
            final int writes = probe.writeCalls() - w0;
            assertTrue(probe.size() > size0, "the commit grows the file");
            final long[] positions = probe.writePositions();
            final long[] commitWrites = Arrays.copyOfRange(positions, positions.length - writes, positions.length);
            assertEquals((BASE + 1) % 2 * 1024, commitWrites[writes - 1], "the meta write comes last");
            return new Commit(shape, name, writes, probe.forceCalls() - f0);
        }
    }

    private void runEveryCase(final Commit commit)
    {
        int refused = 0;
        for (final boolean persistent : new boolean[]{false, true})
        {
            for (int k = 0; k < commit.writes; k++)
            {
                refused += runCase(commit, Op.WRITE, k, persistent, k == commit.writes - 1) ? 1 : 0;
            }
            for (int j = 0; j < commit.forces; j++)
            {
                refused += runCase(commit, Op.FORCE, j, persistent, true) ? 1 : 0;
            }
        }
        System.out.printf(
            "I/O errors: EIO at each of the %d writes and %d forces of a %s commit, once and from then on: " +
                "%d cases, %d left the database refusing writes until reopened%n",
            commit.writes, commit.forces, commit.name, 2 * (commit.writes + commit.forces),
            refused);
    }

    /**
     * @return whether the case left the database refusing writes.
     */
    private boolean runCase(final Commit commit, final Op op, final int n, final boolean persistent,
        final boolean expectRefused)
    {
        final FaultFixtures.Shape shape = commit.shape;
        final String at = commit.name + " commit, EIO at " + op + " #" + n +
            (persistent ? " and every later one" : " once");
        final Path file = dir.resolve(commit.name + "-" + op + "-" + n + "-" + persistent + ".cambium");
        final RecordingStorage storage = new RecordingStorage(FileStorage.open(file));
        // A force after the meta write found the meta in the page cache; a data force failed before it was written.
        final boolean metaOnDisk = op == Op.FORCE && n >= commit.dataForces();
        final long expectedRevision;
        final int expectedVersion;
        try (Engine engine = shape.prepare(Engine.open(storage, options(Durability.SYNC))))
        {
            final ReadTransaction before = engine.beginRead();
            arm(storage, op, n, persistent);
            final StorageException thrown = assertThrows(StorageException.class, () -> shape.commit(engine, 2), at);
            assertTrue(thrown.getMessage().contains(storage.path().toString()) &&
                thrown.getMessage().contains("Input/output error") &&
                thrown.getMessage().contains(op == Op.WRITE ? "bytes at offset" : "sync of"), at + ": " + thrown);

            assertEquals(BASE, engine.revision(), at + ": nothing published");
            shape.assertVersion(before, 1, at + ", reader opened before");
            before.close();
            shape.assertVersion(engine, 1, at + ", reader opened after");
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
                shape.assertVersion(engine, 1, at + ", reads after the refusal");
                assertEquals(writeCalls, storage.writeCalls(), at + ": a write was attempted after the failure");
                assertEquals(forceCalls, storage.forceCalls(), at + ": a force was retried after the failure");
                expectedRevision = metaOnDisk ? BASE + 1 : BASE;
                expectedVersion = metaOnDisk ? 2 : 1;
            }
            else
            {
                if (persistent)
                {
                    assertThrows(StorageException.class, () -> shape.commit(engine, 2), at + ": still failing");
                    shape.assertVersion(engine, 1, at + ", reads while the device fails");
                }
                disarm(storage);
                shape.commit(engine, 2); // the same process carries on once the device works
                shape.assertVersion(engine, 2, at + ", committed after recovery");
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
                shape.assertVersion(engine, expectedVersion, at + ", reopened while failing");
                assertThrows(StorageException.class, () -> shape.commit(engine, 3), at + ": commit while failing");
                shape.assertVersion(engine, expectedVersion, at + ", reads after a failed commit");
            }
        }
        // A commit whose first force failed wrote its meta page before it (into the page cache) if it forces once: the
        // reopen finds it, as after any failed force of a meta (the caller saw the exception; the outcome of a failed
        // fsync is unknown). A large commit's first force is its data force: its meta page was never written.
        final boolean failedCommitOnDisk = persistent && op == Op.FORCE && commit.dataForces() == 0;
        final long reopenRevision = failedCommitOnDisk ? expectedRevision + 1 : expectedRevision;
        final int reopenVersion = failedCommitOnDisk ? 3 : expectedVersion;
        try (Engine engine = Engine.open(file, options(Durability.SYNC)))
        {
            assertEquals(reopenRevision, engine.revision(), at + ": revision after reopen");
            shape.assertVersion(engine, reopenVersion, at + ", reopened");
            assertClean(engine, at + ", reopened");
            shape.commit(engine, 3);
            shape.assertVersion(engine, 3, at + ", commit after reopen");
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
