package dev.cambium.cli;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code cambium scan FILE TREE [--from K] [--to K] [--limit N] [--reverse]}: entries in key order.
 */
@Command(name = "scan",
    header = "Print the entries of a tree in key order.",
    description = "Print the entries of TREE in key order, one per line: key, a tab, value (in the chosen formats; text "
        + "and hex never contain a tab). --from is inclusive, --to exclusive.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:success", "1:a database error (e.g. no such tree)",
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
        final byte[] lo = bound("--from", from);
        final byte[] hi = bound("--to", to);
        // Keys are never empty: an empty --from bounds nothing, an empty --to excludes everything.
        final long max = hi != null && hi.length == 0 ? 0 : limit == null ? Long.MAX_VALUE : limit;
        final PrintWriter o = out();
        try (Database db = openExisting(file); ReadTransaction txn = db.beginRead();
             Cursor c = txn.tree(tree).cursor())
        {
            long n = 0;
            boolean ok = max > 0 && (reverse ? seekLastBelow(c, hi) : (lo == null || lo.length == 0 ? c.first() : c.seek(lo)));
            while (ok && n < max)
            {
                final byte[] k = c.key();
                if (!reverse && hi != null && Arrays.compareUnsigned(k, hi) >= 0)
                {
                    break;
                }
                if (reverse && lo != null && Arrays.compareUnsigned(k, lo) < 0)
                {
                    break;
                }
                if (keysOnly)
                {
                    o.println(formats.keys().format(k));
                }
                else
                {
                    o.println(formats.keys().format(k) + "\t" + formats.values().format(c.value()));
                }
                n++;
                ok = reverse ? c.prev() : c.next();
            }
        }
        return Main.OK;
    }

    /** Positions on the largest key below {@code hi} (or the last key if there is no bound). */
    private static boolean seekLastBelow(final Cursor c, final byte[] hi)
    {
        if (hi == null)
        {
            return c.last();
        }
        return c.seek(hi) ? c.prev() : c.last();
    }

    private byte[] bound(final String option, final String text)
    {
        if (text == null)
        {
            return null;
        }
        try
        {
            return formats.keys().parse(text);
        }
        catch (final IllegalArgumentException e)
        {
            throw usage(option + ": " + e.getMessage());
        }
    }
}
