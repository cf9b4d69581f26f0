package dev.cambium.hostile;

import dev.cambium.CambiumException;
import dev.cambium.CheckReport;
import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle's measurement of one file: open it, read every tree in full (forward and backward cursor scans,
 * {@code size()}, and a get of every key any model revision has in that tree), run {@code check()}, and say
 * which model revision, if any, the file read as. Optionally commits one small change on top and reads it back
 * after a reopen, which proves the free-space state of the revision opened.
 *
 * <p>Only {@link CambiumException}s are caught: anything else escapes to the caller as a finding.
 */
final class Probe
{
    /** What a file read as. */
    enum Outcome
    {
        /** Exactly the newest committed revision, and check() found nothing. */
        NEWEST,
        /** Exactly the revision before the newest, and check() found nothing. */
        PREVIOUS,
        /** A new, empty database (the file was empty). */
        EMPTY_NEW,
        /** A CambiumException at some step. */
        ERROR,
        /** Read without an exception, but check() reported problems: damage found, by the check. */
        CHECK_REPORTED,
        /** Read as an older revision than the previous one (never allowed). */
        OLDER,
        /**
         * Read without an exception as content matching no model revision, or inconsistently, and check()
         * found nothing: damage nobody noticed (possible only with a recomputed checksum).
         */
        OTHER_CONTENT
    }

    /**
     * @param outcome  what it read as.
     * @param step     where an error happened ("open", "read", "check", "commit", "reopen"), else "".
     * @param detail   the exception or inconsistency, for failure messages.
     */
    record Result(Outcome outcome, String step, String detail)
    {
    }

    private static final byte[] PROBE_KEY = "hostile-probe".getBytes(StandardCharsets.US_ASCII);
    private static final String PROBE_TREE = "probe";

    private final CorpusDatabase db;
    private final long maxSteps;

    Probe(final CorpusDatabase db)
    {
        this.db = db;
        long most = 0;
        for (final Content c : db.models.values())
        {
            most = Math.max(most, c.entryCount());
        }
        // No scan of a tree can legitimately be longer than the largest revision.
        this.maxSteps = most + 16;
    }

    /**
     * @param file     the file (changed by the commit, if any).
     * @param options  how to open it.
     * @param commit   whether to commit a change and reopen when the file read as a model revision (or, in
     *                 {@code anyCommit} mode, whenever it opened).
     * @param anyCommit commit whatever the file read as, only to see that nothing but CambiumException escapes.
     */
    Result run(final Path file, final DatabaseOptions options, final boolean commit, final boolean anyCommit)
    {
        final Database database;
        try
        {
            database = Database.open(file, options);
        }
        catch (final CambiumException e)
        {
            return error("open", e);
        }
        Result result;
        long revision = -1;
        Content content = null;
        try
        {
            revision = database.revision();
            final StringBuilder inconsistency = new StringBuilder();
            try
            {
                content = readAll(database, inconsistency);
            }
            catch (final CambiumException e)
            {
                closeQuietly(database);
                return error("read", e);
            }
            final CheckReport report;
            try
            {
                report = database.check();
            }
            catch (final CambiumException e)
            {
                closeQuietly(database);
                return error("check", e);
            }
            result = classify(revision, content, inconsistency, report);
            if (anyCommit || commit && isModel(result.outcome()))
            {
                final Content expected = commitProbe(database, content);
                if (isModel(result.outcome()) && !anyCommit)
                {
                    final CheckReport after = database.check();
                    if (!after.ok())
                    {
                        return new Result(Outcome.CHECK_REPORTED, "commit", "after a commit on revision " + revision +
                            ": " + after.problems());
                    }
                    database.close();
                    return reopen(file, options, revision + 1, expected, result);
                }
            }
        }
        catch (final CambiumException e)
        {
            closeQuietly(database);
            return error(anyCommit ? "commit" : "read", e);
        }
        closeQuietly(database);
        return result;
    }

    private static boolean isModel(final Outcome o)
    {
        return o == Outcome.NEWEST || o == Outcome.PREVIOUS || o == Outcome.EMPTY_NEW;
    }

    private Result classify(final long revision, final Content content, final StringBuilder inconsistency,
        final CheckReport report)
    {
        if (!report.ok())
        {
            return new Result(Outcome.CHECK_REPORTED, "check", inconsistency + String.join("; ", report.problems()));
        }
        if (inconsistency.length() > 0)
        {
            return new Result(Outcome.OTHER_CONTENT, "read", inconsistency.toString());
        }
        final Content model = db.models.get(revision);
        if (model == null || !model.equals(content))
        {
            return new Result(Outcome.OTHER_CONTENT, "read", "revision " + revision + " read as " + content +
                (model == null ? ", a revision never committed" : ", its model is " + model));
        }
        if (revision == db.newest.revision())
        {
            return new Result(Outcome.NEWEST, "", "");
        }
        if (revision == db.previous.revision())
        {
            return new Result(Outcome.PREVIOUS, "", "");
        }
        if (revision == 0 && content.entryCount() == 0 && content.trees().isEmpty())
        {
            return new Result(Outcome.EMPTY_NEW, "", "");
        }
        return new Result(Outcome.OLDER, "", "revision " + revision);
    }

