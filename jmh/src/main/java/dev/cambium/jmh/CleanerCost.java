package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.Tree;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static dev.cambium.jmh.Overwrites.KEY_LENGTH;
import static dev.cambium.jmh.Overwrites.LOAD_BATCH;
import static dev.cambium.jmh.Overwrites.UPDATE_BATCH;
import static dev.cambium.jmh.Overwrites.VALUE_LENGTH;
import static dev.cambium.jmh.Overwrites.inUse;
import static dev.cambium.jmh.Overwrites.mib;

/**
 * Measures what the background cleaner costs: (i) its CPU time per reclaimed page, and (ii) its effect
 * on commit latency. A measurement, not a test: it prints what it sees, and checks the target
 * "commit latency with the cleaner running within 10% of commit latency with it paused" on the
 * medians of p50 and mean. Exits 0 whatever the outcome (2 for bad arguments).
 *
 * <p>Workload of every run ({@link Overwrites}), on a fresh file: load {@code --keys} seeded random
 * 16-byte keys with 100-byte values, 1,000 keys per transaction (as {@link FileGrowth}); then {@code --updates} random
 * overwrites (the same seeded sequence in every run) in transactions of 100 updates, no readers. The
 * latency of a commit is {@link System#nanoTime()} around {@link Database#write} (put of 100
 * pre-generated values, then commit); values are generated outside the timed region. After every
 * commit, outside the timed region, {@link Database#stats()} is read to see whether the commit grew
 * the file.
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code A running}: {@code backgroundCleaner(true)}, the default.</li>
 *   <li>{@code B paused}: {@code backgroundCleaner(false)} and {@link Database#runCleaner()} never
 *       called: nothing is reclaimed, every commit appends to the file, which grows without bound.
 *       So B differs from A in two ways, the cleaner thread's competition and the writer's page
 *       source (fresh pages at the end of a growing file vs reused pages).</li>
 *   <li>{@code C inline} (reference, {@code --inline-ref true}): {@code backgroundCleaner(false)} with
 *       {@link Database#runCleaner()} called on the writer thread after every commit, outside the
 *       timed region. Pages are reused as in A but no thread competes with the writer, so A vs C
 *       isolates the concurrent cleaner's interference and C vs B the effect of reuse vs file growth.
 *       (It also calls {@code runCleaner()} after every load commit, so its file after the load is
 *       as small as A's; B's load already grows the file.) Its {@code runCleaner()} calls are timed with the writer thread's CPU clock: the pure duty-cycle
 *       CPU per reclaimed page, without the background thread's idle spinning.</li>
 * </ul>
 * Order: one shorter warm-up run of each mode (not reported in the medians), then {@code --reps}
 * rounds of A, B(, C), alternating; each statistic is reported per run and as the median over the
 * rounds. The CPU cost (i) is measured in the A runs: the cleaner thread ({@value #CLEANER_THREAD})
 * CPU time from {@link ThreadMXBean#getThreadCpuTime(long)} over the update phase plus a drain (until
 * the cleaner has no lag), divided by the {@link DatabaseStats#pagesReclaimed()} over the same span;
 * then the idle cleaner's CPU over {@code --idle-ms} with no commits, for scale.
 *
 * <p>Optionally ({@code --sync-updates N}, default 20000, 0 to skip) the latency comparison is
 * repeated with {@link Durability#SYNC} for a shorter update phase ({@code --only sync} runs just the
 * warm-up and that; {@code --only nosync} skips it).
 *
 * <p>Run (build through the reactor: {@code mvn -B -q -o package -DskipTests}):
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.cambium.jmh.CleanerCost
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.cambium.jmh.CleanerCost \
 *     --keys 20000 --updates 100000 --reps 3 --sync-updates 0
 * }</pre>
 * Options: {@code --keys N} (100000), {@code --updates N} (500000), {@code --seed N}
 * ({@link Data#SEED}), {@code --reps N} (3), {@code --warmup-updates N} (updates/5, 0 for none),
 * {@code --inline-ref true|false} (true), {@code --sync-updates N} (20000), {@code --idle-ms N} (2000).
 */
