package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.engine.InternalOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static dev.cambium.jmh.Overwrites.KEY_LENGTH;
import static dev.cambium.jmh.Overwrites.LOAD_BATCH;
import static dev.cambium.jmh.Overwrites.UPDATE_BATCH;
import static dev.cambium.jmh.Overwrites.VALUE_LENGTH;
import static dev.cambium.jmh.Overwrites.inUse;
import static dev.cambium.jmh.Overwrites.mib;

/**
 * Measures how the database file grows under overwrites, for the cleaner's page-reuse work. A
 * measurement, not a test: it prints what it sees and PASS/FAIL against the targets, and exits 0
 * whatever the outcome (2 for bad arguments, 1 if a variant could not be measured because it threw).
 *
 * <p>Scenario ({@link Overwrites}), run once per variant on a fresh file ({@link Durability#NO_SYNC}, or
 * {@code --durability sync} for durable commits through group commit, default page size):
 * <ol>
 *   <li>Load {@code --keys} distinct seeded random 16-byte keys with seeded random 100-byte values,
 *       1,000 keys per transaction. {@code S0} is the size after the load.</li>
 *   <li>Overwrite {@code --updates} random existing keys (seeded, the same sequence in every
 *       variant) with freshly randomised 100-byte values, 100 updates per transaction.</li>
 * </ol>
 * Variants:
 * <ul>
 *   <li>{@code a}, short readers: a second thread opens a read transaction, gets a few random keys
 *       and closes it, over and over, until the updates finish. Target: final &le; 1.5 &times; S0.</li>
 *   <li>{@code b}, a reader held for the first 20% of the updates (100k of 500k): opened right after
 *       the load, closed once that many updates are committed. Target: final &le; 2 &times; S0 and
 *       growth over the last 60% of the updates (the last 300k) &lt; 5%.</li>
 *   <li>{@code c}, a reader held for the whole run: opened right after the load, closed after the
 *       final size is recorded. Target: final &le; 2.5 &times; S0 and growth over the last 60% &lt; 5%.</li>
 *   <li>{@code c-oldest}, variant {@code c} on a database opened with
 *       {@link InternalOptions#oldestReaderReuse(DatabaseOptions.Builder, boolean) oldestReaderReuse(true)} (LMDB's
 *       oldest-reader rule instead of the interval rule), same targets: shows what the interval rule
 *       buys. Expected to FAIL: with the reader pinning the first revision nothing made obsolete after
 *       it may be reused, so the file grows with every update.</li>
 * </ul>
 * Each variant gets a second table line with the page accounting from {@link Database#stats()}: free
 * and pending pages, pages reclaimed, cleaner runs and cleaner lag, at the final size (reader of
 * {@code c} still open) and again after the reader is closed, the keys verified and the cleaner given
 * up to 3 s to settle (free and pending are the writer's accounting, brought up to date at its next
 * commit, so after the reader closes they still show the pages the reader pinned as pending; the
 * cleaner's pagesReclaimed already moves); and a third line counting the update commits that raised the high-water mark
 * ({@link Database#stats()} is read after every update commit for this), how many of them had free
 * pages before the commit, and the largest cleaner lag seen after a commit.
 * "Size" in the ratios is the part of the file in use, {@code pageCount * pageSize} from
 * {@link Database#stats()}; the file's length ({@link DatabaseStats#fileSize()}, grown ahead of need)
 * is printed beside it. Sizes are taken at commit boundaries: after the load, after the commit that
 * reaches 40% of the updates (200k of 500k, the start of the "last 60%"), and at the end. The
 * variant's elapsed time covers load and updates.
 *
 * <p>Before page reuse every commit appended its pages to the file and all variants grew without
 * bound (a 2.9 GB file for this run). Variant {@code c-oldest} keeps that comparison alive: the same
 * run as (c) under the oldest-reader reuse rule, which cannot reuse anything behind the held reader.
 * The outcome depends on how promptly the cleaner thread runs, so a loaded machine gives worse ratios.
 *
 * <p>Run (after {@code mvn -B -q -o install -DskipTests}):
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.cambium.jmh.FileGrowth
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.cambium.jmh.FileGrowth \
 *     --keys 20000 --updates 100000 --variant all --seed 42
 * }</pre>
 * Options: {@code --keys N} (default 100000), {@code --updates N} (default 500000), {@code --seed N}
 * (default {@link Data#SEED}), {@code --variant a|b|c|c-oldest|all} (default all). Files go to a temporary
 * directory under {@code java.io.tmpdir} and are deleted at the end of each variant.
 */
