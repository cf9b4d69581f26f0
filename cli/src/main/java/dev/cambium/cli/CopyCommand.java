package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.DatabaseLockedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium copy [--compact] FILE DEST}: {@link Database#backup(Path, boolean)}, like {@code mdb_copy [-c]}.
 */
@Command(name = "copy", header = "Copy a database file consistently, optionally compacted.", description = "Write a consistent copy of FILE's newest revision to DEST, through a temporary file in DEST's"
    + " directory that is forced and then renamed, so DEST never names a partial copy. Without --compact the"
    + " copy is page for page and opens at the same revision; with --compact only the live data is written,"
    + " renumbered from the start of the file (like mdb_copy -c), so the copy is as small as the data. In a"
    + " terminal, progress (pages, or entries with --compact) is shown on standard error.%n%n"
    + "FILE must not be open in any process: like every command, copy opens it and takes its lock, and fails"
    + " (exit status 1) if another process holds it. To copy a database a running program has open, that program"
    + " calls Database.backup(target), which copies while its writers go on.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:the copy is complete under DEST",
        "1:a database or I/O error (e.g. DEST exists, FILE is locked by another process); DEST is not created",
        "2:a usage error (e.g. no such FILE)"})
final class CopyCommand extends DatabaseCommand implements Callable<Integer>
{
    @Option(names = {"-c", "--compact"}, description = "Write only the live data, renumbered (like mdb_copy -c).")
    boolean compact;

    @Parameters(index = "0", paramLabel = "FILE", description = "The database file.")
    Path file;

    @Parameters(index = "1", paramLabel = "DEST", description = "The copy to create; must not exist.")
    Path dest;

    @Override
    public Integer call()
    {
        final long revision;
        try (Database db = openExisting(file); Progress progress = Progress.start(err(), "copy", true))
        {
            final String unit = compact ? "entries" : "pages";
            revision = db.backup(dest, compact, (done, total) -> progress.update(done, total, unit));
        }
        catch (final DatabaseLockedException e)
        {
            err().println("error: " + e.getMessage());
            err().println("cambium copy needs FILE closed; a program that has it open copies it with "
                + "Database.backup(target), while its writers go on");
            return Main.FAILURE;
        }
        if (System.console() != null)
        {
            err().println("copied revision " + revision + " to " + dest + (compact ? " (compacted)" : ""));
        }
        return Main.OK;
    }
}
