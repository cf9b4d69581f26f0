package dev.cambium.jmh.peers;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Measures one load per store outside JMH (to size a run or to check a store's settings): loads the
 * data set into an empty store in 1,000-entry transactions, {@code NO_SYNC}, and prints the time,
 * the time per entry, and the file size after close. One load each, so the figures are rough.
 *
 * <p>Run: {@code java <flags> -cp jmh/target/benchmarks.jar dev.cambium.jmh.peers.LoadTimes
 * [stores=cambium,lmdb,...] [entries=1000000] [keyLength=8] [keyOrder=random] [valueLength=100]
 * [load=random|sequential]}, where flags are those in {@link Jvm#FLAGS}.
 */
public final class LoadTimes
{
    private LoadTimes()
    {
    }

    /**
     * @param args {@code name=value} options, see the class comment.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        List<String> stores = Peers.ALL.subList(0, Peers.ALL.size() - 1);
        int entries = 1_000_000;
        int keyLength = 8;
        String keyOrder = "random";
        int valueLength = 100;
        String load = "random";
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException("options are name=value, got " + arg);
            }
            final String v = arg.substring(eq + 1);
            switch (arg.substring(0, eq))
            {
                case "stores" -> stores = List.of(v.split(","));
                case "entries" -> entries = Integer.parseInt(v);
                case "keyLength" -> keyLength = Integer.parseInt(v);
                case "keyOrder" -> keyOrder = v;
                case "valueLength" -> valueLength = Integer.parseInt(v);
                case "load" -> load = v;
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        final Dataset data = Dataset.of(entries, keyLength, keyOrder, valueLength, Dataset.SEED);
        final int[] order = load.equals("sequential") ? identity(entries) : data.shuffledOrder(Dataset.SEED + 1);
        final byte[][] keys = data.keysIn(order);
        final byte[][] values = data.valuesIn(order);
        System.out.printf(Locale.ROOT, "load=%s %s%n", load, data.params());
        for (final String store : stores)
        {
            final Path dir = StoreFiles.newDirectory("loadtimes-" + store + "-");
            try
            {
                final Peer peer = Peers.create(store);
                final long start = System.nanoTime();
                try
                {
                    peer.open(dir, Peer.Durability.NO_SYNC);
                    DatasetCache.load(peer, keys, values);
                }
                finally
                {
                    peer.close();
                }
                final double s = (System.nanoTime() - start) / 1e9;
                final long bytes = StoreFiles.bytes(dir);
                System.out.printf(Locale.ROOT, "%-8s %8.1f s  %8.0f ns/entry  file %,15d bytes  %6.2f x raw%n", store,
                    s,
                    s * 1e9 / entries, bytes, (double)bytes / data.rawBytes());
            }
            finally
            {
                StoreFiles.delete(dir);
            }
        }
    }

    private static int[] identity(final int n)
    {
        final int[] a = new int[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = i;
        }
        return a;
    }
}
