package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.DatabaseStats;
import dev.cambium.TreeStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cambium stat [--json] FILE}: what {@code mdb_stat -a} shows, for a Cambium file.
 */
@Command(name = "stat", header = "Show page, revision and per-tree statistics of a database file.", description = "Show a database file's page size, format version, revision, file size, pages used, free and pending, "
    + "and per tree its entries, depth and pages (branch, leaf, overflow).", exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success", "1:a database error (not a Cambium file, damaged, locked by another process)",
        "2:a usage error (e.g. no such file)"})
final class StatCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "The database file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call()
    {
        try (Database db = openExisting(file))
        {
            final List<TreeStats> trees = db.treeStats();
            final DatabaseStats s = db.stats();
            if (json)
            {
                printJson(s, trees);
            }
            else
            {
                printText(s, trees);
            }
        }
        return Main.OK;
    }

    private static long used(final DatabaseStats s)
    {
        return s.pageCount() - s.freePages() - s.pendingPages();
    }

    private void printText(final DatabaseStats s, final List<TreeStats> trees)
    {
        final PrintWriter o = out();
        o.printf("file            %s%n", file.toAbsolutePath());
        o.printf("format version  %d%n", Database.FORMAT_VERSION);
        o.printf("page size       %d%n", s.pageSize());
        o.printf("revision        %d%n", s.revision());
        o.printf("file size       %d bytes%n", s.fileSize());
        o.printf("pages           %d (high-water mark, 2 meta pages included)%n", s.pageCount());
        o.printf("pages used      %d%n", used(s));
        o.printf("pages free      %d%n", s.freePages());
        o.printf("pages pending   %d%n", s.pendingPages());
        o.printf("trees           %d%n", trees.size());
        if (!trees.isEmpty())
        {
            final int width = Math.max(4, trees.stream().mapToInt(t -> t.name().length()).max().orElse(4));
            o.printf("%n%-" + width + "s  %12s  %5s  %8s  %10s  %10s  %10s%n",
                "tree", "entries", "depth", "branch", "leaf", "overflow", "pages");
            for (final TreeStats t : trees)
            {
                o.printf("%-" + width + "s  %12d  %5d  %8d  %10d  %10d  %10d%n", t.name(), t.entries(), t.depth(),
                    t.branchPages(), t.leafPages(), t.overflowPages(), t.pages());
            }
        }
    }

    private void printJson(final DatabaseStats s, final List<TreeStats> trees)
    {
        final StringBuilder sb = new StringBuilder("{");
        sb.append("\"file\":").append(Json.string(file.toAbsolutePath().toString()));
        sb.append(",\"formatVersion\":").append(Database.FORMAT_VERSION);
        sb.append(",\"pageSize\":").append(s.pageSize());
        sb.append(",\"revision\":").append(s.revision());
        sb.append(",\"fileSize\":").append(s.fileSize());
        sb.append(",\"pages\":").append(s.pageCount());
        sb.append(",\"pagesUsed\":").append(used(s));
        sb.append(",\"pagesFree\":").append(s.freePages());
        sb.append(",\"pagesPending\":").append(s.pendingPages());
        sb.append(",\"trees\":[");
        for (int i = 0; i < trees.size(); i++)
        {
            final TreeStats t = trees.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.string(t.name()))
                .append(",\"entries\":").append(t.entries())
                .append(",\"depth\":").append(t.depth())
                .append(",\"branchPages\":").append(t.branchPages())
                .append(",\"leafPages\":").append(t.leafPages())
                .append(",\"overflowPages\":").append(t.overflowPages())
                .append(",\"pages\":").append(t.pages()).append('}');
        }
        out().println(sb.append("]}"));
    }
}
