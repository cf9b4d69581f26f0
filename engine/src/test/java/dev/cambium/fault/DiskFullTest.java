package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.StorageException;
import dev.cambium.WriteTransaction;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.FaultyChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The disk fills up ({@code ENOSPC}, simulated by {@link FaultyChannel} under the real {@code FileStorage}) during a
 * commit that grows the file. Two write modes, two ways the space runs out:
 * <ul>
 *     <li>Data pages written through a mapping: the file grows with real zeros, and the disk fills after {@code k}
 *     bytes of that growth, for several {@code k} (none, part of a page, a few pages, past 256 KiB, one byte short of
 *     enough). The commit fails with a {@link StorageException} that says the growth failed and why.</li>
 *     <li>Positional page writes (the default): the file grows by its new last page, and the pages before it are a
 *     hole the commit's page writes fill. The disk has room for {@code j} more blocks, for several {@code j}: none (the
 *     growth fails) or some (a page write into the hole fails).</li>
 * </ul>
 * In both, the previous revision stays readable; the database stays writable (no meta refers to the new bytes) and a
 * retry fails the same way while the disk is full. Once space is freed, either the same process commits (even cases)
 * or a reopen of the partly written file works (odd cases), {@code check()} is clean and further commits succeed.
 */
class DiskFullTest
{
    private static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(300);
    private static final byte[] BIG = new byte[300 * 1024];

    static
    {
        Arrays.fill(BIG, (byte)0x5A);
    }

    @TempDir
    Path dir;

    /** Commits version 2 of {@code t} and a 300 KiB value (overflow pages) in tree {@code big}: needs growth. */
    private static void commitGrowing(final Engine engine)
    {
        final WriteTransaction w = engine.beginWrite();
        try
        {
            w.openOrCreateTree("big").put(new byte[]{1}, BIG);
            for (int i = 0; i < SHAPE.size(2); i++)
            {
                w.openOrCreateTree("t").put(FaultFixtures.key(i), FaultFixtures.value(i, 2));
            }
            w.commit();
        }
        finally
        {
            w.close();
        }
    }

    private static void assertGrowingCommit(final Engine engine, final boolean present, final String at)
    {
        try (ReadTransaction r = engine.beginRead())
        {
            SHAPE.assertVersion(r, present ? 2 : 1, at);
            if (present)
            {
                assertArrayEquals(BIG, r.tree("big").get(new byte[]{1}), at + ": the big value");
            }
            else
            {
                assertFalse(r.hasTree("big"), at + ": no trace of the failed commit");
            }
        }
    }

    @Test
    void shouldFailTheGrowingCommitCleanlyWhenTheDiskIsFullAndRecoverOnceSpaceIsFreed() throws Exception
    {
        // Growth with real zeros: data pages written through a mapping.
        final long needed = growthNeeded();
        final long[] allowed = {0, 100, 3 * 1024 + 17, 256 * 1024 + 5, needed - 1};
        for (int c = 0; c < allowed.length; c++)
        {
            final long k = allowed[c];
            final boolean reopenToRecover = c % 2 == 1;
            final String at = "disk full after " + k + " bytes of growth";
            final Path file = dir.resolve("full-" + k + ".cambium");
            final FaultyChannel channel = FaultyChannel.open(file, k);
            final long partialSize;
            final Engine engine = SHAPE.prepare(Engine.open(channel.storage(), options(Durability.SYNC, true)));
            try
            {
                final long size0 = Files.size(file);
                final ReadTransaction before = engine.beginRead();
                channel.spaceLimit(size0 + k);
                for (int attempt = 0; attempt < 2; attempt++) // the retry while the disk is still full fails alike
                {
                    final StorageException e = assertThrows(StorageException.class, () -> commitGrowing(engine), at);
                    assertTrue(e.getMessage().contains("growing " + file.toAbsolutePath()) &&
                        e.getMessage().contains("No space left on device"), at + ": " + e.getMessage());
                }
                assertEquals(2, channel.noSpaceFailures(), at);
                assertEquals(size0 + k, Files.size(file), at + ": the file grew as far as space allowed");
                assertNothingCommitted(engine, before, at);
                partialSize = Files.size(file);
                if (!reopenToRecover)
                {
                    channel.spaceLimit(Long.MAX_VALUE); // space freed
                    assertCommitsOnceSpaceIsFreed(engine, at);
                }
            }
            finally
            {
                engine.close();
            }
            assertRecoversAfterReopen(file, true, reopenToRecover, at);
            System.out.printf("disk full: after %d of %d bytes of growth (file left at %d bytes), recovered by %s%n",
                k, needed, partialSize, reopenToRecover ? "a reopen" : "the same process once space was freed");
        }
    }

