package dev.cambium.jmh.peers;

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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Bulk loads into an empty store in 1,000-entry transactions without sync: {@code loadSequential}
 * (keys in ascending order) and {@code loadRandom} (a seeded shuffle). One invocation is one whole
 * load; the score is seconds per load (divide by {@code entries} for time per entry). Opening the
 * empty store and closing it afterwards are outside the measured time; the file size after close is
 * appended to the sizes file. See {@link LoadFixture} for the shortened warm-up loads. Mavibot is in
 * {@link MavibotLoadBenchmarks}, on a smaller data set.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
public class LoadBenchmarks
{
    /** The data set and a fresh store per invocation. */
    @State(Scope.Benchmark)
    public static class Load extends LoadFixture
    {
        @Param({"cambium", "lmdb", "mvstore", "xodus", "mapdb"})
        public String store;
        @Param("1000000")
        public int entries;
        @Param("8")
        public int keyLength;
        @Param("random")
        public String keyOrder;
        @Param("100")
        public int valueLength;

        @Setup(Level.Trial)
        public void setUp()
        {
            prepare(store, entries, keyLength, keyOrder, valueLength);
        }

        @Setup(Level.Iteration)
        public void setUpIteration(final IterationParams iteration)
        {
            iteration(iteration);
        }

        @Setup(Level.Invocation)
        public void open() throws IOException
        {
            openEmpty();
        }

        @TearDown(Level.Invocation)
        public void close(final BenchmarkParams benchmark) throws IOException
        {
            closeAndMeasure(benchmark);
        }
    }

    /**
     * @param s the store and data.
     * @return entries loaded.
     */
    @Benchmark
    public int loadSequential(final Load s)
    {
        return s.loadSequential();
    }

    /**
     * @param s the store and data.
     * @return entries loaded.
     */
    @Benchmark
    public int loadRandom(final Load s)
    {
        return s.loadRandom();
    }
}
