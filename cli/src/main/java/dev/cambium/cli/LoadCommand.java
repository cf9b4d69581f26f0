package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.cli.dump.DumpFormatException;
import dev.cambium.cli.dump.DumpReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium load [-s TREE] [-f IN] FILE}: reads the text format of {@code mdb_dump} into trees.
 */
@Command(name = "load", header = "Read the text format of mdb_dump into trees.", description = "Read the text format of LMDB's mdb_dump (or cambium dump) into FILE, creating the file and the trees "
    + "as needed: every section goes into the tree its database= line names, or, with -s, into TREE. "
    + "Existing keys are overwritten unless -N. Commits in large transactions (--batch entries each), so a "
    + "failed load leaves the entries of the transactions committed before it.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success", "1:a database or I/O error, or input not in the mdb_dump format (the line is named)",
        "2:a usage error"})
final class LoadCommand extends DatabaseCommand implements Callable<Integer>
{
    /** Commit at least this often by size too, so that a transaction's private pages stay bounded. */
    private static final long BATCH_BYTES = 64L << 20;

    @Option(names = "-s", paramLabel = "TREE", description = "Load every section into TREE, whatever its database= says.")
    String tree;

    @Option(names = "-f", paramLabel = "IN", description = "Read IN instead of standard input.")
    Path input;

    @Option(names = "-N", description = "Do not overwrite keys that already exist; keep their values.")
    boolean noOverwrite;

    @Option(names = "-n", description = "Accepted for mdb_load compatibility; a Cambium database is always one file.")
    boolean noSubdir;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "100000", description = "Entries per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Parameters(paramLabel = "FILE", description = "The database file (created if absent).")
    Path file;

    @Override
    public Integer call() throws IOException
    {
        if (batch < 1)
        {
            throw usage("--batch must be at least 1");
        }
        if (input != null && !Files.isRegularFile(input))
        {
            throw usage("no such input file: " + input);
        }
        try (InputStream in = input == null ? System.in : Files.newInputStream(input);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
            Database db = Database.open(file);
            Progress progress = Progress.start(err(), "load", true))
        {
            final DumpReader dump = new DumpReader(reader, err()::println);
            long entries = 0;
            for (DumpReader.Section section = dump.nextSection(); section != null; section = dump.nextSection())
            {
                final String name = tree != null ? tree : section.database();
                if (name == null || name.isEmpty())
                {
                    throw new DumpFormatException(section.line(),
                        "the section names no database (LMDB's main database): load it with -s TREE");
                }
                boolean more = true;
                while (more)
                {
                    final WriteTransaction txn = db.beginWrite();
                    try
                    {
                        final Tree t = txn.openOrCreateTree(name);
                        long bytes = 0;
                        int n = 0;
                        while (n < batch && bytes < BATCH_BYTES)
                        {
                            final byte[][] pair = dump.nextPair();
                            if (pair == null)
                            {
                                more = false;
                                break;
                            }
                            if (pair[0].length == 0)
                            {
                                throw new DumpFormatException(dump.line() - 1,
                                    "an empty key, which a Cambium tree cannot hold" +
                                        " (tree '" + name + "', after " + entries + " entries)");
                            }
                            if (!noOverwrite || !t.containsKey(pair[0]))
                            {
                                t.put(pair[0], pair[1]);
                            }
                            n++;
                            bytes += pair[0].length + pair[1].length;
                            progress.update(++entries, "entries");
                        }
                        txn.commit();
                    }
                    finally
                    {
                        txn.close();
                    }
                }
            }
        }
        return Main.OK;
    }
}