    @Test
    void shouldFailACommitCleanlyWhenTheDiskFillsWhileItsPagesFillTheGrownHoleAndRecover() throws Exception
    {
        // Positional page writes: the growth writes the new last page; the commit's pages fill the hole before it.
        final long[] blocksLeft = {0, 1, 2, 5, 20};
        for (int c = 0; c < blocksLeft.length; c++)
        {
            final long j = blocksLeft[c];
            final boolean reopenToRecover = c % 2 == 1;
            final String at = "disk full after " + j + " more blocks";
            final Path file = dir.resolve("hole-" + j + ".cambium");
            final FaultyChannel channel = FaultyChannel.open(file, j);
            final Engine engine = SHAPE.prepare(Engine.open(channel.storage(), options(Durability.SYNC)));
            try
            {
                final ReadTransaction before = engine.beginRead();
                final long used0 = channel.blocksUsed();
                channel.blockLimit(used0 + j);
                for (int attempt = 0; attempt < 2; attempt++) // the retry while the disk is still full fails alike
                {
                    final StorageException e = assertThrows(StorageException.class, () -> commitGrowing(engine), at);
                    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()) &&
                        e.getMessage().contains("No space left on device"), at + ": " + e.getMessage());
                    assertEquals(j == 0, e.getMessage().contains("growing "),
                        at + ": the growth fails only when not one block is left, else a page write: " +
                            e.getMessage());
                }
                assertEquals(2, channel.noSpaceFailures(), at);
                assertEquals(used0 + j, channel.blocksUsed(), at + ": the commit took every block left");
                assertNothingCommitted(engine, before, at);
                if (!reopenToRecover)
                {
                    channel.blockLimit(Long.MAX_VALUE); // space freed
                    assertCommitsOnceSpaceIsFreed(engine, at);
                }
            }
            finally
            {
                engine.close();
            }
            assertRecoversAfterReopen(file, false, reopenToRecover, at);
            System.out.printf("disk full in a hole: %d more blocks allowed, recovered by %s%n", j,
                reopenToRecover ? "a reopen" : "the same process once space was freed");
        }
    }

    /**
     * After the failed attempts: the base revision for a reader opened before them ({@code before}, closed here) and
     * one opened after, writes still allowed (no meta refers to what the attempts wrote), and a clean check.
     */
    private static void assertNothingCommitted(final Engine engine, final ReadTransaction before, final String at)
    {
        assertEquals(BASE, engine.revision(), at);
        assertGrowingCommit(engine, false, at + ", reader opened after");
        SHAPE.assertVersion(before, 1, at + ", reader opened before");
        before.close();
        assertFalse(engine.store().writesRefused(), at + ": nothing refers to what the attempts wrote");
        assertClean(engine, at + ", in process");
    }

    private static void assertCommitsOnceSpaceIsFreed(final Engine engine, final String at)
    {
        commitGrowing(engine);
        assertGrowingCommit(engine, true, at + ", committed once space was freed");
        assertClean(engine, at + ", committed once space was freed");
    }

    /**
     * Reopens the file after a disk-full failure: at the base revision if the growing commit was left to the
     * reopen ({@code reopenToRecover}, which then commits it), else with it; clean, and further commits work.
     */
    private static void assertRecoversAfterReopen(
        final Path file, final boolean mappedWrites, final boolean reopenToRecover, final String at)
    {
        try (Engine reopened = Engine.open(file, options(Durability.SYNC, mappedWrites)))
        {
            assertEquals(reopenToRecover ? BASE : BASE + 1, reopened.revision(), at + ": revision after reopen");
            assertGrowingCommit(reopened, !reopenToRecover, at + ", reopened");
            assertClean(reopened, at + ", reopened");
            if (reopenToRecover)
            {
                commitGrowing(reopened);
                assertGrowingCommit(reopened, true, at + ", committed after reopen");
            }
            SHAPE.commit(reopened, 3);
            reopened.runCleaner();
            SHAPE.commit(reopened, 4);
            SHAPE.assertVersion(reopened, 4, at + ", further commits");
            assertClean(reopened, at + ", further commits");
        }
    }

    /** How many bytes the growing commit adds to the file, measured on a disk with space. */
    private long growthNeeded() throws Exception
    {
        final Path file = dir.resolve("probe.cambium");
        try (Engine engine = SHAPE.prepare(Engine.open(file, options(Durability.SYNC, true))))
        {
            final long size0 = Files.size(file);
            commitGrowing(engine);
            final long grown = Files.size(file) - size0;
            assertTrue(grown > 256 * 1024 + 5, "the commit grows the file by more than one zero chunk: " + grown);
            return grown;
        }
    }
}
