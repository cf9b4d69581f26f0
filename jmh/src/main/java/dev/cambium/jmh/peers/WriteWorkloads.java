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
 * Workloads that write to a loaded store (a forced copy of the cached data set per trial):
 * {@code update} (100-entry transactions of random overwrites, no sync) and {@code commitDurable}
 * (single-put transactions with the store's durable commit). Both report transactions per second.
 * Run as {@link WriteBenchmarks} (which adds the {@code readersWithWriter} group) and, on a smaller
 * data set, {@link MavibotWriteBenchmarks}.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class WriteWorkloads extends PeerWorkload
{
    /** Entries per transaction of {@code update} and of the {@code readersWithWriter} writer. */
    public static final int BATCH = 100;

    /** A copy of the loaded store, commits without sync. */
    @State(Scope.Benchmark)
    public static class Db extends StoreFixture
    {
        @Setup(Level.Trial)
        public void setUp(final BenchmarkParams params) throws IOException
        {
            openCopy(params, Peer.Durability.NO_SYNC);
        }
    }

    /** A copy of the loaded store, durable commits. */
    @State(Scope.Benchmark)
    public static class DurableDb extends StoreFixture
    {
        @Setup(Level.Trial)
        public void setUp(final BenchmarkParams params) throws IOException
        {
            openCopy(params, Peer.Durability.DURABLE);
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
}
