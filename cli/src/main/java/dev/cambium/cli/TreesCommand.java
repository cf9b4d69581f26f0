package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium trees FILE}: one tree name per line.
 */
@Command(name = "trees", header = "List the trees of a database file, one name per line.", description = "List the trees of a database file, one name per line, in name order.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
    "0:success", "1:a database error", "2:a usage error (e.g. no such file)"})
final class TreesCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Override
    public Integer call()
    {
        try (Database db = openExisting(file); ReadTransaction txn = db.beginRead())
        {
            for (final String name : txn.treeNames())
            {
                out().println(name);
            }
        }
        return Main.OK;
    }
}
