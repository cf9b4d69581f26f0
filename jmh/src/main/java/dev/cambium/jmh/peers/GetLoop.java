package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;

import java.util.SplittableRandom;

/**
 * The reader code shared by {@code get}, {@code getCopy}, {@code getInOrder}, {@code getOwnTxn},
 * {@code readersAlone} and the reader of {@code readersWithWriter}: gets of present keys from a
 * precomputed probe stream, in one read transaction renewed every {@value #GETS_PER_TXN} gets (or one
 * per get). The stream is either seeded random keys ({@link #begin}) or the keys in key order
 * ({@link #beginInOrder}), so each lookup of the ordered stream finds its pages where the previous
 * one left them in the CPU caches.
 *
 * <p>Threads: one instance per benchmark thread; {@link #end()} may also be called by the thread that
 * closes the store.
 */
public final class GetLoop
{
    /** Gets per read transaction in {@link #get()}. */
    public static final int GETS_PER_TXN = 1000;
    private static final int PROBES = 1 << 20;

    private Peer peer;
    private byte[] probes;
    private int probeCount;
    private byte[] key;
    private int keyLength;
    private int next;
    private int inTxn;
    private Peer.Reader txn;

    /**
     * Starts an iteration on the random probe stream.
     *
     * @param fixture     the open store and its data set.
     * @param threadIndex JMH's thread index, so threads probe different sequences.
     */
    public void begin(final StoreFixture fixture, final int threadIndex)
    {
        if (probes == null)
        {
            probes = fixture.data.probes(PROBES, probeSeed(fixture, threadIndex));
            probeCount = PROBES;
        }
        start(fixture);
    }

    /**
     * Starts an iteration on the in-order probe stream: up to {@value #PROBES} consecutive keys in
     * key order from a seeded start (all of them when the data set is no larger), then again from
     * that start.
     *
     * @param fixture     the open store and its data set.
     * @param threadIndex JMH's thread index, so threads start at different keys.
     */
    public void beginInOrder(final StoreFixture fixture, final int threadIndex)
    {
        if (probes == null)
        {
            final Dataset data = fixture.data;
            probeCount = Math.min(PROBES, data.entries);
            final int first = new SplittableRandom(probeSeed(fixture, threadIndex)).nextInt(data.entries);
            probes = data.inOrderProbes(probeCount, first);
        }
        start(fixture);
    }

    private static long probeSeed(final StoreFixture fixture, final int threadIndex)
    {
        return fixture.data.seed + 7919L * (threadIndex + 1);
    }

    private void start(final StoreFixture fixture)
    {
        peer = fixture.peer;
        if (!fixture.readers.contains(this))
        {
            fixture.readers.add(this);
        }
        keyLength = fixture.data.keyLength;
        if (key == null)
        {
            key = new byte[keyLength];
        }
        txn = peer.beginRead();
        inTxn = 0;
    }

    /**
     * Ends the current read transaction (at the end of each iteration, and before the store closes).
     * Idempotent; synchronized because the trial tear-down may call it from another thread.
     */
    public synchronized void end()
    {
        if (txn != null)
        {
            txn.close();
            txn = null;
        }
    }

    private byte[] nextKey()
    {
        final int i = next;
        next = i + 1 == probeCount ? 0 : i + 1;
        System.arraycopy(probes, i * keyLength, key, 0, keyLength);
        return key;
    }

    /** @return the key of the latest lookup (the loop's own array, overwritten by the next one), for tests. */
    byte[] lastKey()
    {
        return key;
    }

    /** @return the read transaction for the next get, renewed every {@value #GETS_PER_TXN} gets. */
    private Peer.Reader txn()
    {
        if (++inTxn == GETS_PER_TXN)
        {
            inTxn = 0;
            txn.close();
            txn = peer.beginRead();
        }
        return txn;
    }

    /**
     * @return the value's fingerprint, in the long-lived read transaction.
     */
    public long get()
    {
        return present(txn().get(nextKey()));
    }

    /**
     * @return as {@link #get()}, through the store's copying API ({@link Peer.Reader#getCopy}).
     */
    public long getCopy()
    {
        return present(txn().getCopy(nextKey()));
    }

    /**
     * @return the value's fingerprint, in a read transaction of its own.
     */
    public long getOwnTxn()
    {
        final byte[] k = nextKey();
        try (Peer.Reader r = peer.beginRead())
        {
            return present(r.get(k));
        }
    }

    /**
     * The part of a reader thread's JMH state that does not depend on which store state it reads:
     * the loop, ended after every iteration. Subclasses (one per store state and probe stream) add
     * the {@code @Setup(Level.Iteration)} that calls {@link GetLoop#begin} or
     * {@link GetLoop#beginInOrder} with their store.
     */
    public abstract static class ReaderState
    {
        final GetLoop loop = new GetLoop();

        /** Ends the iteration's read transaction. */
        @TearDown(Level.Iteration)
        public void end()
        {
            loop.end();
        }
    }

    private static long present(final long fingerprint)
    {
        if (fingerprint == Fingerprint.ABSENT)
        {
            throw new IllegalStateException("a present key was not found: the store or its adapter is broken");
        }
        return fingerprint;
    }
}
