package dev.cambium.cli;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import dev.cambium.codec.KeyRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium scan FILE TREE [--from K] [--to K] [--limit N] [--reverse]}: entries in key order.
 */
@Command(name = "scan", header = "Print the entries of a tree in key order.", description = "Print the entries of TREE in key order, one per line: key, a tab, value (in the chosen formats; text "
    + "and hex never contain a tab). --from is inclusive, --to exclusive.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success", "1:a database error (e.g. no such tree)",
        "2:a usage error (e.g. no such file, a bound not valid in the key format)"})
final class ScanCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "FILE", description = "The database file.")
    Path file;

    @Parameters(index = "1", paramLabel = "TREE", description = "The tree's name.")
    String tree;

    @Option(names = "--from", paramLabel = "KEY", description = "Start at this key (inclusive).")
    String from;

    @Option(names = "--to", paramLabel = "KEY", description = "Stop before this key (exclusive).")
    String to;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N entries.")
    Long limit;

    @Option(names = "--reverse", description = "Descending key order: from the last key below --to down to --from.")
    boolean reverse;

    @Option(names = "--keys-only", description = "Print keys only.")
    boolean keysOnly;

    @Mixin
    FormatOptions formats;

    @Override
    public Integer call()
    {
        if (limit != null && limit < 0)
        {
            throw usage("--limit must not be negative");
        }
        // No --from is the empty key, which bounds nothing; an empty --to excludes everything (keys are never empty).
        final byte[] lo = from == null ? new byte[0] : parseKey("--from", from);
        final byte[] hi = to == null ? null : parseKey("--to", to);
        final long max = limit == null ? Long.MAX_VALUE : limit;
        final PrintWriter o = out();
        try (Database db = openExisting(file);
            ReadTransaction txn = db.beginRead();
            Cursor c = txn.tree(tree).cursor(KeyRange.of(lo, hi)))
        {
            long n = 0;
            for (boolean ok = max > 0 && (reverse ? c.last() : c.first()); ok
                && n < max; ok = reverse ? c.prev() : c.next())
            {
                final byte[] k = c.key();
                o.println(keysOnly
                    ? formats.keys().format(k)
                    : formats.keys().format(k) + "\t" + formats.values().format(c.value()));
                n++;
            }
        }
        return Main.OK;
    }

    private byte[] parseKey(final String option, final String text)
    {
        return parse(formats.keys(), option, text);
    }
}
