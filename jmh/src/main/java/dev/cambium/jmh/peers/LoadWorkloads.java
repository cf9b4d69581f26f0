package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Bulk loads into an empty store in 1,000-entry transactions without sync: {@code loadSequential}
 * (keys in ascending order) and {@code loadRandom} (a seeded shuffle). One invocation is one whole
 * load; the score is seconds per load (divide by {@code entries} for time per entry). Opening the
 * empty store and closing it afterwards are outside the measured time; the file size after close is
 * appended to the sizes file. See {@link LoadFixture} for the shortened warm-up loads. Run as
 * {@link LoadBenchmarks} and, on a smaller data set, {@link MavibotLoadBenchmarks}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public abstract class LoadWorkloads extends PeerWorkload
{
    /**
     * @param s the store and data.
     * @return entries loaded.
     */
    @Benchmark
    public int loadSequential(final LoadFixture s)
    {
        return s.loadSequential();
    }

    /**
     * @param s the store and data.
     * @return entries loaded.
     */
    @Benchmark
    public int loadRandom(final LoadFixture s)
    {
        return s.loadRandom();
    }
}