public final class CleanerCost
{
    static final String CLEANER_THREAD = "cambium-cleaner";
    static final String TREE = "cost";

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private CleanerCost()
    {
    }

    enum Mode
    {
        RUNNING("A", "running", true), PAUSED("B", "paused", false), INLINE("C", "inline", false);

        final String tag;
        final String label;
        final boolean background;

        Mode(final String tag, final String label, final boolean background)
        {
            this.tag = tag;
            this.label = label;
            this.background = background;
        }

        String name2()
        {
            return tag + " " + label;
        }
    }

    /** What one run measured. */
    static final class Run
    {
        final Mode mode;
        final Durability durability;
        final int round;
        long[] latencies;
        boolean[] grew;
        long loadNanos;
        long updateWallNanos;
        long writerCpuNanos;
        DatabaseStats afterLoad;
        DatabaseStats atEnd;
        DatabaseStats afterDrain;
        /** Cleaner thread CPU (mode A): whole run from open, update phase, update phase + drain, idle. */
        long cleanerCpuTotal = -1;
        long cleanerCpuUpdates = -1;
        long cleanerCpuUpdatesDrained = -1;
        long reclaimedUpdates;
        long reclaimedUpdatesDrained;
        long drainNanos;
        long idleCpu = -1;
        long idleNanos;
        long idleRuns;
        /** Mode C: writer-thread CPU and wall time inside runCleaner() during the update phase. */
        long inlineCleanerCpu;
        long inlineCleanerWall;
        long inlineCalls;
        String verification;

        Run(final Mode mode, final Durability durability, final int round)
        {
            this.mode = mode;
            this.durability = durability;
            this.round = round;
        }

        long[] sorted()
        {
            final long[] s = latencies.clone();
            Arrays.sort(s);
            return s;
        }

