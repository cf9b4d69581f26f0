package dev.cambium.cli;

import dev.cambium.CambiumException;
import dev.cambium.CheckReport;
import dev.cambium.Database;
import dev.cambium.DatabaseLockedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium check FILE}: {@link Database#check()} from the command line.
 */
@Command(name = "check", header = "Verify a database file; exit status 1 on damage.", description = "Verify a database file: every page of the newest revision is walked and its checksum verified, keys "
    + "are in order, counts are exact, and every page is exactly one of reachable, free or pending. Prints "
    + "a summary and each problem found, one per line. In a terminal, progress (pages verified) is shown on "
    + "standard error.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:the file is sound",
        "1:damage found (each problem is printed), or the file cannot be opened as a Cambium database, or another"
            + " process has it open (it is locked)",
        "2:a usage error (e.g. no such file)"})
final class CheckCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Override
    public Integer call()
    {
        final PrintWriter o = out();
        final CheckReport report;
        try (Database db = openExisting(file); Progress progress = Progress.start(err(), "check", true))
        {
            report = db.check((done, total) -> progress.update(done, total, "pages"));
        }
        catch (final DatabaseLockedException e)
        {
            err().println("error: " + e.getMessage()); // not damage: the file is in use
            return Main.FAILURE;
        }
        catch (final CambiumException e)
        {
            o.println("damaged: " + e.getMessage());
            return Main.FAILURE;
        }
        o.printf("revision %d: %d pages (%d reachable, %d free, %d pending), %d checksums verified%n",
            report.revision(), report.pageCount(), report.reachablePages(), report.freePages(),
            report.pendingPages(), report.pagesVerified());
        for (final String problem : report.problems())
        {
            o.println("problem: " + problem);
        }
        o.println(report.ok() ? "ok" : report.problems().size() + " problem(s) found");
        return report.ok() ? Main.OK : Main.FAILURE;
    }
}
