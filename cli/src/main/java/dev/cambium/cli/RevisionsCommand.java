package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.StoredRevision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium revisions FILE}: the revisions a file can be opened at.
 */
@Command(name = "revisions", header = "List the revisions a database file can be opened at.", description = "List the revisions a database file holds a valid meta page for (normally the newest and the one "
    + "before it), newest first: revision and commit time (UTC), tab-separated. Reads only the two meta "
    + "pages and takes no lock, so it also works on a file another process has open.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success", "1:a database error (not a Cambium file)", "2:a usage error (e.g. no such file)"})
final class RevisionsCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Override
    public Integer call()
    {
        if (!Files.isRegularFile(file))
        {
            throw usage("no such database file: " + file);
        }
        for (final StoredRevision r : Database.revisions(file))
        {
            out().println(r.revision() + "\t" + r.commitTime());
        }
        return Main.OK;
    }
}
