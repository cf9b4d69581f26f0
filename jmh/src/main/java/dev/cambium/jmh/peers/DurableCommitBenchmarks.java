package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Durable commits from 1, 4 and 16 committing threads at once ({@code concurrentCommits1},
 * {@code concurrentCommits4}, {@code concurrentCommits16}): each operation is one single-put
 * transaction (a random existing 8-byte key, a 100-byte value) committed with the store's durable
 * commit, on a forced copy of the loaded store. The score is commits per second of all threads
 * together, so it shows how much a store lets concurrent committers share their forces (group
 * commit).
 *
 * <p>Each store's closest equivalent of "many threads, each committing its own small transaction,
 * each commit durable when it returns" ({@link Peer#putConcurrently}):
 * <ul>
 *   <li>Cambium: each thread its own write transaction, {@code Durability.SYNC}.</li>
 *   <li>LMDB: each thread its own write transaction ({@code MDB_NOTLS}; LMDB queues them on its writer
 *   mutex), the default sync environment (fdatasync of data, then of the meta page, per commit).</li>
 *   <li>MVStore, Xodus, MapDB: the peer's monitor serialises the threads' put-and-commit calls, each with
 *   the durable commit of {@code commitDurable} ({@code jmh/fairness.md}). MVStore's {@code commit()} and
 *   {@code sync()} and MapDB's transaction are store-wide (a thread cannot commit only its own put), and
 *   Xodus's concurrent transactions on one store would conflict, so one committer at a time is what each
 *   offers for independent durable transactions.</li>
 * </ul>
 * Mavibot is left out: it never forces its file, so none of its commits is durable.
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableCommitBenchmarks extends PeerWorkload
{
    /** The store. */
    @Param({"cambium", "lmdb", "mvstore", "xodus", "mapdb"})
    public String store;
    /** Entries in the loaded store. */
    @Param("1000000")
    public int entries;

    /**
     * One durable single-put transaction, one committing thread.
     *
     * @param db the store.
     * @param w  the thread's key and value choice.
     */
    @Benchmark
    @Threads(1)
    public void concurrentCommits1(final WriteWorkloads.DurableDb db, final WriteWorkloads.Writer w)
    {
        w.single.commitConcurrently(db);
    }

    /**
     * One durable single-put transaction, four committing threads.
     *
     * @param db the store.
     * @param w  the thread's key and value choice.
     */
    @Benchmark
    @Threads(4)
    public void concurrentCommits4(final WriteWorkloads.DurableDb db, final WriteWorkloads.Writer w)
    {
        w.single.commitConcurrently(db);
    }

    /**
     * One durable single-put transaction, sixteen committing threads.
     *
     * @param db the store.
     * @param w  the thread's key and value choice.
     */
    @Benchmark
    @Threads(16)
    public void concurrentCommits16(final WriteWorkloads.DurableDb db, final WriteWorkloads.Writer w)
    {
        w.single.commitConcurrently(db);
    }
}
