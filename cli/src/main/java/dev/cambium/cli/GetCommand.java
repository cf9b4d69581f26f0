package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium get FILE TREE KEY}: one value.
 */
@Command(name = "get", header = "Print the value of one key.", description = "Print the value of KEY in TREE, in the value format.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
    "0:the key was found and its value printed", "1:a database error (e.g. no such tree)",
    "2:a usage error (e.g. no such file, KEY not valid in the key format)", "3:the key is absent"})
final class GetCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "FILE", description = "The database file.")
    Path file;

    @Parameters(index = "1", paramLabel = "TREE", description = "The tree's name.")
    String tree;

    @Parameters(index = "2", paramLabel = "KEY", description = "The key, in the key format.")
    String key;

    @Mixin
    FormatOptions formats;

    @Override
    public Integer call()
    {
        final byte[] k = parse(formats.keys(), "KEY", key);
        try (Database db = openExisting(file); ReadTransaction txn = db.beginRead())
        {
            final byte[] value = txn.tree(tree).get(k);
            if (value == null)
            {
                err().println("absent: " + formats.keys().format(k));
                return Main.ABSENT;
            }
            out().println(formats.values().format(value));
        }
        return Main.OK;
    }
}