public final class FileGrowth
{
    static final String TREE = "growth";
    static final int READER_GETS = 4;
    /** Progress lines per variant. */
    static final int PROGRESS_STEPS = 10;
    /** Growth events listed per variant. */
    static final int GROWTH_EVENTS_SHOWN = 8;
    /** Longest wait for the cleaner to settle before the final stats. */
    static final long DRAIN_MILLIS = 3000;

    private FileGrowth()
    {
    }

    /** One variant's scenario and targets. */
    enum Variant
    {
        A("short readers", 1.5, false, false), B("reader held for the first 20% of updates", 2.0, true, false), C(
            "reader held for the whole run", 2.5, true,
            false), C_OLDEST("reader held for the whole run, oldest-reader reuse rule", 2.5, true, true);

        final String description;
        final double maxRatio;
        final boolean growthCriterion;
        /** Open with {@code oldestReaderReuse(true)}; otherwise the engine's default interval rule. */
        final boolean oldestReaderReuse;

        Variant(final String description, final double maxRatio, final boolean growthCriterion,
            final boolean oldestReaderReuse)
        {
            this.description = description;
            this.maxRatio = maxRatio;
            this.growthCriterion = growthCriterion;
            this.oldestReaderReuse = oldestReaderReuse;
        }

        String letter()
        {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether a read transaction is held from the end of the load. */
        boolean holdsReader()
        {
            return this != A;
        }

        String target()
        {
            return String.format(Locale.ROOT, "final<=%.1fxS0", maxRatio) + (growthCriterion ? ", last60%<5%" : "");
        }
    }

    /** What one variant measured. */
    static final class Result
    {
        final Variant variant;
        long s0InUse;
        long s0File;
        long midInUse;
        long midFile;
        long midAtUpdates;
        long finalInUse;
        long finalFile;
        long loadNanos;
        long updateNanos;
        long totalNanos;
        long readerTransactions;
        long readerGets;
        /** Commits of the update phase that raised the high-water mark, and by how many pages in all. */
        long growthCommits;
        long grownPages;
        /** Of those, commits where the writer had free pages before it (growth despite reusable pages). */
        long growthWithFree;
        long maxCleanerLag;
        final List<String> growthEvents = new ArrayList<>();
        long drainMillis;
        /** Stats when the final size was recorded (before the reader of c is closed). */
        DatabaseStats finalSizeStats;
        /** Stats after the reader was closed and the keys were verified. */
        DatabaseStats finalStats;
        String verification;
        Throwable error;

        Result(final Variant variant)
        {
            this.variant = variant;
        }

        double ratio()
        {
            return (double)finalInUse / s0InUse;
        }

        double lastGrowthPercent()
        {
            return 100.0 * (finalInUse - midInUse) / midInUse;
        }

        boolean ratioPass()
        {
            return ratio() <= variant.maxRatio;
        }

        boolean growthPass()
        {
            return lastGrowthPercent() < 5.0;
        }

        boolean pass()
        {
            return error == null && ratioPass() && (!variant.growthCriterion || growthPass());
        }
    }