    /** Reads every tree; appends to {@code inconsistency} what does not agree between the ways of reading. */
    private Content readAll(final Database database, final StringBuilder inconsistency)
    {
        final TreeMap<String, TreeMap<byte[], byte[]>> trees = new TreeMap<>();
        try (ReadTransaction txn = database.beginRead())
        {
            final List<String> names = txn.treeNames();
            if (!new ArrayList<>(new TreeSet<>(names)).equals(names))
            {
                inconsistency.append("tree names not sorted and unique: ").append(names);
            }
            for (final String name : names)
            {
                final Tree tree = txn.tree(name);
                final TreeMap<byte[], byte[]> forward = Content.newEntries();
                final List<byte[]> order = new ArrayList<>();
                try (Cursor c = tree.cursor())
                {
                    long steps = 0;
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        if (++steps > maxSteps)
                        {
                            inconsistency.append("tree ").append(name).append(": scan runs past ").append(maxSteps);
                            break;
                        }
                        final byte[] k = c.key();
                        forward.put(k, c.value());
                        order.add(k);
                    }
                    int back = order.size();
                    steps = 0;
                    for (boolean ok = c.last(); ok; ok = c.prev())
                    {
                        if (++steps > maxSteps || back == 0 || !Arrays.equals(order.get(--back), c.key()))
                        {
                            inconsistency.append("tree ").append(name).append(": backward scan differs; ");
                            break;
                        }
                    }
                    if (back != 0)
                    {
                        inconsistency.append("tree ").append(name).append(": backward scan shorter; ");
                    }
                }
                if (forward.size() != order.size())
                {
                    inconsistency.append("tree ").append(name).append(": forward scan repeats or misorders keys; ");
                }
                if (tree.size() != forward.size())
                {
                    inconsistency.append("tree ").append(name).append(": size() ").append(tree.size())
                        .append(" but a scan finds ").append(forward.size()).append("; ");
                }
                final TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
                keys.addAll(forward.keySet());
                for (final Content model : new Content[]{db.models.get(db.newest.revision()),
                    db.models.get(db.previous.revision())})
                {
                    final TreeMap<byte[], byte[]> m = model.trees().get(name);
                    if (m != null)
                    {
                        keys.addAll(m.keySet());
                    }
                }
                for (final byte[] k : keys)
                {
                    if (!Arrays.equals(forward.get(k), tree.get(k)))
                    {
                        inconsistency.append("tree ").append(name).append(": get disagrees with the scan; ");
                        break;
                    }
                }
                trees.put(name, forward);
            }
        }
        return Content.wrap(trees);
    }

    /**
     * Commits: a key into a new tree; in the first non-empty tree, the first key deleted and keys inserted next to
     * its first, middle and last keys (copies, splits or merges along three paths of pages read from the file).
     */
    private static Content commitProbe(final Database database, final Content before)
    {
        final TreeMap<String, TreeMap<byte[], byte[]>> after = new TreeMap<>();
        before.trees().forEach((name, entries) ->
        {
            final TreeMap<byte[], byte[]> copy = Content.newEntries();
            copy.putAll(entries);
            after.put(name, copy);
        });
        database.write(txn ->
        {
            txn.openOrCreateTree(PROBE_TREE).put(PROBE_KEY, PROBE_KEY);
            after.computeIfAbsent(PROBE_TREE, n -> Content.newEntries()).put(PROBE_KEY, PROBE_KEY);
            for (final Map.Entry<String, TreeMap<byte[], byte[]>> e : after.entrySet())
            {
                if (!e.getKey().equals(PROBE_TREE) && !e.getValue().isEmpty())
                {
                    final TreeMap<byte[], byte[]> entries = e.getValue();
                    final Tree tree = txn.tree(e.getKey());
                    final List<byte[]> near = List.of(entries.firstKey(), entries.lastKey(),
                        new ArrayList<>(entries.keySet()).get(entries.size() / 2));
                    tree.delete(entries.firstKey());
                    entries.remove(entries.firstKey());
                    for (final byte[] k : near)
                    {
                        final byte[] key = Arrays.copyOf(k, Math.min(k.length + 2, 100));
                        key[key.length - 1] = 0x7F;
                        tree.put(key, PROBE_KEY);
                        entries.put(key, PROBE_KEY);
                    }
                    break;
                }
            }
        });
        return Content.wrap(after);
    }

    private Result reopen(final Path file, final DatabaseOptions options, final long revision, final Content expected,
        final Result before)
    {
        try (Database database = Database.open(file, options.toBuilder().openNewestRevision().build()))
        {
            if (database.revision() != revision)
            {
                return new Result(Outcome.OTHER_CONTENT, "reopen", "reopened at revision " + database.revision() +
                    ", the probe committed " + revision);
            }
            final StringBuilder inconsistency = new StringBuilder();
            final Content content = readAll(database, inconsistency);
            if (inconsistency.length() > 0 || !expected.equals(content))
            {
                return new Result(Outcome.OTHER_CONTENT, "reopen", "after the probe commit: " + inconsistency +
                    " read " + content + ", expected " + expected);
            }
            final CheckReport report = database.check();
            if (!report.ok())
            {
                return new Result(Outcome.CHECK_REPORTED, "reopen", String.join("; ", report.problems()));
            }
            return before;
        }
        catch (final CambiumException e)
        {
            return error("reopen", e);
        }
    }

    private static Result error(final String step, final CambiumException e)
    {
        return new Result(Outcome.ERROR, step, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static void closeQuietly(final Database database)
    {
        try
        {
            database.close();
        }
        catch (final CambiumException e)
        {
            // the result is already decided
        }
    }
}
