package dev.cambium.cli;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import dev.cambium.cli.dump.DumpWriter;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cambium dump [-a | -s TREE] [-p] [-f OUT] FILE}: the text format of {@code mdb_dump}, which
 * {@code mdb_load} and {@code cambium load} read.
 */
@Command(name = "dump", header = "Write trees in the text format of mdb_dump.", description = "Write trees in the text format of LMDB's mdb_dump (read by mdb_load and cambium load): per tree a "
    + "header (VERSION=3, format=bytevalue or print, database=NAME, type=btree, mapsize=N, HEADER=END), the "
    + "keys and values on lines of their own, each starting with a space, then DATA=END. All trees are "
    + "written unless -s names one. The dump is one consistent revision, read while writers go on.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success", "1:a database or I/O error (e.g. no such tree)",
        "2:a usage error (e.g. no such file)"})
final class DumpCommand extends DatabaseCommand implements Callable<Integer>
{
    static final class Selection
    {
        @Option(names = "-a", description = "Dump every tree (the default; accepted for mdb_dump compatibility).")
        boolean all;

        @Option(names = "-s", paramLabel = "TREE", description = "Dump only TREE.")
        String tree;
    }

    @ArgGroup(exclusive = true)
    Selection selection;

    @Option(names = "-p", description = "format=print: printable ASCII as it is, any other byte (a backslash too) as \\xx,"
        + " a backslash and two hex digits (default: format=bytevalue, two hex digits per byte).")
    boolean print;

    @Option(names = "-f", paramLabel = "OUT", description = "Write to OUT instead of standard output.")
    Path output;

    @Option(names = "-n", description = "Accepted for mdb_dump compatibility; a Cambium database is always one file.")
    boolean noSubdir;

    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Override
    public Integer call() throws IOException
    {
        try (Database db = openExisting(file); ReadTransaction txn = db.beginRead())
        {
            final List<String> trees = selection != null && selection.tree != null
                ? List.of(selection.tree)
                : txn.treeNames();
            for (final String name : trees)
            {
                txn.tree(name); // fails with NoSuchTreeException before anything is written
            }
            // mdb_load sizes its LMDB environment by mapsize: leave room for the data and LMDB's own overhead.
            final long mapSize = roundUp(Math.max(64L << 20, 4 * Files.size(file)), 1L << 20);
            final Writer w = output == null
                ? out()
                : new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8),
                    1 << 16);
            try (Progress progress = Progress.start(err(), "dump", output != null))
            {
                final DumpWriter dump = new DumpWriter(w, print);
                long entries = 0;
                for (final String name : trees)
                {
                    dump.beginSection(name, mapSize);
                    try (Cursor c = txn.tree(name).cursor())
                    {
                        for (boolean ok = c.first(); ok; ok = c.next())
                        {
                            dump.pair(c.key(), c.value());
                            progress.update(++entries, "entries");
                        }
                    }
                    dump.endSection();
                }
            }
            finally
            {
                if (output == null)
                {
                    w.flush();
                }
                else
                {
                    w.close();
                }
            }
        }
        return Main.OK;
    }

    private static long roundUp(final long n, final long unit)
    {
        return (n + unit - 1) / unit * unit;
    }
}
