package dev.cambium.engine.store;

import dev.cambium.DatabaseOptions;
import dev.cambium.NotADatabaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creating a database on the real file system: under a temporary name, renamed into place, nothing left behind
 * ({@link DatabaseFile}). The crash cases are {@code dev.cambium.crash.CreationCrashTest}.
 */
class DatabaseFileTest
{
    private static final int PAGE = 1024;
    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder().pageSize(PAGE).build();

    @TempDir
    Path dir;

    @Test
    void shouldCreateAMissingDatabaseWithBothMetaPagesAndLeaveNoTemporaryFile() throws IOException
    {
        final Path file = dir.resolve("db");
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertTrue(store.created());
            assertEquals(0, store.openedMeta().revision());
            assertEquals(file.toAbsolutePath(), store.path(), "the store names the database, not the temporary file");
        }
        assertEquals(2L * PAGE, Files.size(file));
        assertFalse(Files.exists(DatabaseFile.creationPath(file)));
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertFalse(store.created());
            assertTrue(store.selection().bothValid());
        }
    }

    @Test
    void shouldOpenAnEmptyFileAsANewDatabase() throws IOException
    {
        final Path file = Files.createFile(dir.resolve("db"));
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertTrue(store.created());
        }
        assertEquals(2L * PAGE, Files.size(file));
        assertFalse(Files.exists(DatabaseFile.creationPath(file)));
    }

    @Test
    void shouldTakeOverATemporaryFileLeftByACrashedCreation() throws IOException
    {
        final Path file = dir.resolve("db");
        final byte[] garbage = new byte[5000];
        new Random(1).nextBytes(garbage);
        Files.write(DatabaseFile.creationPath(file), garbage);
        try (PageStore store = PageStore.open(file, OPTIONS))
        {
            assertTrue(store.created());
        }
        assertEquals(2L * PAGE, Files.size(file));
        assertFalse(Files.exists(DatabaseFile.creationPath(file)));
    }

    @Test
    void shouldLeaveANonDatabaseFileAsItIs() throws IOException
    {
        final Path file = dir.resolve("notes");
        final byte[] content = new byte[3000];
        new Random(2).nextBytes(content);
        Files.write(file, content);
        assertThrows(NotADatabaseException.class, () -> PageStore.open(file, OPTIONS));
        assertArrayEquals(content, Files.readAllBytes(file));
        assertFalse(Files.exists(DatabaseFile.creationPath(file)));
    }
}
