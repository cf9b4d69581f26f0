package dev.cambium.jmh.peers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Loaded stores for the read workloads, built once per (store, parameters, seed) and reused across
 * workloads, forks and runs: loading 1M entries takes seconds to minutes per store, and the read
 * workloads only need the result.
 *
 * <p>A cached store is built exactly like a measured {@code loadRandom}: the data set in a seeded
 * random order, 1,000 entries per transaction, {@code NO_SYNC}, then {@link Peer#settle()}d and closed. It is built in a
 * scratch directory and renamed into place with its {@value #MARKER} file, whose content (format
 * version, store, parameters, seed, batch size, and for Cambium the build of its engine, {@link EngineBuild}) must
 * match exactly for reuse; bump {@link #FORMAT} when an adapter's settings change, so a stale or half-built cache is
 * never used. The cache outlives clones and runs (it is under {@code java.io.tmpdir}): without the engine's build in
 * the marker, the read workloads once measured a store loaded by an older engine. A lock file serialises builders across processes.
 *
 * <p>Read workloads open the cached directory itself and only read it; workloads that write open a
 * forced copy ({@link StoreFiles#copyForced}).
 */
public final class DatasetCache
{
    /** Name of the marker file that validates a cached store. */
    public static final String MARKER = "cambium-jmh-dataset.ready";

    /** Bump when an adapter's settings or the load procedure change, to invalidate old caches. */
    static final int FORMAT = 3; // 3: Cambium file format 2

    /** Entries per load transaction, as in the load workloads. */
    public static final int LOAD_BATCH = 1000;

    private DatasetCache()
    {
    }

    /**
     * @param store store name.
     * @param data  the data set.
     * @return the directory of a loaded, closed store holding {@code data}.
     * @throws IOException on failure.
     */
    public static Path loaded(final String store, final Dataset data) throws IOException
    {
        final Path root = StoreFiles.root();
        final String name = String.format(Locale.ROOT, "%s-e%d-k%d-%s-v%d-s%x", store, data.entries, data.keyLength,
            data.keyOrder, data.valueLength, data.seed);
        final Path dir = root.resolve("cache").resolve(name);
        final String marker = "format=" + FORMAT + "\nstore=" + store + "\nparams=" + data.params() + "\nseed="
            + data.seed
            + "\nbatch=" + LOAD_BATCH + "\n"
            + (store.equals("cambium") ? "engine=" + EngineBuild.id() + "\n" : "");
        if (valid(dir, marker))
        {
            return dir;
        }
        Files.createDirectories(dir.getParent());
        try (FileChannel lockFile = FileChannel.open(root.resolve("cache.lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
            FileLock ignored = lockFile.lock())
        {
            if (valid(dir, marker))
            {
                return dir;
            }
            StoreFiles.delete(dir);
            final Path building = dir.resolveSibling(name + ".building");
            StoreFiles.delete(building);
            Files.createDirectories(building);
            final long start = System.nanoTime();
            final int[] order = data.shuffledOrder(data.seed + 1);
            final byte[][] keys = data.keysIn(order);
            final byte[][] values = data.valuesIn(order);
            final Peer peer = Peers.create(store);
            try
            {
                peer.open(building, Peer.Durability.NO_SYNC);
                load(peer, keys, values);
                peer.settle();
            }
            finally
            {
                peer.close();
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            final long bytes = StoreFiles.bytes(building);
            Files.writeString(building.resolve(MARKER), marker + String.format(Locale.ROOT,
                "# built in %.1f s, %d file bytes%n", seconds, bytes), StandardCharsets.UTF_8);
            StoreFiles.forceDirectory(building);
            Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf(Locale.ROOT,
                "%n[cambium-jmh] built cached %s data set (%s) in %.1f s: %,d file bytes (%.2f x raw) in %s%n",
                store, data.params(), seconds, bytes, (double)bytes / data.rawBytes(), dir);
            return dir;
        }
    }

    /**
     * Loads all entries in transactions of {@link #LOAD_BATCH}.
     *
     * @param peer   an open store.
     * @param keys   keys in load order.
     * @param values values, parallel.
     */
    public static void load(final Peer peer, final byte[][] keys, final byte[][] values)
    {
        load(peer, keys, values, keys.length);
    }

    /**
     * Loads the first {@code count} entries in transactions of {@link #LOAD_BATCH}.
     *
     * @param peer   an open store.
     * @param keys   keys in load order.
     * @param values values, parallel.
     * @param count  how many to load.
     */
    public static void load(final Peer peer, final byte[][] keys, final byte[][] values, final int count)
    {
        for (int i = 0; i < count; i += LOAD_BATCH)
        {
            peer.putBatch(keys, values, i, Math.min(count, i + LOAD_BATCH));
        }
    }

    private static boolean valid(final Path dir, final String marker) throws IOException
    {
        final Path m = dir.resolve(MARKER);
        return Files.isRegularFile(m) && Files.readString(m, StandardCharsets.UTF_8).startsWith(marker);
    }
}
