package dev.cambium.jmh.peers;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Shared part of the load workloads' state: the data set in sequential and in shuffled order (the
 * same shuffle the cached data sets are built with), and a fresh empty store per invocation.
 *
 * <p>Warm-up iterations load a tenth of the entries (at least one transaction): they exist to
 * compile the load path, and a full load per warm-up iteration would double the cost of a run for
 * stores that take a minute to load. Measured iterations load everything, and after each the store
 * is closed and its size appended to the sizes file ({@link StoreFiles#appendSize}).
 *
 * <p>Threads: one JMH thread.
 */
public abstract class LoadFixture
{
    private Dataset data;
    private String store;
    private byte[][] randomKeys;
    private byte[][] randomValues;
    private boolean warmup;
    private Path dir;
    private Peer peer;

    /**
     * @param storeName   store name.
     * @param entries     entries.
     * @param keyLength   key length.
     * @param keyOrder    key order.
     * @param valueLength value length.
     */
    protected void prepare(final String storeName, final int entries, final int keyLength, final String keyOrder,
        final int valueLength)
    {
        store = storeName;
        data = Dataset.of(entries, keyLength, keyOrder, valueLength, Dataset.SEED);
        final int[] order = data.shuffledOrder(data.seed + 1);
        randomKeys = data.keysIn(order);
        randomValues = data.valuesIn(order);
    }

    /**
     * @param iteration JMH's iteration parameters.
     */
    protected void iteration(final IterationParams iteration)
    {
        warmup = iteration.getType() == IterationType.WARMUP;
    }

    /**
     * Opens an empty store in a new directory.
     *
     * @throws IOException on failure.
     */
    protected void openEmpty() throws IOException
    {
        dir = StoreFiles.newDirectory("load-" + store + "-");
        peer = Peers.create(store);
        peer.open(dir, Peer.Durability.NO_SYNC);
    }

    /**
     * Closes the store, appends its size after a measured load, and deletes it.
     *
     * @param benchmark JMH's benchmark parameters (for the workload name).
     * @throws IOException on failure.
     */
    protected void closeAndMeasure(final BenchmarkParams benchmark) throws IOException
    {
        peer.close();
        peer = null;
        if (!warmup)
        {
            final String name = benchmark.getBenchmark();
            StoreFiles.appendSize(name.substring(name.lastIndexOf('.') + 1), store, data.params(), StoreFiles.bytes(dir),
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
