package dev.cambium.jmh.peers;

import java.util.SplittableRandom;

/**
 * The writer code shared by {@code update}, {@code commitDurable} and the writer of
 * {@code readersWithWriter}: one transaction overwriting {@code n} seeded random existing keys with
 * values drawn from the data set's pool (same length, mostly different bytes).
 *
 * <p>Threads: one instance per benchmark thread.
 */
public final class WriteLoop
{
    private final SplittableRandom rnd;
    private final byte[][] keys;
    private final byte[][] values;

    /**
     * @param batch entries per transaction.
     * @param seed  seed of the key and value choice.
     */
    public WriteLoop(final int batch, final long seed)
    {
        this.rnd = new SplittableRandom(seed);
        this.keys = new byte[batch][];
        this.values = new byte[batch][];
    }

    /**
     * Commits one transaction of overwrites.
     *
     * @param fixture the open store and its data set.
     */
    public void commit(final StoreFixture fixture)
    {
        choose(fixture.data);
        fixture.peer.putBatch(keys, values, 0, keys.length);
    }

    /**
     * Commits one transaction of overwrites while other threads commit theirs
     * ({@link Peer#putConcurrently}).
     *
     * @param fixture the open store and its data set.
     */
    public void commitConcurrently(final StoreFixture fixture)
    {
        choose(fixture.data);
        fixture.peer.putConcurrently(keys, values, 0, keys.length);
    }

    private void choose(final Dataset d)
    {
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = d.keys[rnd.nextInt(d.entries)];
            values[i] = d.pool[rnd.nextInt(Dataset.POOL)];
        }
    }
}
