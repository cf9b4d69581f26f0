package dev.cambium;

import dev.cambium.engine.store.DatabaseLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two writers on one file would allocate the same page ids and destroy each other's revisions; the
 * second open must fail instead, and the file must be openable again once the first closes. The cases across
 * processes are {@link ProcessLockTest}; these are the ones inside one JVM.
 */
class FileLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseSecondOpenOfTheSameFileAndAllowItAfterClose()
    {
        final Path file = dir.resolve("locked.cambium");
        try (Database db = Database.open(file))
        {
            db.write(txn -> txn.createTree("t").put(new byte[]{1}, new byte[]{2}));
            final DatabaseLockedException e = assertThrows(DatabaseLockedException.class, () -> Database.open(file));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertTrue(e.heldInThisJvm());
            assertEquals(file.toAbsolutePath(), e.database());
            assertEquals(DatabaseLock.lockFileOf(file), e.lockFile());
            assertTrue(e.getMessage().contains(e.lockFile().toString()), "names the lock file: " + e.getMessage());
            // The failed open must not have disturbed the open database.
            db.write(txn -> txn.tree("t").put(new byte[]{3}, new byte[]{4}));
            Checks.assertConsistent(db);
        }
        try (Database db = Database.open(file))
        {
            db.read(txn ->
            {
                assertArrayEquals(new byte[]{2}, txn.tree("t").get(new byte[]{1}));
                assertArrayEquals(new byte[]{4}, txn.tree("t").get(new byte[]{3}));
                return null;
            });
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldLetExactlyOneOfConcurrentOpensInOneJvmHaveTheDatabase() throws Exception
    {
        final Path file = dir.resolve("raced.cambium");
        final int threads = 4;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            for (int round = 0; round < 20; round++)
            {
                final CountDownLatch start = new CountDownLatch(1);
                final List<Future<Database>> opens = new ArrayList<>();
                for (int t = 0; t < threads; t++)
                {
                    opens.add(pool.submit(() ->
                    {
                        start.await();
                        try
                        {
                            return Database.open(file);
                        }
                        catch (final DatabaseLockedException e)
                        {
                            assertTrue(e.heldInThisJvm(), e.getMessage());
                            return null;
                        }
                    }));
                }
                start.countDown();
                final List<Database> opened = new ArrayList<>();
                for (final Future<Database> f : opens)
                {
                    final Database db = f.get(60, TimeUnit.SECONDS);
                    if (db != null)
                    {
                        opened.add(db);
                    }
                }
                assertEquals(1, opened.size(), "round " + round + ": exactly one open wins");
                final long r = round;
                opened.get(0).write(txn -> txn.openOrCreateTree("t").put(new byte[]{(byte)r}, new byte[]{1}));
                opened.get(0).close();
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        try (Database db = Database.open(file))
        {
            assertEquals(20, db.revision(), "every round's winner committed once");
        }
    }

    @Test
    void shouldRefuseTheSameDatabaseReachedThroughASymbolicLink() throws IOException
    {
        final Path real = Files.createDirectory(dir.resolve("real"));
        final Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        final Path fileLink = Files.createSymbolicLink(dir.resolve("file-link.cambium"), real.resolve("db.cambium"));
        try (Database db = Database.open(real.resolve("db.cambium")))
        {
            for (final Path other : List.of(link.resolve("db.cambium"), fileLink))
            {
                final DatabaseLockedException e = assertThrows(DatabaseLockedException.class,
                    () -> Database.open(other));
                assertTrue(e.heldInThisJvm(), e.getMessage());
                assertEquals(real.toRealPath().resolve("db.cambium" + DatabaseLock.SUFFIX), e.lockFile(),
                    "every name of a database leads to one lock file");
            }
            Checks.assertConsistent(db);
        }
        assertEquals(List.of(Path.of("db.cambium"), Path.of("db.cambium-lock")), list(real));
    }

    @Test
    void shouldKeepAndReuseTheLockFileAcrossOpens() throws IOException
    {
        final Path file = dir.resolve("reused.cambium");
        final Path lockFile = DatabaseLock.lockFileOf(file);
        assertEquals(dir.toRealPath().resolve("reused.cambium-lock"), lockFile);
        for (int i = 0; i < 3; i++)
        {
            try (Database db = Database.open(file))
            {
                assertTrue(Files.exists(lockFile), "taken before the database is opened");
                db.write(txn -> txn.openOrCreateTree("t").put(new byte[]{1}, new byte[]{1}));
            }
            assertTrue(Files.exists(lockFile), "left in place after close");
            final byte[] header = Files.readAllBytes(lockFile);
            assertEquals(64, header.length);
            assertEquals("CAMBLOCK", new String(header, 0, 8, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldReleaseTheLockWhenAnOpenFails() throws IOException
    {
        final Path file = dir.resolve("notes.txt");
        Files.writeString(file, "not a database\n".repeat(100));
        for (int attempt = 0; attempt < 2; attempt++)
        {
            assertThrows(NotADatabaseException.class, () -> Database.open(file), "attempt " + attempt);
        }
        final NoSuchRevisionException e = assertThrows(NoSuchRevisionException.class, () -> Database.open(
            dir.resolve("missing.cambium"), DatabaseOptions.builder().openRevision(1).build()));
        assertTrue(e.getMessage().contains("holds no revisions"), e.getMessage());
        try (Database db = Database.open(dir.resolve("missing.cambium")))
        {
            assertEquals(0, db.revision(), "the failed open of a named revision released the lock");
        }
    }

    @Test
    void shouldNotCreateALockFileBesideADirectory() throws IOException
    {
        final Path directory = Files.createDirectory(dir.resolve("a-directory"));
        assertThrows(NotADatabaseException.class, () -> Database.open(directory));
        assertFalse(Files.exists(dir.resolve("a-directory-lock")));
    }

    @Test
    void shouldRefuseToUseAForeignFileAsTheLockFileAndLeaveItAsItIs() throws IOException
    {
        final Path file = dir.resolve("db.cambium");
        final Path lockFile = DatabaseLock.lockFileOf(file);
        Files.writeString(lockFile, "someone else's notes\n");
        final CambiumException e = assertThrows(CambiumException.class, () -> Database.open(file));
        assertTrue(e.getMessage().contains("is not a Cambium lock file"), e.getMessage());
        assertEquals("someone else's notes\n", Files.readString(lockFile));
        assertFalse(Files.exists(file), "no database is created without its lock");
        Files.delete(lockFile);
        try (Database db = Database.open(file))
        {
            assertEquals(0, db.revision());
        }
    }

    @Test
    void shouldTakeOverALockFileOfZerosOrOfAnotherVersion() throws IOException
    {
        final Path file = dir.resolve("db.cambium");
        final Path lockFile = DatabaseLock.lockFileOf(file);
        Files.write(lockFile, new byte[4096]); // what a power loss can leave of a never-forced lock file
        try (Database db = Database.open(file))
        {
            assertEquals(0, db.revision());
        }
        final byte[] header = Files.readAllBytes(lockFile);
        assertEquals(64, header.length, "truncated to the header");
        header[8] = 9; // a later lock-file version, whose holders are gone
        final byte[] longer = new byte[1000];
        System.arraycopy(header, 0, longer, 0, header.length);
        Files.write(lockFile, longer);
        try (Database db = Database.open(file))
        {
            assertEquals(0, db.revision());
        }
        assertEquals(1, Files.readAllBytes(lockFile)[8], "rewritten as this version's header");
    }

    private static List<Path> list(final Path directory) throws IOException
    {
        try (var files = Files.list(directory))
        {
            return files.map(Path::getFileName).sorted().toList();
        }
    }
}
