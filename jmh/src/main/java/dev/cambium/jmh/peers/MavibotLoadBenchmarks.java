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
 * Mavibot's loads: {@code loadSequential} and {@code loadRandom} as in {@link LoadBenchmarks}, with
 * 10,000 entries beside Cambium and LMDB. Mavibot commits each put separately (its multi-operation
 * transactions are broken in 1.0.0-M8), so a 1,000-entry "transaction" is 1,000 commits, at
 * hundreds of microseconds per put: 10,000 entries keep its five loads per workload within a
 * minute or so.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
public class MavibotLoadBenchmarks
{
    /** The data set and a fresh store per invocation. */
    @State(Scope.Benchmark)
    public static class Load extends LoadFixture
    {
        @Param({"cambium", "lmdb", "mavibot"})
        public String store;
        @Param("10000")
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
