package dev.cambium.cli;

import dev.cambium.CompactionResult;
import dev.cambium.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code cambium compact FILE}: {@link Database#compact(Duration, java.util.function.Consumer)} from the command
 * line.
 */
@Command(name = "compact", header = "Compact a database file in place and give its free end back.", description = "Move the live pages at the end of FILE into free pages near its start (each move a copy on write,"
    + " committed in small steps, so a crash at any moment leaves a committed revision) and truncate the emptied"
    + " end. The content does not change. Prints one line: the file's length before and after, the live pages,"
    + " the pages moved, the steps and the time taken. Progress goes to standard error in a terminal only. The"
    + " file must not be open in another process (it is locked); a program that has it open calls"
    + " Database.compact, which runs beside its readers and writers.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:the file is compacted",
        "1:a database or I/O error (e.g. FILE is locked by another process, or damaged); the file is left at a"
            + " committed revision",
        "2:a usage error (e.g. no such FILE)"})
final class CompactCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Override
    public Integer call()
    {
        try (Database db = openExisting(file))
        {
            final CompactionResult r;
            try (Progress progress = Progress.start(err(), "compact", true))
            {
                r = db.compact(Duration.ofSeconds(10), p -> progress.update(p.pagesMoved(),
                    "pages moved, " + p.steps() + " steps"));
            }
            out().printf("compacted %s: %d -> %d bytes, %d live pages of %d bytes (file / live %.2f), %d pages moved " +
                "in %d steps, %.2f s%n", file, r.bytesBefore(), r.bytesAfter(), r.livePages(), db.pageSize(),
                r.ratio(db.pageSize()), r.pagesMoved(), r.steps(), r.elapsed().toNanos() / 1e9);
        }
        return Main.OK;
    }
}