        double pct(final double q)
        {
            final long[] s = sorted();
            final int i = (int)Math.ceil(q * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, i))] / 1000.0;
        }

        double p50()
        {
            return pct(0.50);
        }

        double p90()
        {
            return pct(0.90);
        }

        double p99()
        {
            return pct(0.99);
        }

        double p999()
        {
            return pct(0.999);
        }

        double max()
        {
            return pct(1.0);
        }

        double mean()
        {
            double sum = 0;
            for (final long l : latencies)
            {
                sum += l;
            }
            return sum / latencies.length / 1000.0;
        }

        long growthCommits()
        {
            long n = 0;
            for (final boolean g : grew)
            {
                if (g)
                {
                    n++;
                }
            }
            return n;
        }

        double meanWhere(final boolean growth)
        {
            double sum = 0;
            long n = 0;
            for (int i = 0; i < latencies.length; i++)
            {
                if (grew[i] == growth)
                {
                    sum += latencies[i];
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n / 1000.0;
        }

        double nsPerReclaimedPage()
        {
            return reclaimedUpdatesDrained == 0
                ? Double.NaN
                : (double)cleanerCpuUpdatesDrained / reclaimedUpdatesDrained;
        }

        double cleanerShare()
        {
            return 100.0 * cleanerCpuUpdates / updateWallNanos;
        }

        double inlineNsPerPage()
        {
            final long pages = atEnd.pagesReclaimed() - afterLoad.pagesReclaimed();
            return pages == 0 ? Double.NaN : (double)inlineCleanerCpu / pages;
        }
    }

    public static void main(final String[] args) throws Exception
    {
        int keys = 100_000;
        int updates = 500_000;
        long seed = Data.SEED;
        int reps = 3;
        int warmup = -1;
        boolean inlineRef = true;
        int syncUpdates = 20_000;
        long idleMs = 2000;
        String only = "all";
        try
        {
            for (final String[] option : Overwrites.options(args))
            {
                final String value = option[1];
                switch (option[0])
                {
                    case "--keys" -> keys = Integer.parseInt(value);
                    case "--updates" -> updates = Integer.parseInt(value);
                    case "--seed" -> seed = Long.decode(value);
                    case "--reps" -> reps = Integer.parseInt(value);
                    case "--warmup-updates" -> warmup = Integer.parseInt(value);
                    case "--inline-ref" -> inlineRef = Boolean.parseBoolean(value);
                    case "--sync-updates" -> syncUpdates = Integer.parseInt(value);
                    case "--idle-ms" -> idleMs = Long.parseLong(value);
                    case "--only" -> only = value.toLowerCase(Locale.ROOT);
                    default -> throw new IllegalArgumentException("unknown option " + option[0]);
                }
            }
            if (!only.matches("all|nosync|sync"))
            {
                throw new IllegalArgumentException("--only must be all, nosync or sync, was " + only);
            }
            if (keys < 1 || updates < UPDATE_BATCH || reps < 1 || syncUpdates < 0 || idleMs < 0)
            {
                throw new IllegalArgumentException("need --keys >= 1, --updates >= " + UPDATE_BATCH
                    + ", --reps >= 1, --sync-updates >= 0, --idle-ms >= 0");
            }
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("CleanerCost: " + e.getMessage());
            System.err.println("usage: CleanerCost [--keys N] [--updates N] [--seed N] [--reps N] [--warmup-updates N] "
                + "[--inline-ref true|false] [--sync-updates N] [--idle-ms N] [--only all|nosync|sync]");
            System.exit(2);
            return;
        }
        if (warmup < 0)
        {
            warmup = Math.max(UPDATE_BATCH, updates / 5);
        }
        if (!MX.isThreadCpuTimeSupported())
        {
            System.out.println("WARNING: ThreadMXBean.isThreadCpuTimeSupported() is false: CPU figures will be -1");
        }
        else if (!MX.isThreadCpuTimeEnabled())
        {
            MX.setThreadCpuTimeEnabled(true);
        }
        System.out.printf(Locale.ROOT,
            "CleanerCost: keys=%d updates=%d seed=%d reps=%d warmup-updates=%d inline-ref=%s sync-updates=%d idle-ms=%d only=%s; "
                + "%d-byte keys, %d-byte values, load %d/txn, updates %d/txn; %d CPUs, %s %s%n",
            keys, updates, seed, reps, warmup, inlineRef, syncUpdates, idleMs, only, KEY_LENGTH, VALUE_LENGTH,
            LOAD_BATCH,
            UPDATE_BATCH, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
            System.getProperty("java.version"));
        System.out.printf("thread CPU time supported=%s enabled=%s%n", MX.isThreadCpuTimeSupported(),
            MX.isThreadCpuTimeEnabled());

        final byte[][] keyBytes = Data.randomKeys(keys, KEY_LENGTH, seed);
        final Path dir = Files.createTempDirectory("cambium-cleaner-cost");
        final long start = System.nanoTime();
        final List<Mode> modes = new ArrayList<>(List.of(Mode.RUNNING, Mode.PAUSED));
        if (inlineRef)
        {
            modes.add(Mode.INLINE);
        }
        try
        {
            // ---- NO_SYNC: warm-up, then reps rounds alternating the modes.
            if (warmup > 0)
            {
                System.out.printf("%n== warm-up (NO_SYNC, %d updates per mode; not in the medians) ==%n", warmup);
                for (final Mode m : modes)
                {
                    final Run r = run(m, Durability.NO_SYNC, 0, keyBytes, warmup, seed, dir, 0);
                    printRunLine(r);
                }
            }
            System.out.printf("%n== NO_SYNC: %d rounds of %s, %d updates each ==%n", reps,
                String.join(", ", modes.stream().map(Mode::name2).toList()), updates);
            final List<Run> runs = new ArrayList<>();
            for (int round = 1; round <= (only.equals("sync") ? 0 : reps); round++)
            {
                for (final Mode m : modes)
                {
                    final Run r = run(m, Durability.NO_SYNC, round, keyBytes, updates, seed, dir, idleMs);
                    printRunLine(r);
                    runs.add(r);
                }
            }

            // ---- optional SYNC comparison, same modes.
            final List<Run> syncRuns = new ArrayList<>();
            if (syncUpdates > 0 && !only.equals("nosync"))
            {
                System.out.printf("%n== SYNC: %d rounds of %s, %d updates each ==%n", reps,
                    String.join(", ", modes.stream().map(Mode::name2).toList()), syncUpdates);
                for (int round = 1; round <= reps; round++)
                {
                    for (final Mode m : modes)
                    {
                        final Run r = run(m, Durability.SYNC, round, keyBytes, syncUpdates, seed, dir, 0);
                        printRunLine(r);
                        syncRuns.add(r);
                    }
                }
            }

            if (!runs.isEmpty())
            {
                printCpuTable(runs);
                printLatencyTable("NO_SYNC", runs, modes, updates);
            }
            if (!syncRuns.isEmpty())
            {
                printLatencyTable("SYNC", syncRuns, modes, syncUpdates);
            }
        }
        finally
        {
            try (var rest = Files.list(dir))
            {
                for (final Path p : (Iterable<Path>)rest::iterator)
                {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        System.out.printf(Locale.ROOT, "%ntotal elapsed %.1f s%n", (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }

    /** One run on a fresh file: load, then the update phase with every commit timed. */
    static Run run(
        final Mode mode,
        final Durability durability,
        final int round,
        final byte[][] keys,
        final int updates,
        final long seed,
        final Path dir,
        final long idleMs) throws InterruptedException, IOException
    {
        final Run r = new Run(mode, durability, round);
        final Path file = dir.resolve("cost-" + mode.tag + "-" + durability + "-" + round + ".cambium");
        Files.deleteIfExists(file);
        final int n = keys.length;
        final long[] valueSeed = Overwrites.loadSeeds(n, seed);
        final DatabaseOptions options = DatabaseOptions.builder()
            .durability(durability)
            .backgroundCleaner(mode.background)
            .build();
        final Set<Long> cleanersBefore = cleanerThreadIds();
        System.gc();
        final long t0 = System.nanoTime();
        try (Database db = Database.open(file, options))
        {
            final long cleanerId = mode.background ? findNewCleaner(cleanersBefore) : -1;
            final long cleanerCpu0 = cpu(cleanerId);
            for (int i = 0; i < n; i += LOAD_BATCH)
            {
                Overwrites.loadBatch(db, TREE, keys, valueSeed, i);
                if (mode == Mode.INLINE)
                {
                    db.runCleaner(); // reuse during the load too, as A does
                }
            }
            r.loadNanos = System.nanoTime() - t0;
            // Settle: let the cleaner finish with the load before timing starts (same for every mode).
            if (mode == Mode.RUNNING)
            {
                drain(db, 2000);
            }
            else if (mode == Mode.INLINE)
            {
                for (int k = 0; k < 1000 && db.runCleaner() > 0; k++)
                {
                    // until idle
                }
            }
            System.gc();
            Thread.sleep(100);
            r.afterLoad = db.stats();

            final SplittableRandom updateRnd = new SplittableRandom(seed + 2);
            final int commits = (updates + UPDATE_BATCH - 1) / UPDATE_BATCH;
            r.latencies = new long[commits];
            r.grew = new boolean[commits];
            final int[] idx = new int[UPDATE_BATCH];
            final byte[][] vals = new byte[UPDATE_BATCH][];
            long fileSize = r.afterLoad.fileSize();
            long done = 0;
            int c = 0;
            final long cleanerCpuStart = cpu(cleanerId);
            final long writerCpuStart = MX.getCurrentThreadCpuTime();
            final long tu = System.nanoTime();
            while (done < updates)
            {
                final int batch = (int)Math.min(UPDATE_BATCH, updates - done);
                for (int j = 0; j < batch; j++)
                {
                    idx[j] = updateRnd.nextInt(n);
                    valueSeed[idx[j]] = updateRnd.nextLong();
                    vals[j] = Data.value(VALUE_LENGTH, valueSeed[idx[j]]);
                }
                final long s = System.nanoTime();
                db.write(txn ->
                {
                    final Tree t = txn.tree(TREE);
                    for (int j = 0; j < batch; j++)
                    {
                        t.put(keys[idx[j]], vals[j]);
                    }
                });
                r.latencies[c] = System.nanoTime() - s;
                if (mode == Mode.INLINE)
                {
                    final long cs = MX.getCurrentThreadCpuTime();
                    final long ws = System.nanoTime();
                    db.runCleaner();
                    r.inlineCleanerWall += System.nanoTime() - ws;
                    r.inlineCleanerCpu += MX.getCurrentThreadCpuTime() - cs;
                    r.inlineCalls++;
                }
                final long fs = db.stats().fileSize();
                r.grew[c] = fs > fileSize;
                fileSize = fs;
                c++;
                done += batch;
            }
            r.updateWallNanos = System.nanoTime() - tu;
            r.writerCpuNanos = MX.getCurrentThreadCpuTime() - writerCpuStart;
            r.atEnd = db.stats();
            if (mode == Mode.RUNNING)
            {
                final long cpuEnd = cpu(cleanerId);
                r.cleanerCpuUpdates = cpuEnd - cleanerCpuStart;
                r.reclaimedUpdates = r.atEnd.pagesReclaimed() - r.afterLoad.pagesReclaimed();
                final long td = System.nanoTime();
                drain(db, 2000);
                r.drainNanos = System.nanoTime() - td;
                r.afterDrain = db.stats();
                final long cpuDrained = cpu(cleanerId);
                r.cleanerCpuUpdatesDrained = cpuDrained - cleanerCpuStart;
                r.reclaimedUpdatesDrained = r.afterDrain.pagesReclaimed() - r.afterLoad.pagesReclaimed();
                r.cleanerCpuTotal = cpuDrained - cleanerCpu0;
                if (idleMs > 0)
                {
                    final long runs0 = db.stats().cleanerRuns();
                    final long ti = System.nanoTime();
                    Thread.sleep(idleMs);
                    r.idleNanos = System.nanoTime() - ti;
                    r.idleCpu = cpu(cleanerId) - cpuDrained;
                    r.idleRuns = db.stats().cleanerRuns() - runs0;
                }
            }
            else
            {
                r.afterDrain = r.atEnd;
            }
            r.verification = verify(db, keys, valueSeed);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        return r;
    }

    /** Waits until the cleaner has no lag and its reclaimed count stops moving, at most {@code maxMs}. */
    static void drain(final Database db, final long maxMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + maxMs * 1_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline)
        {
            final DatabaseStats s = db.stats();
            if (s.cleanerLag() == 0 && s.pagesReclaimed() == last)
            {
                return;
            }
            last = s.pagesReclaimed();
            Thread.sleep(20);
        }
    }

    static Set<Long> cleanerThreadIds()
    {
        final Set<Long> ids = new HashSet<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (CLEANER_THREAD.equals(t.getName()))
            {
                ids.add(t.getId());
            }
        }
        return ids;
    }

    /** The id of the live cleaner thread that was not there before the database was opened. */
    static long findNewCleaner(final Set<Long> before) throws InterruptedException
    {
        for (int attempt = 0; attempt < 200; attempt++)
        {
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (CLEANER_THREAD.equals(t.getName()) && t.isAlive() && !before.contains(t.getId()))
                {
                    return t.getId();
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no new thread named " + CLEANER_THREAD + " after open");
    }

    static long cpu(final long threadId)
    {
        return threadId < 0 || !MX.isThreadCpuTimeSupported() ? -1 : MX.getThreadCpuTime(threadId);
    }

    static String verify(final Database db, final byte[][] keys, final long[] valueSeed)
    {
        return db.read(txn ->
        {
            final Tree t = txn.tree(TREE);
            final long wrong = Overwrites.wrongValues(t, keys, valueSeed);
            if (t.size() != keys.length)
            {
                return "FAILED: " + t.size() + " entries";
            }
            return wrong == 0 ? "ok" : "FAILED: " + wrong + " wrong";
        });
    }

    static void printRunLine(final Run r)
    {
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
            "%-7s %-10s round %d: %,d commits; p50 %.1f us p90 %.1f us p99 %.1f us p99.9 %.1f us max %.1f us mean %.1f us; "
                + "update phase %.1f s (%,.0f upd/s), writer CPU %.1f s; load %.1f s; in use %s -> %s, file %s -> %s; "
                + "file grew in %d commits (mean %.1f us vs %.1f us); reclaimed %,d pages, cleanerRuns %,d; verify %s",
            r.durability, r.mode.name2(), r.round, r.latencies.length, r.p50(), r.p90(), r.p99(), r.p999(), r.max(),
            r.mean(),
            r.updateWallNanos / 1e9, r.latencies.length * (double)UPDATE_BATCH / (r.updateWallNanos / 1e9),
            r.writerCpuNanos / 1e9, r.loadNanos / 1e9,
            mib(inUse(r.afterLoad)), mib(inUse(r.atEnd)), mib(r.afterLoad.fileSize()), mib(r.atEnd.fileSize()),
            r.growthCommits(), r.meanWhere(true), r.meanWhere(false),
            r.afterDrain.pagesReclaimed() - r.afterLoad.pagesReclaimed(),
            r.afterDrain.cleanerRuns() - r.afterLoad.cleanerRuns(), r.verification));
        if (r.mode == Mode.RUNNING)
        {
            b.append(String.format(Locale.ROOT,
                "%n        cleaner CPU: updates %.3f s (%.1f%% of %.1f s wall) reclaiming %,d pages; +drain %.0f ms: %.3f s / %,d pages = %.0f ns/page; "
                    + "whole run from open %.3f s",
                r.cleanerCpuUpdates / 1e9, r.cleanerShare(), r.updateWallNanos / 1e9, r.reclaimedUpdates,
                r.drainNanos / 1e6, r.cleanerCpuUpdatesDrained / 1e9, r.reclaimedUpdatesDrained, r.nsPerReclaimedPage(),
                r.cleanerCpuTotal / 1e9));
            if (r.idleNanos > 0)
            {
                b.append(String.format(Locale.ROOT, "; idle %.0f ms: %.1f ms CPU (%.2f%%), %,d duty cycles",
                    r.idleNanos / 1e6, r.idleCpu / 1e6, 100.0 * r.idleCpu / r.idleNanos, r.idleRuns));
            }
        }
        if (r.mode == Mode.INLINE)
        {
            b.append(String.format(Locale.ROOT,
                "%n        inline runCleaner(): %,d calls, CPU %.3f s, wall %.3f s, %.0f ns CPU/page, %.1f us CPU/call",
                r.inlineCalls, r.inlineCleanerCpu / 1e9, r.inlineCleanerWall / 1e9, r.inlineNsPerPage(),
                r.inlineCleanerCpu / 1e3 / r.inlineCalls));
        }
        System.out.println(b);
    }

    static double median(final List<Run> runs, final ToDoubleFunction<Run> f)
    {
        final double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static String values(final List<Run> runs, final ToDoubleFunction<Run> f, final String fmt)
    {
        final List<String> s = new ArrayList<>();
        for (final Run r : runs)
        {
            s.add(String.format(Locale.ROOT, fmt, f.applyAsDouble(r)));
        }
        return String.join(" / ", s);
    }

    static void printCpuTable(final List<Run> all)
    {
        final List<Run> a = all.stream().filter(r -> r.mode == Mode.RUNNING).toList();
        final List<Run> c = all.stream().filter(r -> r.mode == Mode.INLINE).toList();
        System.out.printf(
            "%n== (i) cleaner CPU per reclaimed page (NO_SYNC update phase; median of %d runs, per-run values in brackets) ==%n",
            a.size());
        final String h = String.format("%-58s | %-14s | %s", "quantity", "median", "runs");
        System.out.println(h);
        System.out.println("-".repeat(h.length() + 20));
        row(a, "A background thread: cleaner CPU, update phase (s)", r -> r.cleanerCpuUpdates / 1e9, "%.3f");
        row(a, "A update-phase wall (s)", r -> r.updateWallNanos / 1e9, "%.2f");
        row(a, "A cleaner CPU share of wall (%)", Run::cleanerShare, "%.1f");
        row(a, "A writer CPU share of wall (%)", r -> 100.0 * r.writerCpuNanos / r.updateWallNanos, "%.1f");
        row(a, "A pages reclaimed (update phase + drain)", r -> r.reclaimedUpdatesDrained, "%,.0f");
        row(a, "A cleaner CPU, update phase + drain (s)", r -> r.cleanerCpuUpdatesDrained / 1e9, "%.3f");
        row(a, "A ns CPU per reclaimed page (thread total)", Run::nsPerReclaimedPage, "%.0f");
        row(a, "A cleaner duty cycles (update phase + drain)",
            r -> r.afterDrain.cleanerRuns() - r.afterLoad.cleanerRuns(), "%,.0f");
        if (a.stream().allMatch(r -> r.idleNanos > 0))
        {
            row(a, "A idle cleaner CPU share, no commits (%)", r -> 100.0 * r.idleCpu / r.idleNanos, "%.2f");
            row(a, "A idle duty cycles per second", r -> r.idleRuns / (r.idleNanos / 1e9), "%,.0f");
        }
        if (!c.isEmpty())
        {
            row(c, "C inline runCleaner(): CPU (s)", r -> r.inlineCleanerCpu / 1e9, "%.3f");
            row(c, "C inline pages reclaimed", r -> r.atEnd.pagesReclaimed() - r.afterLoad.pagesReclaimed(), "%,.0f");
            row(c, "C inline ns CPU per reclaimed page (duty cycles only)", Run::inlineNsPerPage, "%.0f");
            row(c, "C inline runCleaner() CPU as % of update-phase wall",
                r -> 100.0 * r.inlineCleanerCpu / r.updateWallNanos, "%.1f");
        }
    }

    static void row(final List<Run> runs, final String name, final ToDoubleFunction<Run> f, final String fmt)
    {
        System.out.printf(Locale.ROOT, "%-58s | %14s | [%s]%n", name, String.format(Locale.ROOT, fmt, median(runs, f)),
            values(runs, f, fmt));
    }

    static void printLatencyTable(final String title, final List<Run> all, final List<Mode> modes, final int updates)
    {
        System.out.printf(
            "%n== (ii) commit latency, %s, %d updates in %d-update commits: median of %d rounds per statistic "
                + "(per-run values in brackets), microseconds ==%n",
            title, updates, UPDATE_BATCH, all.stream().filter(r -> r.mode == modes.get(0)).count());
        final String h = String.format("%-11s | %-8s | %-8s | %-8s | %-8s | %-9s | %-8s | %-9s | %-22s | %-13s | %s",
            "mode", "p50", "p90", "p99", "p99.9", "max", "mean", "upd/s", "final in use [file]", "growth commits",
            "per-run p50 ; mean");
        System.out.println(h);
        System.out.println("-".repeat(h.length() + 30));
        for (final Mode m : modes)
        {
            final List<Run> rs = all.stream().filter(r -> r.mode == m).toList();
            System.out.printf(Locale.ROOT,
                "%-11s | %8.1f | %8.1f | %8.1f | %8.1f | %9.1f | %8.1f | %9.0f | %-22s | %13.0f | [%s ; %s]%n",
                m.name2(), median(rs, Run::p50), median(rs, Run::p90), median(rs, Run::p99), median(rs, Run::p999),
                median(rs, Run::max), median(rs, Run::mean),
                median(rs, r -> r.latencies.length * (double)UPDATE_BATCH / (r.updateWallNanos / 1e9)),
                mib((long)median(rs, r -> inUse(r.atEnd))) + " [" + mib((long)median(rs, r -> r.atEnd.fileSize()))
                    + "]",
                median(rs, r -> r.growthCommits()),
                values(rs, Run::p50, "%.1f"), values(rs, Run::mean, "%.1f"));
        }
        final List<Run> a = all.stream().filter(r -> r.mode == Mode.RUNNING).toList();
        final List<Run> b = all.stream().filter(r -> r.mode == Mode.PAUSED).toList();
        final double p50Ratio = median(a, Run::p50) / median(b, Run::p50);
        final double meanRatio = median(a, Run::mean) / median(b, Run::mean);
        final double p90Ratio = median(a, Run::p90) / median(b, Run::p90);
        final double p99Ratio = median(a, Run::p99) / median(b, Run::p99);
        System.out.printf(Locale.ROOT,
            "%s ratio running/paused (A/B) of the medians: p50 %.3f, mean %.3f (target <= 1.10: p50 %s, mean %s); p90 %.3f, p99 %.3f%n",
            title, p50Ratio, meanRatio, p50Ratio <= 1.10 ? "PASS" : "FAIL", meanRatio <= 1.10 ? "PASS" : "FAIL",
            p90Ratio, p99Ratio);
        // Paired per round, to show the spread of the ratio itself.
        final List<String> paired = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++)
        {
            paired.add(String.format(Locale.ROOT, "round %d: p50 %.3f mean %.3f", a.get(i).round,
                a.get(i).p50() / b.get(i).p50(), a.get(i).mean() / b.get(i).mean()));
        }
        System.out.printf("%s per-round A/B: %s%n", title, String.join("; ", paired));
        final List<Run> c = all.stream().filter(r -> r.mode == Mode.INLINE).toList();
        if (!c.isEmpty())
        {
            System.out.printf(Locale.ROOT,
                "%s ratio running/inline (A/C, both reuse pages; isolates the concurrent thread): p50 %.3f, mean %.3f; "
                    + "inline/paused (C/B, reuse vs file growth, no concurrent thread): p50 %.3f, mean %.3f%n",
                title, median(a, Run::p50) / median(c, Run::p50), median(a, Run::mean) / median(c, Run::mean),
                median(c, Run::p50) / median(b, Run::p50), median(c, Run::mean) / median(b, Run::mean));
        }
        System.out.printf(Locale.ROOT,
            "%s commits that grew the file, mean latency (median over rounds): A %.1f us (%.0f commits), B %.1f us (%.0f commits); "
                + "non-growing commits: A %.1f us, B %.1f us%n",
            title, medianFinite(a, r -> r.meanWhere(true)), median(a, r -> r.growthCommits()),
            medianFinite(b, r -> r.meanWhere(true)), median(b, r -> r.growthCommits()),
            median(a, r -> r.meanWhere(false)), median(b, r -> r.meanWhere(false)));
    }

    /** Median over the runs where {@code f} is a number (NaN when the run had no such commit). */
    static double medianFinite(final List<Run> runs, final ToDoubleFunction<Run> f)
    {
        final List<Run> finite = runs.stream().filter(r -> !Double.isNaN(f.applyAsDouble(r))).toList();
        return finite.isEmpty() ? Double.NaN : median(finite, f);
    }
}
