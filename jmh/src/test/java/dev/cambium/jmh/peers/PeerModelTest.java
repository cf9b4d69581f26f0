package dev.cambium.jmh.peers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives every adapter through the operations the benchmarks use (batched puts into an empty store,
 * overwrites, gets of present and absent keys, zero-copy and copying, forward and backward scans,
 * the copying forward scan, the benchmarks' get loops on the random and the in-order probe streams,
 * and for stores with files a close and reopen) against a {@code TreeMap} model in unsigned byte
 * order, comparing the fingerprints the benchmarks return. A wrong adapter (wrong order, wrong value, lost write,
 * mis-sliced zero-copy view) fails here instead of producing a fast wrong number.
 *
 * <p>Seeded: {@code -Dtest.seed=N} replays a run; the seed is in every failure message.
 */
class PeerModelTest
{
    private static final long SEED = Long.getLong("test.seed", 0L) != 0L
        ? Long.getLong("test.seed")
        : System.nanoTime();

    private Path dir;

    @BeforeEach
    void makeDirectory() throws Exception
    {
        dir = StoreFiles.newDirectory("model-test-");
    }

    @AfterEach
    void deleteDirectory() throws Exception
    {
        StoreFiles.delete(dir);
    }

    static Stream<Arguments> storesAndShapes()
    {
        final List<Arguments> out = new ArrayList<>();
        for (final String store : Peers.ALL)
        {
            out.add(Arguments.of(store, 8, "random", 100));
            out.add(Arguments.of(store, 16, "sequential", 5));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} keys {1} {2} values {3}")
    @MethodSource("storesAndShapes")
    void shouldAgreeWithSortedMapModel(final String store, final int keyLength, final String keyOrder,
        final int valueLength)
        throws Exception
    {
        final String context = store + " keyLength=" + keyLength + " keyOrder=" + keyOrder + " valueLength="
            + valueLength
            + " (replay with -Dtest.seed=" + SEED + ")";
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final Dataset data = Dataset.of(3000, keyLength, keyOrder, valueLength, rnd.nextLong());
        final TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);

        Peer peer = Peers.create(store);
        try
        {
            peer.open(dir, Peer.Durability.NO_SYNC);
            final int[] order = data.shuffledOrder(rnd.nextLong());
            final byte[][] keys = data.keysIn(order);
            final byte[][] values = data.valuesIn(order);
            DatasetCache.load(peer, keys, values);
            for (int i = 0; i < keys.length; i++)
            {
                model.put(keys[i], values[i]);
            }

            // Overwrites in 100-entry batches, some keys repeated within a batch (the later put wins).
            for (int batch = 0; batch < 5; batch++)
            {
                final byte[][] k = new byte[100][];
                final byte[][] v = new byte[100][];
                for (int i = 0; i < 100; i++)
                {
                    k[i] = i > 0 && rnd.nextInt(10) == 0 ? k[rnd.nextInt(i)] : data.keys[rnd.nextInt(data.entries)];
                    v[i] = data.pool[rnd.nextInt(Dataset.POOL)];
                    model.put(k[i], v[i]);
                }
                peer.putBatch(k, v, 0, 100);
            }
            check(peer, model, data, rnd, context + " before reopen");
            checkGetLoops(peer, model, data, context + " before reopen");

            if (!store.equals("floor"))
            {
                peer.close();
                peer = Peers.create(store);
                peer.open(dir, Peer.Durability.NO_SYNC);
                check(peer, model, data, rnd, context + " after reopen");
                checkGetLoops(peer, model, data, context + " after reopen");
            }
        }
        finally
        {
            peer.close();
        }
    }

