package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two writers on one file would allocate the same page ids and destroy each other's revisions; the
 * second open must fail instead, and the file must be openable again once the first closes.
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
            final CambiumException e = assertThrows(CambiumException.class, () -> Database.open(file));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
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
}
