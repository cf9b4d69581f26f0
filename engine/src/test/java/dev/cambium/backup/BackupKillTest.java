package dev.cambium.backup;

import dev.cambium.CheckReport;
import dev.cambium.Database;
import dev.cambium.childjvm.ChildJvm;
import dev.cambium.failpoint.Failpoint;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 of a JVM in the middle of a backup (held at a failpoint: before the first chunk, between chunks, after the
 * temporary file was forced and before the rename) leaves no file under the target name, only the temporary file;
 * the source still opens and checks clean.
 */
class BackupKillTest
{
    private static final long READY_TIMEOUT_MS = 120_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} after {1} hits, {2}")
    @CsvSource({
        "BACKUP_PAGES, 0, full",
        "BACKUP_PAGES, 1, full",
        "BACKUP_BEFORE_RENAME, 0, full",
        "BACKUP_PAGES, 1, compact",
        "BACKUP_BEFORE_RENAME, 0, compact"})
    void shouldLeaveNoFileUnderTheTargetNameWhenKilledDuringBackup(final Failpoint point, final int skip,
        final String mode) throws Exception
    {
        final Path source = dir.resolve("source.cambium");
        final Path target = dir.resolve("backup.cambium");
        final Path output = dir.resolve("child.out");
        final Process child = ChildJvm.start(BackupKillChild.class, List.of("-D" + Failpoint.PROPERTY + "=true"),
            output, source.toString(), target.toString(), point.name(), Integer.toString(skip), mode);
        try
        {
            awaitHeld(child, output);
        }
        finally
        {
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        }
        assertEquals(137, child.exitValue(), Files.readString(output));
        assertFalse(Files.exists(target), "a file under the target name after kill -9 at " + point);
        try (var files = Files.list(dir))
        {
            final List<String> temps = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))
                .toList();
            assertEquals(1, temps.size(), "the partial copy is left under its temporary name: " + temps);
            assertTrue(temps.get(0).startsWith(".backup.cambium.backup-"), temps.toString());
        }
        try (Database db = Database.open(source))
        {
            final CheckReport report = db.check();
            assertTrue(report.ok(), report.problems().toString());
        }
    }

    private static void awaitHeld(final Process child, final Path output) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline)
        {
            final String out = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
            if (out.contains("HELD at "))
            {
                return;
            }
            if (out.contains("NOT HELD") || !child.isAlive())
            {
                fail("the backup was not held at its failpoint:\n" + out);
            }
            Thread.sleep(2); // polling the child's output for its HELD line, as KillNineTest does for "ready"
        }
        fail("the child was not held within " + READY_TIMEOUT_MS + " ms:\n" + Files.readString(output));
    }
}
