package dev.cambium;

import dev.cambium.childjvm.ChildJvm;
import dev.cambium.engine.store.DatabaseFile;
import dev.cambium.engine.store.DatabaseLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.cambium.ProcessLockChild.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One writer per file across processes (issue 9, section 1). A POSIX {@code fcntl} lock belongs to the process and
 * is dropped when any descriptor of the locked file is closed in that process, so a lock on the database file itself
 * is released by anything in the owning JVM that opens and closes the file. Each case here makes the owning JVM (this
 * one, process A) do such a thing with the database file, then asks a child JVM (process B, {@link ProcessLockChild})
 * to open the database: B must be refused with a clear {@link CambiumException}, and nothing A committed may be lost.
 * The kill -9 case shows that a lock left by a dead process needs no clean-up.
 */
class ProcessLockTest
{
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    /** Things the owning JVM does with its open database's file; each one used to release the lock. */
    enum Release
    {
        /** (a) {@link Database#revisions(Path)}, which reads the meta pages through a channel of its own. */
        REVISIONS
        {
            @Override
            void run(final Path file, final Database db)
            {
                assertEquals(db.revision(), Database.revisions(file).get(0).revision());
            }
        },
        /** (b) a second {@link Database#open(Path)} in the owning JVM, which is refused. */
        SECOND_OPEN
        {
            @Override
            void run(final Path file, final Database db)
            {
                final DatabaseLockedException e = assertThrows(DatabaseLockedException.class,
                    () -> Database.open(file));
                assertTrue(e.heldInThisJvm(), e.getMessage());
                assertTrue(e.getMessage().contains("already open in this JVM"), e.getMessage());
            }
        },
        /** (c) the user's own code opens the file, reads a little, and closes it. */
        CHANNEL_OPEN_CLOSE
        {
            @Override
            void run(final Path file, final Database db) throws IOException
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                {
                    assertEquals(16, channel.read(ByteBuffer.allocate(16), 0));
                }
            }
        },
        /** (d) a backup of the file with {@link Files#copy}. */
        FILES_COPY
        {
            @Override
            void run(final Path file, final Database db) throws IOException
            {
                final Path copy = file.resolveSibling("backup.cambium");
                Files.copy(file, copy);
                assertEquals(Files.size(file), Files.size(copy));
            }
        },
        /** (e) an open of a named revision in the owning JVM, which is refused. */
        OPEN_REVISION
        {
            @Override
            void run(final Path file, final Database db)
            {
                final DatabaseOptions options = DatabaseOptions.builder().openRevision(db.revision()).build();
                final DatabaseLockedException e = assertThrows(DatabaseLockedException.class,
                    () -> Database.open(file, options));
                assertTrue(e.heldInThisJvm(), e.getMessage());
                assertTrue(e.getMessage().contains("already open in this JVM"), e.getMessage());
            }
        };

