package dev.cambium.crash;

import dev.cambium.CheckReport;
import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.TestSeeds;
import dev.cambium.childjvm.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kill -9 loop (crash-safety issue, item 3): a child JVM ({@link KillNineChild}) runs deterministic multi-tree
 * transactions ({@link KillNineWorkload}) on one database file and records each commit in a forced ledger only
 * after {@code commit()} returned; the parent kills it with {@link Process#destroyForcibly()} (SIGKILL on Linux)
 * at a seeded random moment, reopens the file and verifies:
 * <ol>
 *     <li>no acknowledged commit is lost: the database's {@code meta/commit} {@code c} is at least the last ledger
 *     entry {@code L}, and at most one commit beyond what was acknowledged ({@code c == L+1}: the kill came after
 *     the commit was durable but before the ledger write; counted as "mid-commit"); it never goes backwards;</li>
 *     <li>cross-tree atomicity: the three data trees hold exactly the state after replaying commits {@code 1..c} of
 *     the workload (the model in this JVM), so no transaction is seen partially;</li>
 *     <li>{@code check()} finds nothing;</li>
 * </ol>
 * then closes the database, and the next trial's child continues on the same file from commit {@code c+1}.
 *
 * <p>Kill moments: most trials wait for the child's {@code ready} line (the database is open) and then sleep a
 * seeded random delay; that sleep is not synchronisation, it <em>is</em> the random kill moment. A few trials kill
 * at a random moment from the child's start (possibly while it opens and recovers the file).
 *
 * <p>The same loop runs with the child in {@link Durability#NO_SYNC} mode, whose promise for a crash of the process
 * (not of the machine) is the same: every write was handed to the kernel before {@code commit()} returned, and the
 * kernel writes its page cache back whether or not the process lives.
 *
 * <p>A third loop runs the child with {@value #COMMITTERS} committing threads ({@link Durability#SYNC}, so their
 * commits share group-commit batches): there, up to one commit per thread may be durable without its ledger entry
 * ({@code L < c <= L + threads}).
 *
 * <p>Properties: {@code cambium.kill9.threads.trials} and {@code cambium.kill9.threads.seconds} for that loop (default
 * 60 trials, 90 s); {@code cambium.kill9.trials} (default 200), {@code cambium.kill9.seconds} (time budget, default
 * 240: when it ends before the trials do, the run stops early, passes and prints a warning with the count; 200
 * trials took about 80 s on a 2-core machine), {@code cambium.kill9.nosync.trials} and
 * {@code cambium.kill9.nosync.seconds} for the {@code NO_SYNC} loop (default 40 trials, 60 s), {@code test.seed}
 * (blank: random; printed on failure and in the summary). The long profile ({@code mvn verify -Plong}) runs 2,000
 * trials of each.
 */
class KillNineTest
{
    /** Committing threads of the group-commit loop. */
    private static final int COMMITTERS = 4;
    private static final long READY_TIMEOUT_MS = 60_000;

    @TempDir
    Path dir;

    private static long longProperty(final String name, final long dflt)
    {
        final String p = System.getProperty(name);
        return p == null || p.isBlank() ? dflt : Long.parseLong(p.trim());
    }

    @Test
    void shouldKeepEveryAcknowledgedCommitAndNoPartialOneAcrossSigkills() throws Exception
    {
        loop(Durability.SYNC, longProperty("cambium.kill9.trials", 200), longProperty("cambium.kill9.seconds", 240));
    }

    @Test
    void shouldKeepEveryAcknowledgedCommitAcrossSigkillsInNoSyncMode() throws Exception
    {
        loop(Durability.NO_SYNC, longProperty("cambium.kill9.nosync.trials", 40),
            longProperty("cambium.kill9.nosync.seconds", 60));
    }

    @Test
    void shouldKeepEveryAcknowledgedCommitAcrossSigkillsWithSeveralCommittingThreads() throws Exception
    {
        loop(Durability.SYNC, longProperty("cambium.kill9.threads.trials", 60),
            longProperty("cambium.kill9.threads.seconds", 90), COMMITTERS);
    }

    /**
     * With {@code mappedWrites} a SIGKILL can land in the middle of a page's copy into the mapping (a positional
     * write of a page is never cut by a signal): such a page belongs to a commit not yet acknowledged, and no meta
     * page is ever written through the mapping.
     */
    @Test
    void shouldKeepEveryAcknowledgedCommitAcrossSigkillsWithMappedWrites() throws Exception
    {
        loop(Durability.SYNC, longProperty("cambium.kill9.mapped.trials", 40),
            longProperty("cambium.kill9.mapped.seconds", 60), 1, true);
    }

    /** As {@link #shouldKeepEveryAcknowledgedCommitAcrossSigkillsWithMappedWrites}, without forces. */
    @Test
    void shouldKeepEveryAcknowledgedCommitAcrossSigkillsWithMappedWritesInNoSyncMode() throws Exception
    {
        loop(Durability.NO_SYNC, longProperty("cambium.kill9.mapped.trials", 40),
            longProperty("cambium.kill9.mapped.seconds", 60), 1, true);
    }

    private void loop(final Durability durability, final long trials, final long seconds) throws Exception
    {
        loop(durability, trials, seconds, 1, false);
    }

    private void loop(final Durability durability, final long trials, final long seconds, final int threads)
        throws Exception
    {
        loop(durability, trials, seconds, threads, false);
    }

    private void loop(final Durability durability, final long trials, final long seconds, final int threads,
        final boolean mapped) throws Exception
    {
        final long seed = TestSeeds.seed();
        final long budgetMs = TimeUnit.SECONDS.toMillis(seconds);
        final String where = durability + ", " + threads + " committing thread(s)" + (mapped ? ", mapped writes" : "") +
            ", seed " + seed + " (rerun with -Dtest.seed=" + seed + ")";
        try
        {
            run(seed, trials, budgetMs, durability, threads, mapped);
        }
        catch (final Throwable t)
        {
            System.out.println("KillNineTest FAILED with " + where);
            throw new AssertionError(where + ": " + t.getMessage(), t);
        }
    }

    private void run(final long seed, final long trials, final long budgetMs, final Durability durability,
        final int threads, final boolean mapped) throws Exception
    {
        final Path dbFile = dir.resolve("kill9.cambium");
        final Path ledgerFile = dir.resolve("kill9.ledger");
        final Path outFile = dir.resolve("child.out");
        final SplittableRandom kills = new SplittableRandom(seed ^ 0x6B696C6C39L);
        final KillNineWorkload.Model model = new KillNineWorkload.Model(seed);
        final long start = System.nanoTime();
        long trial = 0;
        long midCommit = 0;
        long beforeReady = 0;
        long noCommitTrials = 0;
        long prevCommit = 0;
        long lastLedger = 0;
        while (trial < trials)
        {
            if (elapsedMs(start) > budgetMs)
            {
                // a slow machine runs fewer trials rather than failing; the summary says so
                System.out.printf(
                    "KillNineTest: " + durability + ": WARNING: time budget of %d s ended after %d of %d trials%n",
                    budgetMs / 1000, trial, trials);
                break;
            }
            trial++;
            final String at = "trial " + trial + ": ";
            final boolean killBeforeReady = prevCommit > 0 && kills.nextInt(20) == 0;
            final long delayMs = killBeforeReady
                ? kills.nextInt(600)
                : kills.nextInt(10) == 0 ? kills.nextInt(20) : 20 + kills.nextInt(230);
            final Process child = ChildJvm.start(KillNineChild.class, List.of(), outFile, dbFile.toString(),
                ledgerFile.toString(), Long.toString(seed), durability.name(), Integer.toString(threads),
                Boolean.toString(mapped));
            try
            {
                if (killBeforeReady)
                {
                    beforeReady++;
                }
                else
                {
                    final long readyCommit = awaitReady(child, outFile, at);
                    if (readyCommit != prevCommit)
                    {
                        fail(
                            at + "the child opened the database at commit " + readyCommit + ", the parent closed it at "
                                + prevCommit);
                    }
                }
                // not synchronisation: this sleep is the seeded random moment of the kill
                Thread.sleep(delayMs);
                if (!child.isAlive())
                {
                    fail(at + "the child ended by itself with exit " + child.exitValue() + ":\n" + read(outFile));
                }
            }
            finally
            {
                child.destroyForcibly();
                if (!child.waitFor(60, TimeUnit.SECONDS))
                {
                    fail(at + "the child did not die within 60 s of SIGKILL");
                }
            }
            final int exit = child.exitValue();
            final String output = read(outFile);
            if (exit != 137 || output.contains("CHILD FAILED"))
            {
                fail(at + "expected the child to die of SIGKILL (exit 137), got exit " + exit + ":\n" + output);
            }

            final long[] ledger = readLedger(ledgerFile, at);
            for (int i = 1; i < ledger.length; i++)
            {
                if (ledger[i] <= ledger[i - 1])
                {
                    fail(at + "ledger not increasing at entry " + i + ": " + ledger[i - 1] + ", " + ledger[i]);
                }
            }
            final long ledgerLast = ledger.length == 0 ? 0 : ledger[ledger.length - 1];
            // the highest commit the parent knows was durable: acknowledged in the ledger, or seen on reopen
            final long base = Math.max(prevCommit, ledgerLast);

            try (Database db = Database.open(dbFile))
            {
                final long c = db.read(KillNineWorkload::lastCommit);
                if (c < ledgerLast)
                {
                    fail(at + "acknowledged commit lost: database at commit " + c + ", ledger acknowledged " +
                        ledgerLast);
                }
                if (c < prevCommit)
                {
                    fail(at + "database went back from commit " + prevCommit + " to " + c);
                }
                // each committing thread may have one commit durable but not yet in the ledger
                if (c > base + threads)
                {
                    fail(at + "database at commit " + c + " but the child can only have finished " + (base + threads));
                }
                if (c > base)
                {
                    midCommit++;
                }
                if (ledgerLast == lastLedger && c == prevCommit)
                {
                    noCommitTrials++;
                }
                model.advanceTo(c);
                db.read(txn ->
                {
                    verifyContent(txn, model, at);
                    return null;
                });
                final CheckReport report = db.check();
                assertTrue(report.ok(), () -> at + "check() found:\n  " + String.join("\n  ", report.problems()));
                prevCommit = c;
                lastLedger = ledgerLast;
            }
        }
        System.out.printf("KillNineTest: " + durability + ", " + threads
            + " committing thread(s)" + (mapped ? ", mapped writes" : "")
            + ", seed %d, %d trials (%d killed before ready), %d commits acknowledged " +
            "(database at commit %d), %d kills after a durable commit before its ledger entry (L < c <= L+threads), " +
            "%d trials with no new commit, %.1f s, file %d KiB%n",
            seed, trial, beforeReady, lastLedgerCount(ledgerFile), prevCommit, midCommit, noCommitTrials,
            elapsedMs(start) / 1000.0, Files.size(dbFile) / 1024);
    }

    private static long lastLedgerCount(final Path ledgerFile) throws IOException
    {
        return Files.exists(ledgerFile) ? Files.size(ledgerFile) / 8 : 0;
    }

    private static long elapsedMs(final long startNanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Polls the child's output file for its {@code ready <commit>} line; bounded. */
    private static long awaitReady(final Process child, final Path outFile, final String at) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (System.nanoTime() < deadline)
        {
            final String out = read(outFile);
            final int i = out.indexOf("ready ");
            if (i >= 0)
            {
                final int end = out.indexOf('\n', i);
                if (end > 0)
                {
                    return Long.parseLong(out.substring(i + 6, end).trim());
                }
            }
            if (!child.isAlive())
            {
                fail(at + "the child ended before it was ready, exit " + child.exitValue() + ":\n" + out);
            }
            Thread.sleep(2);
        }
        fail(at + "the child was not ready within " + READY_TIMEOUT_MS + " ms:\n" + read(outFile));
        return -1;
    }

    private static String read(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static long[] readLedger(final Path ledgerFile, final String at) throws IOException
    {
        if (!Files.exists(ledgerFile))
        {
            return new long[0];
        }
        final byte[] bytes = Files.readAllBytes(ledgerFile);
        if (bytes.length % 8 != 0)
        {
            // one write(2) of 8 bytes to the page cache is not torn by killing the process
            fail(at + "ledger length " + bytes.length + " is not a multiple of 8");
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final long[] out = new long[bytes.length / 8];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = b.getLong();
        }
        return out;
    }

    private static void verifyContent(final ReadTransaction txn, final KillNineWorkload.Model model, final String at)
    {
        final long c = model.commit();
        final List<String> expectedNames = new ArrayList<>();
        if (c > 0)
        {
            expectedNames.addAll(KillNineWorkload.TREES);
            expectedNames.add(KillNineWorkload.META);
        }
        final List<String> names = new ArrayList<>(txn.treeNames());
        names.sort(null);
        expectedNames.sort(null);
        if (!names.equals(expectedNames))
        {
            fail(at + "at commit " + c + " trees " + names + ", expected " + expectedNames);
        }
        for (final String name : KillNineWorkload.TREES)
        {
            if (c == 0)
            {
                continue;
            }
            final NavigableMap<byte[], byte[]> expected = model.tree(name);
            final Iterator<Map.Entry<byte[], byte[]>> it = expected.entrySet().iterator();
            long seen = 0;
            try (Cursor cur = txn.tree(name).cursor())
            {
                for (boolean ok = cur.first(); ok; ok = cur.next())
                {
                    seen++;
                    if (!it.hasNext())
                    {
                        fail(at + "tree " + name + " at commit " + c + " has extra key " + show(cur.key()));
                    }
                    final Map.Entry<byte[], byte[]> e = it.next();
                    if (!Arrays.equals(e.getKey(), cur.key()))
                    {
                        fail(at + "tree " + name + " at commit " + c + ": key " + show(cur.key()) + " where " +
                            show(e.getKey()) + " was expected");
                    }
                    if (!Arrays.equals(e.getValue(), cur.value()))
                    {
                        fail(at + "tree " + name + " at commit " + c + ": key " + show(e.getKey()) +
                            " has the value of commit " + commitOf(cur.value()) + ", expected that of commit " +
                            commitOf(e.getValue()));
                    }
                }
            }
            if (it.hasNext())
            {
                fail(at + "tree " + name + " at commit " + c + " lacks key " + show(it.next().getKey()) + " (" +
                    seen + " of " + expected.size() + " entries)");
            }
            if (txn.tree(name).size() != expected.size())
            {
                fail(at + "tree " + name + " at commit " + c + ": size() " + txn.tree(name).size() + ", expected " +
                    expected.size());
            }
        }
    }

    private static String show(final byte[] key)
    {
        return new String(key, StandardCharsets.US_ASCII);
    }

    private static String commitOf(final byte[] value)
    {
        return value.length >= 8
            ? Long.toString(ByteBuffer.wrap(value).getLong())
            : "? (" + HexFormat.of().formatHex(value) + ")";
    }
}
