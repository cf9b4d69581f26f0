package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.Tree;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * Batched insert: 1M random 16-byte keys with 100-byte values into an empty database, in
 * transactions of 1,000 keys, without fsync (throughput of the engine, not of the disk). One
 * invocation loads the whole set into a fresh file; the score is time per inserted key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsPrepend = {Flags.ADD_EXPORTS, Flags.ADD_OPENS, "-Xmx4g"})
public class InsertBenchmark
{
    static final int ENTRIES = 1_000_000;

    @Param("1000")
    int batch;

    @Param("true")
    boolean random;

    byte[][] keys;
    byte[] value;
    Path dir;
    Database db;

    @Setup(Level.Trial)
    public void data()
    {
        keys = Data.randomKeys(ENTRIES, 16, Data.SEED);
        if (!random)
        {
            java.util.Arrays.sort(keys, java.util.Arrays::compareUnsigned);
        }
        value = Data.value(100, Data.SEED + 1);
    }

    @Setup(Level.Invocation)
    public void open() throws IOException
    {
        dir = Files.createTempDirectory("cambium-jmh-insert");
        db = Database.open(dir.resolve("insert.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build());
    }

    @TearDown(Level.Invocation)
    public void close() throws IOException
    {
        db.close();
        Files.delete(dir.resolve("insert.cambium"));
        Files.delete(dir.resolve("insert.cambium-lock")); // the lock file stays after close; this directory goes
        Files.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public long insert()
    {
        for (int i = 0; i < ENTRIES; i += batch)
        {
            final int start = i;
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("bench");
                for (int j = start; j < Math.min(ENTRIES, start + batch); j++)
                {
                    t.put(keys[j], value);
                }
            });
        }
        return db.revision();
    }
}
