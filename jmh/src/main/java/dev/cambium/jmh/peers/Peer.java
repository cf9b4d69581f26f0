package dev.cambium.jmh.peers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one adapter every store is driven through, so that each workload is written once.
 *
 * <p>A peer holds one sorted map from byte-string keys to byte-string values, ordered by unsigned
 * lexicographic byte order (every adapter configures its store for that order, so scans of all
 * stores visit the same sequence).
 *
 * <p>Threads: {@link #open}, {@link #putBatch} and {@link #close} are called by one thread at a time
 * (the single writer), {@link #putConcurrently} by any number of threads at once; {@link #beginRead()} may be called from any number of threads concurrently
 * with the writer, and each {@link Reader} is used by the thread that began it.
 */
public interface Peer extends AutoCloseable
{
    /** What a returned {@link #putBatch} promises. */
    enum Durability
    {
        /** No force: commits reach the OS page cache (for throughput runs). */
        NO_SYNC,
        /** The store's strongest per-commit force, as close to "survives a power loss" as it offers. */
        DURABLE
    }

    /**
     * @return the store's name as used in the benchmarks' {@code store} parameter.
     */
    String name();

    /**
     * Opens (creating if needed) the store in {@code dir}, which exists and belongs to this peer.
     *
     * @param dir        the store's own directory.
     * @param durability what commits promise.
     * @throws IOException if the store cannot be opened.
     */
    void open(Path dir, Durability durability) throws IOException;

    /**
     * Puts {@code keys[i] -> values[i]} for {@code from <= i < to} in one write transaction (or, for a
     * store without multi-operation transactions, one commit per put) and commits. The arrays are
     * not changed afterwards, so a store may keep references to them.
     *
     * @param keys   keys, any order; an existing key is overwritten.
     * @param values values, parallel to {@code keys}.
     * @param from   first index, inclusive.
     * @param to     last index, exclusive.
     */
    void putBatch(byte[][] keys, byte[][] values, int from, int to);

    /**
     * As {@link #putBatch}, but may be called by several threads at once (the committing threads of
     * {@link DurableCommitBenchmarks}), each with its own transaction where the store offers
     * independent write transactions. The default serialises the calls on this peer's monitor: the
     * closest equivalent for a store whose commit or sync is store-wide (see {@code jmh/fairness.md}).
     *
     * @param keys   keys, any order; an existing key is overwritten.
     * @param values values, parallel to {@code keys}.
     * @param from   first index, inclusive.
     * @param to     last index, exclusive.
     */
    default void putConcurrently(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        synchronized (this)
        {
            putBatch(keys, values, from, to);
        }
    }

    /**
     * Lets background work a store defers after a bulk load finish before the loaded store is cached,
     * so read workloads start from the state a long-running process would reach. Default: nothing.
     *
     * @throws IOException on failure.
     */
    default void settle() throws IOException
    {
    }

    /**
     * @return a new read transaction: a snapshot where the store offers one cheaply, see
     * {@code jmh/fairness.md}.
     */
    Reader beginRead();

    /**
     * Closes the store, flushing what it flushes on close. Idempotent.
     */
    @Override
    void close();

    /** A read transaction, used by one thread. */
    interface Reader extends AutoCloseable
    {
        /**
         * Looks a key up, zero-copy where the store allows.
         *
         * @param key the key; the caller may reuse the array after the call.
         * @return {@link Fingerprint#valueOf} of the value, or {@link Fingerprint#ABSENT}.
         */
        long get(byte[] key);

        /**
         * Looks a key up through the store's copying API: the call that hands the caller a
         * {@code byte[]} of the value it may keep (for stores whose only API returns arrays, the same
         * call as {@link #get}). See {@code jmh/fairness.md} for each store's call.
         *
         * @param key the key; the caller may reuse the array after the call.
         * @return the same fingerprint as {@link #get}.
         */
        long getCopy(byte[] key);

        /**
         * Visits every entry in ascending key order.
         *
         * @return {@link Fingerprint#scanStep} folded over the entries in visiting order.
         */
        long scanForward();

        /**
         * Visits every entry in ascending key order through the store's copying API: each key and
         * value as a {@code byte[]} the caller may keep (see {@link #getCopy}).
         *
         * @return the same fingerprint as {@link #scanForward}.
         */
        long scanForwardCopy();

        /**
         * Visits every entry in descending key order.
         *
         * @return {@link Fingerprint#scanStep} folded over the entries in visiting order.
         */
        long scanBackward();

        /** Ends the read transaction. */
        @Override
        void close();
    }
}
