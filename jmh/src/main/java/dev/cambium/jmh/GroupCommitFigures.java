package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Explains what bounds durable commits from many threads (issue 10, group commit; the peer suite's
 * {@code concurrentCommits1/4/16} measure the throughput beside LMDB). Two parts:
 * <ol>
 *   <li><b>The device</b>: in a scratch file as large as the store, written page by page, the time of a
 *   {@code fdatasync} ({@code FileChannel.force(false)}) after 0, 1, 8, 32 and 64 page writes at random page-aligned
 *   positions (median and 90th percentile of 200 rounds each): what forcing a batch costs per page it holds.</li>
 *   <li><b>The store</b>: a store of {@code --entries} (default 1,000,000) seeded random 8-byte keys with 100-byte
 *   values (loaded with {@code NO_SYNC}, 10,000 per transaction), reopened with {@link Durability#SYNC}; then for
 *   1, 4 and 16 threads, each committing one put of a random key per transaction as {@code concurrentCommits} does,
 *   after 2 s of warm-up, over {@code --seconds} (default 5): commits per second, batches per second (one data force,
 *   one meta write and one meta force each), commits per batch, and data pages written per commit (from
 *   {@link DatabaseStats#pagesWritten()}).</li>
 * </ol>
 * A measurement, not a test: exits 0 whatever the figures (2 on bad arguments). Run:
 * <pre>{@code
 * mvn -B -q -pl jmh -am package -DskipTests
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.cambium.jmh.GroupCommitFigures --entries 1000000 --seconds 5
 * }</pre>
 */
public final class GroupCommitFigures
{
    private static final int VALUE = 100;
    private static final int KEY = 8;
    private static final int[] THREADS = {1, 4, 16};
    private static final int[] PAGES_PER_FORCE = {0, 1, 8, 32, 64};
    private static final int ROUNDS = 200;

    private GroupCommitFigures()
    {
    }

    /**
     * @param args {@code --entries N}, {@code --seconds N}, {@code --dir PATH} (default: a new temporary directory).
     * @throws Exception if the run fails.
     */
    public static void main(final String[] args) throws Exception
    {
        int entries = 1_000_000;
        int seconds = 5;
        Path dir = null;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--entries" -> entries = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> {
                    System.err.println("usage: GroupCommitFigures [--entries N] [--seconds N] [--dir PATH]");
                    System.exit(2);
                }
            }
        }
        if (args.length % 2 != 0 || entries < 1 || seconds < 1)
        {
            System.err.println("usage: GroupCommitFigures [--entries N >= 1] [--seconds N >= 1] [--dir PATH]");
            System.exit(2);
        }
        dir = dir == null ? Files.createTempDirectory("cambium-group-commit") : Files.createDirectories(dir);
        final Path file = dir.resolve("group-commit.cambium");
        Files.deleteIfExists(file);
        load(file, entries);
        final long fileSize = Files.size(file);
        System.out.printf("store: %,d entries, file %,d bytes, in %s%n%n", entries, fileSize, dir);
        forceCost(dir.resolve("force-scratch"), fileSize);
        System.out.println();
        System.out.println("threads  commits/s  batches/s  commits/batch  ms/batch  pages/commit");
        for (final int threads : THREADS)
        {
            commits(file, threads, seconds);
        }
    }

    private static void load(final Path file, final int entries)
    {
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] value = Data.value(VALUE, 1);
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            db.write(txn -> txn.createTree("t"));
            for (int done = 0; done < entries; done += 10_000)
            {
                final int n = Math.min(10_000, entries - done);
                db.write(txn ->
                {
                    final Tree t = txn.tree("t");
                    final byte[] key = new byte[KEY];
                    for (int i = 0; i < n; i++)
                    {
                        random.nextBytes(key);
                        t.put(key, value);
                    }
                });
            }
        }
    }

    /** The device alone: fdatasync after k random page writes, in a file of the store's size made page by page. */
    private static void forceCost(final Path scratch, final long size) throws IOException
    {
        final int page = 4096;
        final long pages = Math.max(1, size / page);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(page);
        try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE))
        {
            for (long p = 0; p < pages; p++)
            {
                buffer.clear();
                while (buffer.hasRemaining())
                {
                    ch.write(buffer, p * page + buffer.position());
                }
            }
            ch.force(true);
            final SplittableRandom random = new SplittableRandom(7);
            System.out.println("device: fdatasync after k random 4 KiB page writes (" + ROUNDS + " rounds each)");
            System.out.println("k   median µs  p90 µs   median µs per page written");
            for (final int k : PAGES_PER_FORCE)
            {
                final long[] nanos = new long[ROUNDS];
                for (int r = 0; r < ROUNDS; r++)
                {
                    for (int i = 0; i < k; i++)
                    {
                        buffer.clear();
                        buffer.putLong(0, random.nextLong());
                        final long position = random.nextLong(pages) * page;
                        while (buffer.hasRemaining())
                        {
                            ch.write(buffer, position + buffer.position());
                        }
                    }
                    final long t0 = System.nanoTime();
                    ch.force(false);
                    nanos[r] = System.nanoTime() - t0;
                }
                Arrays.sort(nanos);
                final double median = nanos[ROUNDS / 2] / 1e3;
                System.out.printf("%-3d %9.0f  %7.0f   %s%n", k, median, nanos[ROUNDS * 9 / 10] / 1e3,
                    k == 0 ? "" : String.format("%.1f", median / k));
            }
        }
    }

    private static void commits(final Path file, final int threads, final int seconds) throws Exception
    {
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.SYNC).build()))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final LongAdder done = new LongAdder();
            final byte[] value = Data.value(VALUE, 2);
            final Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                final SplittableRandom random = new SplittableRandom(1000 + i);
                workers[i] = new Thread(() ->
                {
                    final byte[] key = new byte[KEY];
                    try
                    {
                        while (!stop.get())
                        {
                            random.nextBytes(key);
                            try (WriteTransaction txn = db.beginWrite())
                            {
                                txn.tree("t").put(key, value);
                                txn.commit();
                            }
                            done.increment();
                        }
                    }
                    catch (final Throwable t)
                    {
                        failure.compareAndSet(null, t);
                    }
                }, "committer-" + i);
                workers[i].start();
            }
            Thread.sleep(2_000);
            final DatabaseStats s0 = db.stats();
            final long t0 = System.nanoTime();
            Thread.sleep(seconds * 1_000L);
            final DatabaseStats s1 = db.stats();
            final long t1 = System.nanoTime();
            stop.set(true);
            for (final Thread w : workers)
            {
                w.join();
            }
            if (failure.get() != null)
            {
                throw new IllegalStateException("a committer failed", failure.get());
            }
            final double elapsed = (t1 - t0) / 1e9;
            final long commits = s1.commits() - s0.commits();
            final long batches = s1.commitBatches() - s0.commitBatches();
            System.out.printf("%-7d  %9.0f  %9.0f  %13.2f  %8.2f  %12.2f%n", threads, commits / elapsed,
                batches / elapsed, (double)commits / batches, elapsed * 1e3 / batches,
                (double)(s1.pagesWritten() - s0.pagesWritten()) / commits);
        }
    }
}
