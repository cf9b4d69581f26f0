package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Random point gets of present keys: 16-byte random keys, 100-byte values, 1M entries by default.
 * {@code getZeroCopy} reuses one read transaction (re-pinned every 1,000 gets, as a reader serving
 * a batch would) and reads the value in place; {@code getCopy} returns a byte[];
 * {@code getWithOwnTransaction} begins and closes a read transaction per get.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {Flags.ADD_EXPORTS, Flags.ADD_OPENS, "-Xmx4g"})
public class GetBenchmark
{
    @Param("1000000")
    int entries;

    @Param("16")
    int keyLength;

    @Param("100")
    int valueLength;

    Path dir;
    Database db;
    byte[][] keys;

    @Setup(Level.Trial)
    public void load() throws IOException
    {
        dir = Files.createTempDirectory("cambium-jmh-get");
        db = Database.open(dir.resolve("get.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build());
        keys = Data.randomKeys(entries, keyLength, Data.SEED);
        final byte[] value = Data.value(valueLength, Data.SEED + 1);
        for (int i = 0; i < entries; i += 1000)
        {
            final int start = i;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("bench");
                for (int j = start; j < Math.min(entries, start + 1000); j++)
                {
                    t.put(keys[j], value);
                }
            });
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException
    {
        db.close();
        try (var files = Files.list(dir))
        {
            for (final Path p : (Iterable<Path>)files::iterator)
            {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** Per-thread cursor over a seeded permutation of the keys, and a read transaction. */
    @State(Scope.Thread)
    public static class Reader
    {
        int next;
        int inTxn;
        int[] order;
        ReadTransaction txn;
        Tree tree;
        final UnsafeBuffer key = new UnsafeBuffer(0, 0);
        final UnsafeBuffer value = new UnsafeBuffer(0, 0);

        @Setup(Level.Iteration)
        public void setUp(final GetBenchmark b)
        {
            if (order == null)
            {
                order = new int[b.entries];
                final java.util.SplittableRandom rnd = new java.util.SplittableRandom(
                    Data.SEED + Thread.currentThread().getId());
                for (int i = 0; i < order.length; i++)
                {
                    order[i] = rnd.nextInt(b.entries);
                }
            }
            txn = b.db.beginRead();
            tree = txn.tree("bench");
        }

        @TearDown(Level.Iteration)
        public void tearDown()
        {
            txn.close();
        }

        byte[] nextKey(final GetBenchmark b)
        {
            final int i = next;
            next = i + 1 == order.length ? 0 : i + 1;
            return b.keys[order[i]];
        }

        void maybeRenew(final GetBenchmark b)
        {
            if (++inTxn == 1000)
            {
                inTxn = 0;
                txn.close();
                txn = b.db.beginRead();
                tree = txn.tree("bench");
            }
        }
    }

    @Benchmark
    public int getZeroCopy(final Reader r)
    {
        r.maybeRenew(this);
        final byte[] k = r.nextKey(this);
        r.key.wrap(k);
        if (!r.tree.get(r.key, 0, k.length, r.value))
        {
            throw new IllegalStateException("missing key");
        }
        return r.value.getByte(0);
    }

    @Benchmark
    public byte[] getCopy(final Reader r)
    {
        r.maybeRenew(this);
        return r.tree.get(r.nextKey(this));
    }

    @Benchmark
    public byte[] getWithOwnTransaction(final Reader r)
    {
        final byte[] k = r.nextKey(this);
        try (ReadTransaction t = db.beginRead())
        {
            return t.tree("bench").get(k);
        }
    }
}