    private static void check(final Peer peer, final TreeMap<byte[], byte[]> model, final Dataset data,
        final SplittableRandom rnd, final String context)
    {
        try (Peer.Reader r = peer.beginRead())
        {
            for (final Map.Entry<byte[], byte[]> e : model.entrySet())
            {
                // A fresh array each time: adapters may not rely on key identity.
                assertEquals(Fingerprint.valueOf(e.getValue()), r.get(e.getKey().clone()),
                    () -> "get " + Arrays.toString(e.getKey()) + " " + context);
                assertEquals(Fingerprint.valueOf(e.getValue()), r.getCopy(e.getKey().clone()),
                    () -> "getCopy " + Arrays.toString(e.getKey()) + " " + context);
            }
            for (int i = 0; i < 200; i++)
            {
                final byte[] absent = new byte[data.keyLength];
                rnd.nextBytes(absent);
                absent[0] = (byte)(i % 2 == 0 ? 0xFF : 0x7F); // beyond sequential keys, mostly absent for random
                if (!model.containsKey(absent))
                {
                    assertEquals(Fingerprint.ABSENT, r.get(absent), () -> "get of an absent key " + context);
                    assertEquals(Fingerprint.ABSENT, r.getCopy(absent), () -> "getCopy of an absent key " + context);
                }
            }
            long forward = 0;
            for (final Map.Entry<byte[], byte[]> e : model.entrySet())
            {
                forward = Fingerprint.scanStep(forward, e.getKey(), e.getValue());
            }
            long backward = 0;
            for (final Map.Entry<byte[], byte[]> e : model.descendingMap().entrySet())
            {
                backward = Fingerprint.scanStep(backward, e.getKey(), e.getValue());
            }
            assertEquals(forward, r.scanForward(), () -> "scanForward " + context);
            assertEquals(forward, r.scanForwardCopy(), () -> "scanForwardCopy " + context);
            assertEquals(backward, r.scanBackward(), () -> "scanBackward " + context);
        }
        // A second read transaction sees the same.
        try (Peer.Reader r = peer.beginRead())
        {
            final byte[] k = data.keys[rnd.nextInt(data.entries)];
            assertEquals(Fingerprint.valueOf(model.get(k)), r.get(k),
                () -> "get in a second read transaction " + context);
        }
    }

    /**
     * The benchmarks' get loops over the model: {@code getInOrder}'s stream visits every key once per
     * pass in ascending order (one step back to the first key per pass at most) across read-transaction
     * renewals, and {@code get} and {@code getCopy} on the random stream return the model's values.
     */
    private static void checkGetLoops(final Peer peer, final TreeMap<byte[], byte[]> model, final Dataset data,
        final String context)
    {
        final StoreFixture fixture = new StoreFixture()
        {
        };
        fixture.peer = peer;
        fixture.data = data;
        final int n = data.entries();
        assertTrue(n > GetLoop.GETS_PER_TXN, "the loops must renew their read transaction");

        final GetLoop inOrder = new GetLoop();
        inOrder.beginInOrder(fixture, 0);
        try
        {
            final TreeSet<byte[]> firstPass = new TreeSet<>(Arrays::compareUnsigned);
            byte[] previous = null;
            int stepsBack = 0;
            for (int i = 0; i < 2 * n; i++)
            {
                final long fingerprint = inOrder.get();
                final byte[] k = inOrder.lastKey().clone();
                final int index = i;
                assertTrue(model.containsKey(k), () -> "getInOrder looked up a key not in the model " + context);
                assertEquals(Fingerprint.valueOf(model.get(k)), fingerprint,
                    () -> "getInOrder, get " + index + " " + Arrays.toString(k) + " " + context);
                if (previous != null && Arrays.compareUnsigned(previous, k) >= 0)
                {
                    stepsBack++;
                }
                if (i < n)
                {
                    firstPass.add(k);
                }
                previous = k;
            }
            assertEquals(n, firstPass.size(), () -> "distinct keys in one pass of getInOrder " + context);
            assertTrue(stepsBack <= 2, "getInOrder stepped back " + stepsBack + " times in two passes " + context);
        }
        finally
        {
            inOrder.end();
        }

        final GetLoop random = new GetLoop();
        random.begin(fixture, 0);
        try
        {
            for (int i = 0; i < 2 * n; i++)
            {
                final boolean copying = i % 2 == 1;
                final long fingerprint = copying ? random.getCopy() : random.get();
                final byte[] k = random.lastKey().clone();
                assertTrue(model.containsKey(k), () -> "the get loop looked up a key not in the model " + context);
                assertEquals(Fingerprint.valueOf(model.get(k)), fingerprint,
                    () -> (copying ? "getCopy" : "get") + " loop " + Arrays.toString(k) + " " + context);
            }
        }
        finally
        {
            random.end();
        }
    }
}