        abstract void run(Path file, Database db) throws IOException;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Release.class)
    void shouldRefuseAnotherProcessWhateverTheOwningJvmDoesWithTheFile(final Release release) throws Exception
    {
        final Path file = dir.resolve("shared.cambium");
        try (Database db = Database.open(file))
        {
            db.write(txn -> txn.createTree("a").put(bytes("1"), bytes("first")));
            release.run(file, db);
            assertRefusedByAnotherProcess(file, probe(file, release + ", first probe"), release.toString());
            db.write(txn -> txn.tree("a").put(bytes("2"), bytes("second")));
            Checks.assertConsistent(db);
        }
        try (Database db = Database.open(file))
        {
            db.read(txn ->
            {
                assertEquals(List.of("a"), txn.treeNames(), "only the owner's tree may exist");
                assertArrayEquals(bytes("first"), txn.tree("a").get(bytes("1")));
                assertArrayEquals(bytes("second"), txn.tree("a").get(bytes("2")));
                return null;
            });
            assertEquals(2, db.revision(), "the owner's two commits, and no other");
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldRefuseThisJvmWhileAnotherProcessHoldsTheDatabaseAndLeaveThatProcessUndisturbed() throws Exception
    {
        final Path file = dir.resolve("held.cambium");
        final Path out = dir.resolve("holder.out");
        final Process holder = ChildJvm.start(ProcessLockChild.class, List.of(), out, "hold", file.toString());
        try
        {
            awaitReady(holder, out);
            for (int attempt = 0; attempt < 3; attempt++)
            {
                final DatabaseLockedException e = assertThrows(DatabaseLockedException.class,
                    () -> Database.open(file));
                assertFalse(e.heldInThisJvm(), e.getMessage());
                assertEquals(DatabaseLock.lockFileOf(file), e.lockFile());
                assertRefusalNames(file, e.getMessage(), "attempt " + attempt);
                assertTrue(e.getMessage().contains("by process " + holder.pid()), "names the holder: " +
                    e.getMessage());
                assertEquals(1, Database.revisions(file).get(0).revision(), "revisions() reads a held file");
            }
            try (OutputStream toHolder = holder.getOutputStream())
            {
                toHolder.write('\n');
            }
            assertTrue(holder.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the holder did not end");
            final String output = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, holder.exitValue(), output);
            assertTrue(output.contains("closed"), output);
        }
        finally
        {
            holder.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        try (Database db = Database.open(file))
        {
            db.read(txn ->
            {
                assertArrayEquals(bytes("one"), txn.tree("held").get(bytes("1")));
                assertArrayEquals(bytes("two"), txn.tree("held").get(bytes("2")));
                return null;
            });
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldOpenWithoutCleanUpAfterTheHolderWasKilled() throws Exception
    {
        final Path file = dir.resolve("killed.cambium");
        final Path out = dir.resolve("holder.out");
        final Process holder = ChildJvm.start(ProcessLockChild.class, List.of(), out, "hold", file.toString());
        try
        {
            awaitReady(holder, out);
            assertRefusedByAnotherProcess(file, probe(file, "while the holder lives"), "holder alive");
        }
        finally
        {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "the holder did not die of SIGKILL");
        }
        assertEquals(137, holder.exitValue(), "SIGKILL");
        final Path lockFile = DatabaseLock.lockFileOf(file);
        assertTrue(Files.exists(lockFile), "the dead holder's lock file stays");
        final Object lockFileKey = Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
        try (Database db = Database.open(file))
        {
            assertEquals(lockFileKey, Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey(),
                "the lock file is reused as it is");
            assertArrayEquals(bytes("one"), db.read(txn -> txn.tree("held").get(bytes("1"))));
            db.write(txn -> txn.tree("held").put(bytes("3"), bytes("after the kill")));
            Checks.assertConsistent(db);
        }
        final String probed = probe(file, "after the kill, database closed");
        assertTrue(probed.contains("OPENED AND COMMITTED"), "a closed database opens in another process: " + probed);
    }

    @Test
    void shouldCreateNothingWhileAnotherProcessHoldsTheLockOfAMissingDatabase() throws Exception
    {
        final Path file = dir.resolve("new.cambium");
        final Path out = dir.resolve("locker.out");
        final Process locker = ChildJvm.start(ProcessLockChild.class, List.of(), out, "lock", file.toString());
        try
        {
            awaitReady(locker, out);
            final DatabaseLockedException e = assertThrows(DatabaseLockedException.class, () -> Database.open(file));
            assertFalse(e.heldInThisJvm(), e.getMessage());
            assertRefusalNames(file, e.getMessage(), "creation");
            assertFalse(Files.exists(file), "no database may appear while another process holds the lock");
            assertFalse(Files.exists(DatabaseFile.creationPath(file)), "nor a temporary creation file");
            try (OutputStream toLocker = locker.getOutputStream())
            {
                toLocker.write('\n');
            }
            assertTrue(locker.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the locker did not end");
            assertEquals(0, locker.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        }
        finally
        {
            locker.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        try (Database db = Database.open(file))
        {
            assertEquals(0, db.revision(), "created once the other process let go");
        }
    }

    /** Runs a {@code probe} child on {@code file} and returns its output. */
    private String probe(final Path file, final String label) throws Exception
    {
        final Path out = dir.resolve("probe.out");
        final ChildJvm.Result result = ChildJvm.run(ProcessLockChild.class, List.of(), out, CHILD_TIMEOUT_SECONDS,
            "probe", file.toString());
        if (result.exitStatus() != 0)
        {
            fail(label + ": the probe failed with exit " + result.exitStatus() + ":\n" + result.output());
        }
        return result.output();
    }

    private static void assertRefusedByAnotherProcess(final Path file, final String probeOutput, final String label)
    {
        if (probeOutput.contains("OPENED AND COMMITTED"))
        {
            fail(label + ": a second process opened " + file + " for writing while this JVM had it open, and " +
                "committed into it (two writers on one file lose data): " + probeOutput.trim());
        }
        assertTrue(probeOutput.startsWith("REFUSED " + DatabaseLockedException.class.getName() + ": "),
            label + ": " + probeOutput);
        assertRefusalNames(file, probeOutput, label);
    }

    /** The refusal says who holds the file and names the database and its lock file. */
    private static void assertRefusalNames(final Path file, final String message, final String label)
    {
        assertTrue(message.contains("open in another process"), label + ": " + message);
        assertTrue(message.contains(file.toString()), label + ": the database's path is named: " + message);
        assertTrue(message.contains(file.getFileName() + "-lock"), label + ": the lock file is named: " + message);
        assertFalse(message.contains("already open in this JVM"), label + ": " + message);
    }

    /** Polls the holder's output for its {@code ready} line, bounded; fails if it ends first. */
    private static void awaitReady(final Process child, final Path out) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline)
        {
            final String output = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            if (output.contains("ready\n"))
            {
                return;
            }
            if (!child.isAlive())
            {
                fail("the holder ended before it was ready, exit " + child.exitValue() + ":\n" + output);
            }
            Thread.sleep(5); // polling the child's output, bounded by the deadline
        }
        fail("the holder was not ready within " + CHILD_TIMEOUT_SECONDS + " s");
    }
}
