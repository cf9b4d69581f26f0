package dev.cambium.jmh;

import dev.cambium.CompactionResult;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures online compaction (issue 11): loads {@code --entries} (default 1,000,000) seeded random 8-byte keys with
 * 100-byte values, 10,000 per transaction; starts one reader thread (random gets of the keys that will survive, 100
 * per read transaction) and one writer thread (100 overwrites of surviving keys per commit, so the live data keeps
 * its size); measures their throughput over 3 s (after 1 s of warm-up); deletes 90% of the entries (every key whose
 * index is not a multiple of 10, 10,000 per transaction) beside them; then runs {@link Database#compact()} at once.
 * Prints the file's length before and after, the live pages, the ratio file / live pages (target at most 1.2), the
 * time taken, the reader's and writer's throughput during the compaction against the window before, and the writer's
 * commit latencies. Leaves the file behind for {@code cambium stat}. A measurement, not a test: exits 0 whatever the
 * figures (2 on bad arguments).
 *
 * <p>{@link Durability#NO_SYNC} (the load would take an hour of fsyncs otherwise), default page size and options
 * (background cleaner). Run:
 * <pre>{@code
 * mvn -B -q -pl jmh -am package -DskipTests
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.cambium.jmh.CompactionFigures --entries 1000000 --file /tmp/compaction.cambium
 * }</pre>
 */
public final class CompactionFigures
{
    private static final int VALUE = 100;

    private CompactionFigures()
    {
    }

    /**
     * @param args {@code --entries N}, {@code --file PATH} (must not exist), {@code --seed N}.
     * @throws Exception if the run fails.
     */
    public static void main(final String[] args) throws Exception
    {
        int entries = 1_000_000;
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "cambium-compaction.cambium");
        long seed = 42;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--entries" -> entries = Integer.parseInt(args[i + 1]);
                case "--file" -> file = Path.of(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("usage: CompactionFigures [--entries N] [--file PATH] [--seed N]");
                    System.exit(2);
                }
            }
        }
        if (Files.exists(file))
        {
            System.err.println(file + " exists; name a new file");
            System.exit(2);
        }
        run(entries, file, seed);
    }

    private static byte[] key(final long k)
    {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    private static void run(final int entries, final Path file, final long seed) throws Exception
    {
        final long[] keys = new long[entries];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < entries; i++)
        {
            keys[i] = random.nextLong();
        }
        final byte[] value = new byte[VALUE];
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            final long t0 = System.nanoTime();
            for (int from = 0; from < entries; from += 10_000)
            {
                final int f = from;
                db.write(txn ->
                {
                    final Tree t = txn.openOrCreateTree("data");
                    for (int i = f; i < Math.min(entries, f + 10_000); i++)
                    {
                        random.nextBytes(value);
                        t.put(key(keys[i]), value);
                    }
                });
            }
            final long loaded = Files.size(file);
            final long t1 = System.nanoTime();
            System.out.printf("loaded %,d entries in %.1f s: file %,d bytes%n", entries, (t1 - t0) / 1e9, loaded);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong reads = new AtomicLong();
            final AtomicLong writes = new AtomicLong();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Latencies latencies = new Latencies();
            final Thread reader = new Thread(() ->
            {
                final SplittableRandom r = new SplittableRandom(seed + 1);
                try
                {
                    while (!stop.get())
                    {
                        try (ReadTransaction txn = db.beginRead())
                        {
                            final Tree t = txn.tree("data");
                            for (int i = 0; i < 100; i++)
                            {
                                final int k = r.nextInt(entries / 10) * 10;
                                if (t.get(key(keys[k])) == null)
                                {
                                    throw new IllegalStateException("surviving key " + k + " missing");
                                }
                            }
                        }
                        reads.addAndGet(100);
                    }
                }
                catch (final Throwable e)
                {
                    failure.compareAndSet(null, e);
                }
            }, "reader");
            final Thread writer = new Thread(() ->
            {
                final SplittableRandom r = new SplittableRandom(seed + 2);
                final byte[] v = new byte[VALUE];
                try
                {
                    while (!stop.get())
                    {
                        final long c0 = System.nanoTime();
                        db.write(txn ->
                        {
                            final Tree t = txn.tree("data");
                            for (int i = 0; i < 100; i++)
                            {
                                r.nextBytes(v);
                                t.put(key(keys[r.nextInt(entries / 10) * 10]), v); // overwrite a survivor
                            }
                        });
                        latencies.record(System.nanoTime() - c0);
                        writes.addAndGet(100);
                    }
                }
                catch (final Throwable e)
                {
                    failure.compareAndSet(null, e);
                }
            }, "writer");
            reader.start();
            writer.start();
            Thread.sleep(1000); // warm-up: not a synchronisation
            final long baselineNanos = 3_000_000_000L;
            final long r0 = reads.get();
            final long w0 = writes.get();
            final long b0 = System.nanoTime();
            Thread.sleep(baselineNanos / 1_000_000);
            final double baselineSeconds = (System.nanoTime() - b0) / 1e9;
            final double readsBefore = (reads.get() - r0) / baselineSeconds;
            final double writesBefore = (writes.get() - w0) / baselineSeconds;
            final String latencyBefore = latencies.summaryAndReset();
            final long[] lastStep = {System.nanoTime(), 0};

            // Delete 90% while the reader and the writer go on, then compact at once.
            final long t2a = System.nanoTime();
            for (int from = 0; from < entries; from += 10_000)
            {
                final int f = from;
                db.write(txn ->
                {
                    final Tree t = txn.tree("data");
                    for (int i = f; i < Math.min(entries, f + 10_000); i++)
                    {
                        if (i % 10 != 0)
                        {
                            t.delete(key(keys[i]));
                        }
                    }
                });
            }
            final long t2 = System.nanoTime();
            System.out.printf("deleted 90%% in %.1f s: file %,d bytes, %,d pages in use of %,d below the high-water " +
                "mark%n", (t2 - t2a) / 1e9, Files.size(file),
                db.stats().pageCount() - db.stats().freePages() -
                    db.stats().pendingPages(),
                db.stats().pageCount());
            latencies.summaryAndReset(); // the deletion's window is not the compaction's
            final long r1 = reads.get();
            final long w1 = writes.get();
            final long c0 = System.nanoTime();
            lastStep[0] = c0;
            final CompactionResult result = db.compact(Duration.ofSeconds(10), x ->
            {
                final long now = System.nanoTime();
                lastStep[1] = Math.max(lastStep[1], now - lastStep[0]);
                lastStep[0] = now;
            });
            final double seconds = (System.nanoTime() - c0) / 1e9;
            final double readsDuring = (reads.get() - r1) / seconds;
            final double writesDuring = (writes.get() - w1) / seconds;
            final String latencyDuring = latencies.summaryAndReset();
            stop.set(true);
            reader.join();
            writer.join();
            if (failure.get() != null)
            {
                throw new IllegalStateException("a worker failed", failure.get());
            }
            final int page = db.pageSize();
            System.out.printf("compact(): %s%n", result);
            System.out.printf(
                "file %,d -> %,d bytes; live pages %,d (%,d bytes); file / live = %.3f (target <= 1.2); " +
                    "%,d pages moved in %d steps; %.2f s%n",
                result.bytesBefore(), result.bytesAfter(),
                result.livePages(), result.livePages() * page, result.ratio(page), result.pagesMoved(),
                result.steps(), seconds);
            System.out.printf("reader: %,.0f gets/s before, %,.0f during (%.2f); writer: %,.0f puts/s before, %,.0f " +
                "during (%.2f)%n", readsBefore, readsDuring, readsDuring / readsBefore, writesBefore, writesDuring,
                writesDuring / writesBefore);
            System.out.printf("writer commit (100 overwrites) latency before: %s; during: %s; longest interval " +
                "between two compaction steps (gate taken twice or more, with the writer in between): %.1f ms%n",
                latencyBefore, latencyDuring, lastStep[1] / 1e6);
        }
        System.out.printf("after close: file %,d bytes (%s)%n", Files.size(file), file);
    }

    /** Commit latencies of the writer thread, summarised per window. */
    private static final class Latencies
    {
        private long[] values = new long[1 << 16];
        private int n;

        synchronized void record(final long nanos)
        {
            if (n == values.length)
            {
                values = java.util.Arrays.copyOf(values, n * 2);
            }
            values[n++] = nanos;
        }

        synchronized String summaryAndReset()
        {
            final long[] v = java.util.Arrays.copyOf(values, n);
            n = 0;
            java.util.Arrays.sort(v);
            if (v.length == 0)
            {
                return "no commits";
            }
            return String.format("%d commits, p50 %.2f ms, p99 %.2f ms, max %.2f ms", v.length, v[v.length / 2] / 1e6,
                v[(int)(v.length * 0.99)] / 1e6, v[v.length - 1] / 1e6);
        }
    }
}
