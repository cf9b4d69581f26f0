package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shared part of the read and write workloads' {@code Scope.Benchmark} states: the data set and
 * one open store holding it. Concrete states (nested in {@link ReadWorkloads} and
 * {@link WriteWorkloads}) call {@link #openCached} or {@link #openCopy} from their trial set-up;
 * {@link #closeStore} is the trial tear-down of all of them.
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
     * <p>Mavibot gets a forced copy instead: it rewrites its file on every open and close, even when
     * only read (the cached file's bytes change after a read trial), and after a few such trials
     * present keys are no longer found and a backward scan fails inside Mavibot (seen with 2,000
     * entries: {@code get}, {@code getOwnTxn} and {@code scanBackward} failed after
     * {@code readersAlone} had run on the same cached file).
     *
     * @param params the benchmark's parameters: store and data set.
     * @throws IOException on failure.
     */
    protected void openCached(final BenchmarkParams params) throws IOException
    {
        final String store = PeerWorkload.store(params);
        data = PeerWorkload.dataset(params);
        peer = Peers.create(store);
        if (store.equals("floor"))
        {
            peer.open(null, Peer.Durability.NO_SYNC);
            peer.putBatch(data.keys, data.values, 0, data.entries);
        }
        else if (store.equals("mavibot"))
        {
            workCopy = StoreFiles.copyForced(DatasetCache.loaded(store, data), "work-" + store + "-");
            peer.open(workCopy, Peer.Durability.NO_SYNC);
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
     * @param params     the benchmark's parameters: store (not the floor) and data set.
     * @param durability what commits promise.
     * @throws IOException on failure.
     */
    protected void openCopy(final BenchmarkParams params, final Peer.Durability durability) throws IOException
    {
        final String store = PeerWorkload.store(params);
        data = PeerWorkload.dataset(params);
        workCopy = StoreFiles.copyForced(DatasetCache.loaded(store, data), "work-" + store + "-");
        peer = Peers.create(store);
        peer.open(workCopy, durability);
        if (durability == Peer.Durability.DURABLE && store.equals("mavibot"))
        {
            System.out.printf(Locale.ROOT,
                "%n[cambium-jmh] mavibot: commits are NOT durable (Mavibot 1.0.0-M8 never forces its file)%n");
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
    @TearDown(Level.Trial)
    public void closeStore() throws IOException
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
