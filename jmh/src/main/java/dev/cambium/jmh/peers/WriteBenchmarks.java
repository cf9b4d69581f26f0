package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The {@link WriteWorkloads} on the default data set, and the {@code readersWithWriter} group: one
 * reader thread doing {@code get} as in {@link ReadWorkloads#readersAlone} while one writer thread
 * commits {@value WriteWorkloads#BATCH}-entry overwrite transactions without sync (2 cores fit one of
 * each). It reports operations per second: transactions for the writer, gets for the reader. Mavibot
 * is in {@link MavibotWriteBenchmarks}, on a smaller data set.
 */
public class WriteBenchmarks extends WriteWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mvstore", "xodus", "mapdb"})
    public String store;
    /** Entries in the loaded store. */
    @Param("1000000")
    public int entries;

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

    /**
     * @param r the reader's state.
     * @return as {@link ReadWorkloads#readersAlone}, while {@link #writer} commits.
     */
    @Benchmark
    @Group("readersWithWriter")
    @GroupThreads(1)
    public long reader(final Reader r)
    {
        return r.loop.get();
    }

    /**
     * One transaction of {@value WriteWorkloads#BATCH} random overwrites, no sync, while
     * {@link #reader} reads.
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
