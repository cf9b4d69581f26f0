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
 * Mavibot's write workloads: {@code update} and {@code commitDurable} as in {@link WriteBenchmarks},
 * on the 100,000-entry data set of {@link MavibotReadBenchmarks}, beside Cambium and LMDB. Mavibot
 * commits each put separately, so its 100-entry "transactions" are 100 commits and not atomic, and
 * its durable commits never force the file: they are not durable.
 *
 * <p>No {@code readersWithWriter}: Mavibot 1.0.0-M8 cannot serve a reader while a writer commits
 * (the reader's get fails within a few hundred gets with {@code ArrayIndexOutOfBoundsException} or
 * {@code SerializerCreationException}, and one attempt hung).
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MavibotWriteBenchmarks
{
    /** Entries per transaction of {@code update} and of the {@code readersWithWriter} writer. */
    public static final int BATCH = WriteBenchmarks.BATCH;

    /** A copy of the loaded store, commits without sync. */
    @State(Scope.Benchmark)
    public static class Db extends StoreFixture
    {
        @Param({"cambium", "lmdb", "mavibot"})
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
        @Param({"cambium", "lmdb", "mavibot"})
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
