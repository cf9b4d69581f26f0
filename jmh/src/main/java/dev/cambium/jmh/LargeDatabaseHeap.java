package dev.cambium.jmh;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows that a reader's heap use does not depend on the size of the database: loads (once) a database of
 * {@code --entries} entries (default 6,000,000: 16-byte pseudo-random keys, 120-byte values, a file over 1 GiB,
 * so more than one map segment at the default 1 GiB segment size), then reopens it and runs random gets, a full
 * forward scan and a full backward scan, printing the time per operation, the bytes the thread allocated per
 * operation and the heap in use. Meant to run under a small heap, e.g.
 * {@code java -Xmx192m --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * dev.cambium.jmh.LargeDatabaseHeap /tmp/large}. A measurement, not a test: it prints what it sees; it exits 1
 * if a get misses or a scan counts the wrong number of entries, 2 for bad arguments.
 *
 * <p>Keys are computed from their index (a 64-bit mix of it, twice), so neither the load nor the gets hold the
 * key set in memory.
 */
public final class LargeDatabaseHeap
{
    private static final int KEY_LENGTH = 16;
    private static final int VALUE_LENGTH = 120;
    private static final int LOAD_BATCH = 10_000;

    private LargeDatabaseHeap()
    {
    }

    /**
     * @param args {@code DIR [--entries N] [--gets N]}.
     * @throws IOException if the directory cannot be created.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length < 1)
        {
            System.err.println("usage: LargeDatabaseHeap DIR [--entries N] [--gets N]");
            System.exit(2);
        }
        final Path dir = Path.of(args[0]);
        long entries = 6_000_000;
        long gets = 2_000_000;
        for (int i = 1; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--entries" -> entries = Long.parseLong(args[i + 1]);
                case "--gets" -> gets = Long.parseLong(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(dir);
        final Path file = dir.resolve("large-" + entries + ".cambium");
        final DatabaseOptions options = DatabaseOptions.builder().durability(Durability.NO_SYNC).build();
        System.out.printf(Locale.ROOT, "max heap %d MiB, %d entries, %d-byte keys, %d-byte values%n",
            Runtime.getRuntime().maxMemory() >> 20, entries, KEY_LENGTH, VALUE_LENGTH);
        if (!Files.exists(file))
        {
            load(file, options, entries);
        }
        System.out.printf(Locale.ROOT, "file %s: %.2f GiB (%d map segments of %d MiB)%n", file,
            Files.size(file) / (double)(1L << 30), (Files.size(file) + options.mapSegmentSize() - 1) /
                options.mapSegmentSize(),
            options.mapSegmentSize() >> 20);
        boolean ok = true;
        try (Database db = Database.open(file, options))
        {
            heap("after open");
            ok &= gets(db, entries, gets);
            heap("after gets");
            // Each direction twice: the first scan after the gets still verifies the pages no get touched.
            ok &= scan(db, entries, true);
            ok &= scan(db, entries, false);
            ok &= scan(db, entries, true);
            ok &= scan(db, entries, false);
            heap("after scans");
        }
        System.exit(ok ? 0 : 1);
    }

    private static void load(final Path file, final DatabaseOptions options, final long entries)
    {
        final long start = System.nanoTime();
        final byte[] value = Data.value(VALUE_LENGTH, Data.SEED + 1);
        try (Database db = Database.open(file, options))
        {
            final byte[] key = new byte[KEY_LENGTH];
            for (long i = 0; i < entries; i += LOAD_BATCH)
            {
                final long first = i;
                final long end = Math.min(entries, i + LOAD_BATCH);
                db.write(txn ->
                {
                    final Tree t = txn.openOrCreateTree("large");
                    for (long j = first; j < end; j++)
                    {
                        key(j, key);
                        t.put(key, value);
                    }
                });
            }
        }
        System.out.printf(Locale.ROOT, "loaded in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static boolean gets(final Database db, final long entries, final long gets)
    {
        final UnsafeBuffer key = new UnsafeBuffer(new byte[KEY_LENGTH]);
        final UnsafeBuffer value = new UnsafeBuffer(0, 0);
        long misses = 0;
        long state = Data.SEED;
        final long allocatedBefore = allocated();
        final long cpuBefore = cpu();
        final long start = System.nanoTime();
        for (long done = 0; done < gets;)
        {
            try (ReadTransaction txn = db.beginRead())
            {
                final Tree t = txn.tree("large");
                for (int i = 0; i < 1000 && done < gets; i++, done++)
                {
                    state = mix(state);
                    key(Long.remainderUnsigned(state, entries), key.byteArray());
                    if (!t.get(key, 0, KEY_LENGTH, value) || value.capacity() != VALUE_LENGTH)
                    {
                        misses++;
                    }
                }
            }
        }
        final long nanos = System.nanoTime() - start;
        System.out.printf(Locale.ROOT,
            "random gets: %d, %.0f ns/get (%.0f ns of CPU), %.2f bytes allocated/get, %d missed%n",
            gets, nanos / (double)gets, (cpu() - cpuBefore) / (double)gets,
            (allocated() - allocatedBefore) / (double)gets, misses);
        return misses == 0;
    }

    private static boolean scan(final Database db, final long entries, final boolean forward)
    {
        long count = 0;
        long acc = 0;
        final long allocatedBefore = allocated();
        final long cpuBefore = cpu();
        final long start = System.nanoTime();
        try (ReadTransaction txn = db.beginRead(); Cursor c = txn.tree("large").cursor())
        {
            for (boolean on = forward ? c.first() : c.last(); on; on = forward ? c.next() : c.prev())
            {
                final DirectBuffer k = c.keyBuffer();
                final DirectBuffer v = c.valueBuffer();
                acc += k.getByte(0) + v.capacity();
                count++;
            }
        }
        final long nanos = System.nanoTime() - start;
        System.out.printf(Locale.ROOT,
            "%s scan: %d entries, %.1f ns/step (%.1f ns of CPU), %.4f bytes allocated/step (%d)%n",
            forward ? "forward" : "backward", count, nanos / (double)count, (cpu() - cpuBefore) / (double)count,
            (allocated() - allocatedBefore) / (double)count, acc & 1);
        return count == entries;
    }

    private static void heap(final String when)
    {
        final MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long collections = 0;
        for (final var gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            collections += Math.max(0, gc.getCollectionCount());
        }
        System.out.printf(Locale.ROOT, "heap %s: %d MiB used, %d MiB committed, %d MiB max, %d collections so far%n",
            when, h.getUsed() >> 20, h.getCommitted() >> 20, h.getMax() >> 20, collections);
    }

    /** CPU time of this thread: on a shared machine, the part of an operation's time it did not spend waiting. */
    private static long cpu()
    {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long allocated()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** The key of entry {@code i}: two 64-bit mixes of it, distinct for distinct i (the mix is a bijection). */
    private static void key(final long i, final byte[] key)
    {
        final long a = mix(i);
        final long b = mix(a ^ 0x9E3779B97F4A7C15L);
        for (int j = 0; j < 8; j++)
        {
            key[j] = (byte)(a >>> (56 - 8 * j));
            key[8 + j] = (byte)(b >>> (56 - 8 * j));
        }
    }

    /** A bijective 64-bit mix (the finaliser of SplitMix64). */
    private static long mix(final long x)
    {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
