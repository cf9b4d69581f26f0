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
import org.openjdk.jmh.infra.ThreadParams;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Mavibot's read workloads: as {@link ReadBenchmarks}, on a data set of 100,000 entries (Mavibot
 * commits every put separately, at hundreds of microseconds per put, so a 1M-entry data set is out of
 * reach), beside Cambium, LMDB and the floor on the same data so its table has the same
 * references.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
public class MavibotReadBenchmarks
{
    /** The loaded store. */
    @State(Scope.Benchmark)
    public static class Db extends StoreFixture
    {
        @Param({"cambium", "lmdb", "mavibot", "floor"})
        public String store;
        @Param("100000")
        public int entries;
        @Param("8")
        public int keyLength;
        @Param("random")
        public String keyOrder;
        @Param("100")
        public int valueLength;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            openCached(store, entries, keyLength, keyOrder, valueLength);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            closeStore();
        }
    }

    /** A reader thread's probe stream and read transaction. */
    @State(Scope.Thread)
    public static class Reader
    {
        final GetLoop loop = new GetLoop();

        @Setup(Level.Iteration)
        public void begin(final Db db, final ThreadParams thread)
        {
            loop.begin(db, thread.getThreadIndex());
        }

        @TearDown(Level.Iteration)
        public void end()
        {
            loop.end();
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