    /**
     * @param args {@code --keys N --updates N --seed N --variant a|b|c|all}.
     * @throws Exception on I/O failure of the temporary directory.
     */
    public static void main(final String[] args) throws Exception
    {
        int keys = 100_000;
        int updates = 500_000;
        long seed = Data.SEED;
        String which = "all";
        Durability durability = Durability.NO_SYNC;
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
                    case "--variant" -> which = value.toLowerCase(Locale.ROOT);
                    case "--durability" -> durability = Durability.valueOf(value.toUpperCase(Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + option[0]);
                }
            }
            if (keys < 1 || updates < UPDATE_BATCH)
            {
                throw new IllegalArgumentException("need --keys >= 1 and --updates >= " + UPDATE_BATCH);
            }
            if (!which.matches("a|b|c|c-oldest|all"))
            {
                throw new IllegalArgumentException("--variant must be a, b, c, c-oldest or all, was " + which);
            }
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("FileGrowth: " + e.getMessage());
            System.err.println(
                "usage: FileGrowth [--keys N] [--updates N] [--seed N] [--variant a|b|c|c-oldest|all] [--durability no_sync|sync]");
            System.exit(2);
            return;
        }

        final List<Variant> variants = new ArrayList<>();
        for (final Variant v : Variant.values())
        {
            if (which.equals("all") || which.equals(v.letter()))
            {
                variants.add(v);
            }
        }

        final long heldMark = updates * 20L / 100; // variant b closes its reader here
        final long midMark = updates - updates * 60L / 100; // start of the "last 60%"
        System.out.printf(Locale.ROOT,
            "FileGrowth: keys=%d updates=%d seed=%d variants=%s; %d-byte keys, %d-byte values, load %d/txn, updates %d/txn, %s%n",
            keys, updates, seed, which, KEY_LENGTH, VALUE_LENGTH, LOAD_BATCH, UPDATE_BATCH, durability);
        System.out.printf(Locale.ROOT,
            "marks: reader of (b) closed after %d updates; size@mid taken after %d updates (growth measured over the last %d)%n",
            heldMark, midMark, updates - midMark);

