package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The reader code shared by {@code get}, {@code getOwnTxn}, {@code readersAlone} and the reader of
 * {@code readersWithWriter}: random gets of present keys from a seeded probe stream, in one read
 * transaction renewed every {@value #GETS_PER_TXN} gets (or one per get).
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
    private byte[] key;
    private int keyLength;
    private int next;
    private int inTxn;
    private Peer.Reader txn;

    /**
     * @param fixture     the open store and its data set.
     * @param threadIndex JMH's thread index, so threads probe different sequences.
     */
    public void begin(final StoreFixture fixture, final int threadIndex)
    {
        peer = fixture.peer;
        if (!fixture.readers.contains(this))
        {
            fixture.readers.add(this);
        }
        if (probes == null)
        {
            keyLength = fixture.data.keyLength;
            probes = fixture.data.probes(PROBES, fixture.data.seed + 7919L * (threadIndex + 1));
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
        next = i + 1 == PROBES ? 0 : i + 1;
        System.arraycopy(probes, i * keyLength, key, 0, keyLength);
        return key;
    }

    /**
     * @return the value's fingerprint, in the long-lived read transaction.
     */
    public long get()
    {
        if (++inTxn == GETS_PER_TXN)
        {
            inTxn = 0;
            txn.close();
            txn = peer.beginRead();
        }
        return present(txn.get(nextKey()));
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
     * the loop, ended after every iteration. Subclasses (one per store state) add the
     * {@code @Setup(Level.Iteration)} that calls {@link GetLoop#begin} with their store.
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
