package dev.cambium.jmh.peers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shared part of every benchmark's {@code Scope.Benchmark} state: the data set and one open
 * store holding it. Concrete states (nested in each benchmark class, where the {@code @Param}
 * lists live) call {@link #openCached} or {@link #openCopy} from their trial set-up and
 * {@link #closeStore} from their trial tear-down.
 *
 * <p>Threads: set up and torn down by one JMH thread; {@link #peer} and {@link #data} are then read
 * by every benchmark thread.
 */
public abstract class StoreFixture
{
    /** The data set of this trial. */
    public Dataset data;
    /** The open store. */
    public Peer peer;
    private Path workCopy;
    /**
     * Readers of this store. In a JMH group the first thread to finish runs the trial tear-down while
     * another may still be ending its read transaction, so {@link #closeStore} ends them first.
     */
    final List<GetLoop> readers = new CopyOnWriteArrayList<>();

    /**
     * Opens the cached loaded store read-only in spirit (the read workloads only read it); the floor
     * is built in the heap from the data set.
     *
     * @param store       store name.
     * @param entries     entries.
     * @param keyLength   key length.
     * @param keyOrder    key order.
     * @param valueLength value length.
     * @throws IOException on failure.
     */
    protected void openCached(final String store, final int entries, final int keyLength, final String keyOrder,
        final int valueLength) throws IOException
    {
        data = Dataset.of(entries, keyLength, keyOrder, valueLength, Dataset.SEED);
        peer = Peers.create(store);
        if (store.equals("floor"))
        {
            peer.open(null, Peer.Durability.NO_SYNC);
            peer.putBatch(data.keys, data.values, 0, data.entries);
        }
        else
        {
            peer.open(DatasetCache.loaded(store, data), Peer.Durability.NO_SYNC);
        }
        warm();
    }

    /**
     * Opens a forced copy of the cached loaded store, for workloads that write.
     *
     * @param store       store name (not the floor).
     * @param entries     entries.
     * @param keyLength   key length.
     * @param keyOrder    key order.
     * @param valueLength value length.
     * @param durability  what commits promise.
     * @throws IOException on failure.
     */
    protected void openCopy(final String store, final int entries, final int keyLength, final String keyOrder,
        final int valueLength, final Peer.Durability durability) throws IOException
    {
        data = Dataset.of(entries, keyLength, keyOrder, valueLength, Dataset.SEED);
        workCopy = StoreFiles.copyForced(DatasetCache.loaded(store, data), "work-" + store + "-");
        peer = Peers.create(store);
        peer.open(workCopy, durability);
        if (durability == Peer.Durability.DURABLE && store.equals("mavibot"))
        {
            System.out.printf(Locale.ROOT, "%n[cambium-jmh] mavibot: commits are NOT durable (Mavibot 1.0.0-M8 never forces its file)%n");
        }
        warm();
    }

    /**
     * One full scan before measuring, so every store starts with its caches (and the OS page cache)
     * holding the data set, whatever the warm-up iterations happen to touch.
     */
    private void warm()
    {
        try (Peer.Reader r = peer.beginRead())
        {
            r.scanForward();
        }
    }

    /**
     * Closes the store and deletes a work copy.
     *
     * @throws IOException on failure.
     */
    protected void closeStore() throws IOException
    {
        for (final GetLoop r : readers)
        {
            r.end();
        }
        if (peer != null)
        {
            peer.close();
            peer = null;
        }
        StoreFiles.delete(workCopy);
        workCopy = null;
    }
}
