package dev.cambium.backup;

import dev.cambium.CheckReport;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.StorageException;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Hold;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Database#backup(Path, boolean)} under a steady write load: the backup is held (failpoint
 * {@link Failpoint#BACKUP_PAGES}) after its first chunk while commits go on, so the writer is certain to reuse pages
 * the copy has not read yet; the copy must still open at exactly the revision returned, hold that revision's data
 * (checked against the workload's model) and pass {@link Database#check()}, and take commits afterwards.
 */
class BackupTest
{
    @TempDir
    Path dir;

    @AfterEach
    void disarm()
    {
        Failpoint.disarmAll();
    }

    private static DatabaseOptions options()
    {
        return DatabaseOptions.builder().durability(Durability.NO_SYNC).build();
    }

    @Test
    void shouldOpenAtExactlyTheRevisionCopiedWhileWritersGoOn() throws Exception
    {
        backupUnderLoad(false);
    }

    @Test
    void shouldCopyOnlyLiveDataOfOneRevisionWhenCompact() throws Exception
    {
        backupUnderLoad(true);
    }

    private void backupUnderLoad(final boolean compact) throws Exception
    {
        final Path source = dir.resolve("source.cambium");
        final Path target = dir.resolve("backup.cambium");
        try (Database db = Database.open(source, options()))
        {
            final long loaded = BackupWorkload.load(db);
            // churn so that the file has free pages for the writer to reuse during the copy
            for (int i = 0; i < 200; i++)
            {
                db.write(BackupWorkload::apply);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong commits = new AtomicLong();
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() ->
            {
                while (!stop.get())
                {
                    db.write(BackupWorkload::apply);
                    commits.incrementAndGet();
                }
            });
            final Hold hold = Action.hold();
            Failpoint.BACKUP_PAGES.arm(hold, 1, 1); // after the first chunk is written
            final CompletableFuture<Long> backup = CompletableFuture.supplyAsync(() -> db.backup(target, compact));
            assertTrue(hold.awaitReached(Duration.ofSeconds(60)), "the backup reached its second chunk");
            final long during = db.revision();
            for (int i = 0; i < 50; i++)
            {
                db.write(BackupWorkload::apply); // at least 50 commits while the copy is held
            }
            assertFalse(Files.exists(target), "no file under the target name before the copy is complete");
            hold.release();
            final long copied = backup.get(120, TimeUnit.SECONDS);
            stop.set(true);
            writer.get(60, TimeUnit.SECONDS);
            assertTrue(copied <= during && db.revision() >= copied + 50,
                "copied " + copied + ", newest " + db.revision() + ", writer thread commits " + commits.get());
            assertEquals(List.of(), leftovers(), "temporary file removed by the rename");

            try (Database copy = Database.open(target, options()))
            {
                if (!compact)
                {
                    assertEquals(copied, copy.revision(), "a full copy opens at exactly the revision copied");
                }
                try (ReadTransaction txn = copy.beginRead())
                {
                    assertEquals(copied, ByteBuffer.wrap(txn.tree(BackupWorkload.REV).get(BackupWorkload.REV_KEY))
                        .getLong(), "the copy holds the data of the revision copied");
                    assertTrue(BackupWorkload.same(BackupWorkload.model(loaded, copied), BackupWorkload.read(txn)),
                        "the data tree equals the model at revision " + copied);
                }
                final CheckReport report = copy.check();
                assertTrue(report.ok(), report.problems().toString());
                if (compact)
                {
                    assertTrue(report.freePages() + report.pendingPages() <= report.reachablePages() / 10 + 8,
                        "a compact copy is nearly all live pages: " + report);
                }
                copy.write(BackupWorkload::apply); // the copy takes commits
                assertTrue(copy.check().ok());
            }
            if (compact)
            {
                assertTrue(Files.size(target) < Files.size(source), Files.size(target) + " >= " + Files.size(source));
            }
        }
    }

    @Test
    void shouldRefuseAnExistingTargetAndLeaveItUntouched() throws Exception
    {
        final Path source = dir.resolve("source.cambium");
        final Path existing = Files.writeString(dir.resolve("existing"), "keep me");
        try (Database db = Database.open(source, options()))
        {
            BackupWorkload.load(db);
            assertThrows(StorageException.class, () -> db.backup(existing));
            assertThrows(StorageException.class, () -> db.backup(source, true));
            assertThrows(NullPointerException.class, () -> db.backup(null));
        }
        assertEquals("keep me", Files.readString(existing));
        assertEquals(List.of(), leftovers());
    }

    private List<Path> leftovers() throws IOException
    {
        try (var files = Files.list(dir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
