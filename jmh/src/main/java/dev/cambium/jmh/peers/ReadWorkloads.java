package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Read workloads on a loaded store (the cached data set, opened once per trial and scanned once to
 * warm every cache): {@code get}, {@code getCopy}, {@code getInOrder}, {@code getOwnTxn},
 * {@code scanForward}, {@code scanForwardCopy}, {@code scanBackward}, {@code readTxn}, and
 * {@code readersAlone} (the reader of {@code readersWithWriter} with no writer). The {@code Copy}
 * variants read through each store's copying API ({@link Peer.Reader#getCopy},
 * {@link Peer.Reader#scanForwardCopy}) beside the zero-copy one.
 * Run as {@link ReadBenchmarks} and, on a smaller data set, {@link MavibotReadBenchmarks}.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public abstract class ReadWorkloads extends PeerWorkload
{
    /** The loaded store. */
    @State(Scope.Benchmark)
    public static class Db extends StoreFixture
    {
        @Setup(Level.Trial)
        public void setUp(final BenchmarkParams params) throws IOException
        {
            openCached(params);
        }
    }

    /** A reader thread's probe stream and read transaction. */
    @State(Scope.Thread)
    public static class Reader extends GetLoop.ReaderState
    {
        @Setup(Level.Iteration)
        public void begin(final Db db, final ThreadParams thread)
        {
            loop.begin(db, thread.getThreadIndex());
        }
    }

    /** A reader thread's in-order probe stream and read transaction. */
    @State(Scope.Thread)
    public static class InOrderReader extends GetLoop.ReaderState
    {
        @Setup(Level.Iteration)
        public void begin(final Db db, final ThreadParams thread)
        {
            loop.beginInOrder(db, thread.getThreadIndex());
        }
    }

    /**
     * @return fingerprint of the value of a random present key; one read transaction per 1,000 gets.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long get(final Reader r)
    {
        return r.loop.get();
    }

    /**
     * @return as {@code get}, through the store's copying API (the value as a {@code byte[]}).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long getCopy(final Reader r)
    {
        return r.loop.getCopy();
    }

    /**
     * @return fingerprint of the value of the next present key in key order; one read transaction per
     * 1,000 gets, so each lookup finds its pages in the CPU caches and the time is the lookup's own.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long getInOrder(final InOrderReader r)
    {
        return r.loop.get();
    }

    /**
     * @return fingerprint of the value of a random present key; one read transaction per get.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long getOwnTxn(final Reader r)
    {
        return r.loop.getOwnTxn();
    }

    /**
     * @return fingerprint of a full ascending cursor scan (time per scan of all entries).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanForward(final Db db)
    {
        try (Peer.Reader r = db.peer.beginRead())
        {
            return r.scanForward();
        }
    }

    /**
     * @return as {@code scanForward}, through the store's copying API (keys and values as {@code byte[]}).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanForwardCopy(final Db db)
    {
        try (Peer.Reader r = db.peer.beginRead())
        {
            return r.scanForwardCopy();
        }
    }

    /**
     * @return fingerprint of a full descending cursor scan (time per scan of all entries).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long scanBackward(final Db db)
    {
        try (Peer.Reader r = db.peer.beginRead())
        {
            return r.scanBackward();
        }
    }

    /**
     * Begins and ends an empty read transaction (a no-op for stores without read transactions).
     *
     * @param db the store.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void readTxn(final Db db)
    {
        db.peer.beginRead().close();
    }

    /**
     * @return as {@code get}, reported as gets per second: the baseline of {@code readersWithWriter}.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long readersAlone(final Reader r)
    {
        return r.loop.get();
    }
}