        final byte[][] keyBytes = Data.randomKeys(keys, KEY_LENGTH, seed);
        final Path dir = Files.createTempDirectory("cambium-growth");
        final List<Result> results = new ArrayList<>();
        final long start = System.nanoTime();
        try
        {
            for (final Variant v : variants)
            {
                final Path file = dir.resolve("growth-" + v.letter() + ".cambium");
                final Result r = new Result(v);
                System.out.printf("%n== variant %s: %s ==%n", v.letter(), v.description);
                try
                {
                    run(r, file, keyBytes, updates, seed, heldMark, midMark, durability);
                }
                catch (final Throwable t)
                {
                    r.error = t;
                    System.out.println("variant " + v.letter() + " threw:");
                    t.printStackTrace(System.out);
                }
                finally
                {
                    Files.deleteIfExists(file);
                }
                results.add(r);
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

        printTable(results, midMark, updates);
        System.out.printf(Locale.ROOT, "total elapsed %.1f s%n", (System.nanoTime() - start) / 1e9);
        for (final Result r : results)
        {
            if (r.error != null)
            {
                System.exit(1);
            }
        }
        System.exit(0);
    }

    static void run(
        final Result r,
        final Path file,
        final byte[][] keys,
        final int updates,
        final long seed,
        final long heldMark,
        final long midMark,
        final Durability durability) throws InterruptedException
    {
        final int n = keys.length;
        final long[] valueSeed = Overwrites.loadSeeds(n, seed);

        final long t0 = System.nanoTime();
        final DatabaseOptions options = InternalOptions.oldestReaderReuse(DatabaseOptions.builder()
            .durability(durability), r.variant.oldestReaderReuse)
            .build();
        try (Database db = Database.open(file, options))
        {
            for (int i = 0; i < n; i += LOAD_BATCH)
            {
                Overwrites.loadBatch(db, TREE, keys, valueSeed, i);
            }
            final long t1 = System.nanoTime();
            r.loadNanos = t1 - t0;
            DatabaseStats s = db.stats();
            r.s0InUse = inUse(s);
            r.s0File = s.fileSize();
            System.out.printf(Locale.ROOT, "loaded %d keys in %.1f s: S0 in use %s, file %s; %s%n",
                n, r.loadNanos / 1e9, mib(r.s0InUse), mib(r.s0File), s);

            ReadTransaction held = r.variant.holdsReader() ? db.beginRead() : null;
            final ShortReaders readers = r.variant == Variant.A ? new ShortReaders(db, keys, seed + 3) : null;
            if (readers != null)
            {
                readers.start();
            }
            try
            {
                final SplittableRandom updateRnd = new SplittableRandom(seed + 2);
                final int[] idx = new int[UPDATE_BATCH];
                final long progressEvery = Math.max(UPDATE_BATCH, updates / PROGRESS_STEPS);
                long nextProgress = progressEvery;
                boolean midTaken = false;
                long done = 0;
                DatabaseStats before = db.stats();
                while (done < updates)
                {
                    final int batch = (int)Math.min(UPDATE_BATCH, updates - done);
                    for (int j = 0; j < batch; j++)
                    {
                        idx[j] = updateRnd.nextInt(n);
                        valueSeed[idx[j]] = updateRnd.nextLong();
                    }
                    db.write(txn ->
                    {
                        final Tree t = txn.tree(TREE);
                        for (int j = 0; j < batch; j++)
                        {
                            t.put(keys[idx[j]], Data.value(VALUE_LENGTH, valueSeed[idx[j]]));
                        }
                    });
                    done += batch;
                    // Page accounting after every commit (stats() reads counters), to see why the file grows.
                    final DatabaseStats after = db.stats();
                    r.maxCleanerLag = Math.max(r.maxCleanerLag, after.cleanerLag());
                    if (after.pageCount() > before.pageCount())
                    {
                        r.growthCommits++;
                        r.grownPages += after.pageCount() - before.pageCount();
                        if (before.freePages() > 0)
                        {
                            r.growthWithFree++;
                        }
                        if (r.growthEvents.size() < GROWTH_EVENTS_SHOWN)
                        {
                            r.growthEvents.add(String.format(Locale.ROOT,
                                "@%d +%d pages (before: free %d pending %d lag %d)",
                                done, after.pageCount() - before.pageCount(), before.freePages(), before.pendingPages(),
                                before.cleanerLag()));
                        }
                    }
                    before = after;
                    if (held != null && r.variant == Variant.B && done >= heldMark)
                    {
                        held.close();
                        held = null;
                        System.out.printf("reader closed after %d updates%n", done);
                    }
                    if (!midTaken && done >= midMark)
                    {
                        midTaken = true;
                        s = db.stats();
                        r.midInUse = inUse(s);
                        r.midFile = s.fileSize();
                        r.midAtUpdates = done;
                    }
                    if (done >= nextProgress || done == updates)
                    {
                        nextProgress += progressEvery;
                        s = db.stats();
                        final double secs = (System.nanoTime() - t1) / 1e9;
                        System.out.printf(Locale.ROOT,
                            "  %,9d updates  in use %s (%.2fx S0)  file %s  last commit %d pages  retained revisions %d  %.1f s, %,.0f updates/s%n",
                            done, mib(inUse(s)), (double)inUse(s) / r.s0InUse, mib(s.fileSize()),
                            s.lastCommitPages(), s.revisionsRetained(), secs, done / secs);
                    }
                }
                r.updateNanos = System.nanoTime() - t1;
            }
            finally
            {
                if (readers != null)
                {
                    readers.finish();
                    r.readerTransactions = readers.transactions;
                    r.readerGets = readers.gets;
                }
            }
            // Final size before the variant-c reader is closed.
            s = db.stats();
            r.finalInUse = inUse(s);
            r.finalFile = s.fileSize();
            r.finalSizeStats = s;
            System.out.println("stats at final size: " + s);
            if (held != null)
            {
                held.close();
                System.out.println("reader closed after the final size was recorded");
            }
            r.totalNanos = System.nanoTime() - t0;
            r.verification = verify(db, keys, valueSeed);
            r.drainMillis = drain(db, DRAIN_MILLIS);
            r.finalStats = db.stats();
            System.out.println("final stats: " + r.finalStats);
            if (readers != null)
            {
                System.out.printf("short readers: %,d read transactions, %,d gets%n", r.readerTransactions,
                    r.readerGets);
            }
            System.out.println("verification: " + r.verification);
            System.out.printf(Locale.ROOT,
                "page-count growth during the updates: %d of %d commits raised it, by %,d pages in all; %d of them had free pages before;"
                    + " max cleanerLag after a commit %d; final stats taken after waiting %d ms for the cleaner to settle%n",
                r.growthCommits, (updates + UPDATE_BATCH - 1) / UPDATE_BATCH, r.grownPages, r.growthWithFree,
                r.maxCleanerLag, r.drainMillis);
            System.out.println("first growth events: " + r.growthEvents);
            System.out.printf(Locale.ROOT,
                "summary %s: S0 %s, final %s = %.2fx S0 (target <= %.1fx: %s), last %d updates grew %.1f%% (%s), %s%n",
                r.variant.letter(), mib(r.s0InUse), mib(r.finalInUse), r.ratio(), r.variant.maxRatio,
                r.ratioPass() ? "PASS" : "FAIL", updates - r.midAtUpdates, r.lastGrowthPercent(),
                r.variant.growthCriterion ? "target < 5%: " + (r.growthPass() ? "PASS" : "FAIL") : "not a criterion",
                r.pass() ? "PASS" : "FAIL");
        }
    }

    /** Checks that every key holds its last written value, so the sizes belong to a correct run. */
    static String verify(final Database db, final byte[][] keys, final long[] valueSeed)
    {
        return db.read(txn ->
        {
            final Tree t = txn.tree(TREE);
            final long wrong = Overwrites.wrongValues(t, keys, valueSeed);
            if (t.size() != keys.length)
            {
                return "FAILED: tree has " + t.size() + " entries, expected " + keys.length;
            }
            return wrong == 0
                ? "ok (" + keys.length + " keys hold their last value)"
                : "FAILED: " + wrong + " keys hold a wrong value";
        });
    }

    static void printTable(final List<Result> results, final long midMark, final int updates)
    {
        System.out.printf("%n== FileGrowth results (size = pageCount*pageSize in use; file length in brackets) ==%n");
        final String header = String.format(Locale.ROOT,
            "%-8s | %-22s | %-22s | %-22s | %-8s | %-14s | %-25s | %-9s | %-9s | %-8s | %s",
            "variant", "S0", "size@" + midMark, "final", "final/S0", "last " + (updates - midMark) + " %",
            "target", "ratio", "growth", "overall", "elapsed");
        System.out.println(header);
        System.out.println("-".repeat(header.length()));
        for (final Result r : results)
        {
            if (r.error != null)
            {
                System.out.printf("%-8s | ERROR: %s%n", r.variant.letter(), r.error);
                continue;
            }
            System.out.printf(Locale.ROOT,
                "%-8s | %-22s | %-22s | %-22s | %8.2f | %13.1f%% | %-25s | %-9s | %-9s | %-8s | %.1f s%n",
                r.variant.letter(),
                mib(r.s0InUse) + " [" + mib(r.s0File) + "]",
                mib(r.midInUse) + " [" + mib(r.midFile) + "]",
                mib(r.finalInUse) + " [" + mib(r.finalFile) + "]",
                r.ratio(), r.lastGrowthPercent(), r.variant.target(),
                r.ratioPass() ? "PASS" : "FAIL",
                r.variant.growthCriterion ? (r.growthPass() ? "PASS" : "FAIL") : "n/a",
                r.pass() ? "PASS" : "FAIL",
                r.totalNanos / 1e9);
            System.out.printf(Locale.ROOT, "%-8s |   pages @final: %s%n", "", pageLine(r.finalSizeStats));
            System.out.printf(Locale.ROOT,
                "%-8s |   pages @end:   %s  (after reader close + verify + %d ms settle; free/pending are the writer's view as of the last commit)%n",
                "",
                pageLine(r.finalStats), r.drainMillis);
            System.out.printf(Locale.ROOT,
                "%-8s |   growth: %d commits raised pageCount by %,d pages (%d with free pages before); max cleanerLag %d%n",
                "", r.growthCommits, r.grownPages, r.growthWithFree, r.maxCleanerLag);
        }
        for (final Result r : results)
        {
            System.out.printf(Locale.ROOT, "SUMMARY variant %s (%s): %s%n", r.variant.letter(), r.variant.description,
                r.error != null
                    ? "ERROR " + r.error
                    : String.format(Locale.ROOT, "%s final/S0=%.2f (<=%.1f %s)%s, verification %s, %.1f s",
                        r.pass() ? "PASS" : "FAIL", r.ratio(), r.variant.maxRatio, r.ratioPass() ? "PASS" : "FAIL",
                        r.variant.growthCriterion
                            ? String.format(Locale.ROOT, ", last-60%% growth=%.1f%% (<5%% %s)", r.lastGrowthPercent(),
                                r.growthPass() ? "PASS" : "FAIL")
                            : "",
                        r.verification, r.totalNanos / 1e9));
        }
    }

    /**
     * Waits until the cleaner has no lag and its reclaimed count has stopped moving, at most {@code maxMs}.
     *
     * @return how long it waited, in milliseconds.
     */
    static long drain(final Database db, final long maxMs) throws InterruptedException
    {
        final long start = System.nanoTime();
        final long deadline = start + maxMs * 1_000_000L;
        long last = -1;
        int stable = 0;
        while (System.nanoTime() < deadline)
        {
            final DatabaseStats s = db.stats();
            stable = s.cleanerLag() == 0 && s.pagesReclaimed() == last ? stable + 1 : 0;
            if (stable >= 3)
            {
                break;
            }
            last = s.pagesReclaimed();
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000L;
    }

    /** Free/pending pages (and their share of the pages in use) and the cleaner counters, for the table. */
    static String pageLine(final DatabaseStats s)
    {
        if (s == null)
        {
            return "n/a";
        }
        return String.format(Locale.ROOT,
            "pageCount %,d  free %,d (%.1f%%)  pending %,d (%.1f%%)  live %,d  pagesReclaimed %,d  cleanerRuns %,d  cleanerLag %d  cleanerErrors %d  readers %d",
            s.pageCount(), s.freePages(), 100.0 * s.freePages() / s.pageCount(),
            s.pendingPages(), 100.0 * s.pendingPages() / s.pageCount(),
            s.pageCount() - s.freePages() - s.pendingPages(),
            s.pagesReclaimed(), s.cleanerRuns(), s.cleanerLag(), s.cleanerErrors(), s.openReadTransactions());
    }

    /** Variant a's second thread: short read transactions, a few random gets each, until told to stop. */
    static final class ShortReaders extends Thread
    {
        private final Database db;
        private final byte[][] keys;
        private final long seed;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stop;
        long transactions;
        long gets;

        ShortReaders(final Database db, final byte[][] keys, final long seed)
        {
            super("file-growth-short-readers");
            this.db = db;
            this.keys = keys;
            this.seed = seed;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            final SplittableRandom rnd = new SplittableRandom(seed);
            try
            {
                while (!stop)
                {
                    try (ReadTransaction txn = db.beginRead())
                    {
                        final Tree t = txn.tree(TREE);
                        for (int i = 0; i < READER_GETS; i++)
                        {
                            if (t.get(keys[rnd.nextInt(keys.length)]) == null)
                            {
                                throw new IllegalStateException(
                                    "reader found a key missing at revision " + txn.revision());
                            }
                            gets++;
                        }
                    }
                    transactions++;
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }

        /** Stops the thread, waits for it, and rethrows what it failed with. */
        void finish() throws InterruptedException
        {
            stop = true;
            join();
            final Throwable t = failure.get();
            if (t != null)
            {
                throw new IllegalStateException("short reader failed", t);
            }
        }
    }
}
