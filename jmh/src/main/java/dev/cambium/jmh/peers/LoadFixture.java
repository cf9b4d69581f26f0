package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The load workloads' state ({@link LoadWorkloads}): the data set in sequential and in shuffled order
 * (the same shuffle the cached data sets are built with), and a fresh empty store per invocation.
 *
 * <p>Warm-up iterations load a tenth of the entries (at least one transaction): they exist to
 * compile the load path, and a full load per warm-up iteration would double the cost of a run for
 * stores that take a minute to load. Measured iterations load everything, and after each the store
 * is closed and its size appended to the sizes file ({@link StoreFiles#appendSize}).
 *
 * <p>Threads: one JMH thread.
 */
@State(Scope.Benchmark)
public class LoadFixture
{
    private Dataset data;
    private String store;
    private byte[][] randomKeys;
    private byte[][] randomValues;
    private boolean warmup;
    private Path dir;
    private Peer peer;

    /**
     * @param params the benchmark's parameters: store and data set.
     */
    @Setup(Level.Trial)
    public void prepare(final BenchmarkParams params)
    {
        store = PeerWorkload.store(params);
        data = PeerWorkload.dataset(params);
        final int[] order = data.shuffledOrder(data.seed + 1);
        randomKeys = data.keysIn(order);
        randomValues = data.valuesIn(order);
    }

    /**
     * @param iteration JMH's iteration parameters.
     */
    @Setup(Level.Iteration)
    public void iteration(final IterationParams iteration)
    {
        warmup = iteration.getType() == IterationType.WARMUP;
    }

    /**
     * Opens an empty store in a new directory, outside the measured time.
     *
     * @throws IOException on failure.
     */
    @Setup(Level.Invocation)
    public void openEmpty() throws IOException
    {
        dir = StoreFiles.newDirectory("load-" + store + "-");
        peer = Peers.create(store);
        peer.open(dir, Peer.Durability.NO_SYNC);
    }

    /**
     * Closes the store, appends its size after a measured load, and deletes it, outside the measured
     * time.
     *
     * @param benchmark JMH's benchmark parameters (for the workload name).
     * @throws IOException on failure.
     */
    @TearDown(Level.Invocation)
    public void closeAndMeasure(final BenchmarkParams benchmark) throws IOException
    {
        peer.close();
        peer = null;
        if (!warmup)
        {
            final String name = benchmark.getBenchmark();
            StoreFiles.appendSize(name.substring(name.lastIndexOf('.') + 1), store, data.params(),
                StoreFiles.bytes(dir),
                data.rawBytes());
        }
        StoreFiles.delete(dir);
        dir = null;
    }

    private int count()
    {
        return warmup ? Math.min(data.entries, Math.max(DatasetCache.LOAD_BATCH, data.entries / 10)) : data.entries;
    }

    /**
     * @return entries loaded, in key order.
     */
    public int loadSequential()
    {
        final int n = count();
        DatasetCache.load(peer, data.keys, data.values, n);
        return n;
    }

    /**
     * @return entries loaded, in the seeded random order.
     */
    public int loadRandom()
    {
        final int n = count();
        DatasetCache.load(peer, randomKeys, randomValues, n);
        return n;
    }
}
