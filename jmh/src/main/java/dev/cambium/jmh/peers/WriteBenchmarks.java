package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Workloads that write to a loaded store (a forced copy of the cached data set per trial):
 * {@code update} (100-entry transactions of random overwrites, no sync), {@code commitDurable}
 * (single-put transactions with the store's durable commit), and the {@code readersWithWriter} group
 * (one reader thread doing {@code get} as in {@link ReadBenchmarks#readersAlone} while one writer
 * thread commits 100-entry overwrite transactions; 2 cores fit one of each). All report operations
 * per second: transactions for writers, gets for readers. Mavibot is in
 * {@link MavibotWriteBenchmarks}, on a smaller data set.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WriteBenchmarks
{
    /** Entries per transaction of {@code update} and of the {@code readersWithWriter} writer. */
    public static final int BATCH = 100;

    /** A copy of the loaded store, commits without sync. */
    @State(Scope.Benchmark)
    public static class Db extends StoreFixture
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
        public void setUp() throws IOException
        {
            openCopy(store, entries, keyLength, keyOrder, valueLength, Peer.Durability.NO_SYNC);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            closeStore();
        }
    }

    /** A copy of the loaded store, durable commits. */
    @State(Scope.Benchmark)
    public static class DurableDb extends StoreFixture
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
        public void setUp() throws IOException
        {
            openCopy(store, entries, keyLength, keyOrder, valueLength, Peer.Durability.DURABLE);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            closeStore();
        }
    }

    /** A writer thread's key and value choice. */
    @State(Scope.Thread)
    public static class Writer
    {
        WriteLoop batch;
        WriteLoop single;

        @Setup(Level.Trial)
        public void setUp(final ThreadParams thread)
        {
            batch = new WriteLoop(BATCH, Dataset.SEED + 31L * (thread.getThreadIndex() + 1));
            single = new WriteLoop(1, Dataset.SEED + 37L * (thread.getThreadIndex() + 1));
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
     * One transaction of {@value #BATCH} random overwrites, no sync.
     *
     * @param db the store.
     * @param w  the writer's choice.
     */
    @Benchmark
    public void update(final Db db, final Writer w)
    {
        w.batch.commit(db);
    }

    /**
     * One single-put transaction with the store's durable commit.
     *
     * @param db the store.
     * @param w  the writer's choice.
     */
    @Benchmark
    public void commitDurable(final DurableDb db, final Writer w)
    {
        w.single.commit(db);
    }

    /**
     * @param r the reader's state.
     * @return as {@link ReadBenchmarks#readersAlone}, while {@link #writer} commits.
     */
    @Benchmark
    @Group("readersWithWriter")
    @GroupThreads(1)
    public long reader(final Reader r)
    {
        return r.loop.get();
    }

    /**
     * One transaction of {@value #BATCH} random overwrites, no sync, while {@link #reader} reads.
     *
     * @param db the store.
     * @param w  the writer's choice.
     */
    @Benchmark
    @Group("readersWithWriter")
    @GroupThreads(1)
    public void writer(final Db db, final Writer w)
    {
        w.batch.commit(db);
    }
}
