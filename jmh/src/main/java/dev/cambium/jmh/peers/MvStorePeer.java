package dev.cambium.jmh.peers;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RootReference;
import org.h2.mvstore.type.ByteArrayDataType;

import java.nio.file.Path;

/**
 * H2 MVStore 2.4.240, one {@link MVMap} of {@code byte[]} keys and values with
 * {@link ByteArrayDataType} (unsigned byte order), used as a key-value store with explicit commits.
 *
 * <p>Settings, and why:
 * <ul>
 *   <li>{@code autoCommitDisabled()} and {@code autoCommitBufferSize(0)}: a batch becomes one
 *       {@link MVStore#commit()}, never split by the background writer or by the in-thread
 *       auto-commit that otherwise fires when unsaved memory passes the buffer size.</li>
 *   <li>Retention time {@value #RETENTION_MS} ms instead of the default 45 s: with a commit every
 *       few milliseconds, the default keeps every chunk written in the last 45 s and the file grows
 *       to tens of times the data. Readers are protected by version registration (below), not by
 *       retention. {@code versionsToKeep} stays at its default (5): with both at 0, H2 has open
       reports of files that no longer open ("Double mark").</li>
 *   <li>Every {@value #COMPACT_EVERY} commits, {@code compact(80, 16 MiB)}: rewrites chunks whose
 *       live fill rate fell below 80%. This is the chunk-rewriting step of MVStore's own background
 *       housekeeping, which does not run with auto-commit disabled; without it, chunks that stay
 *       partly live are never reclaimed (a 200k-entry random load measured 10.1 x the raw data
 *       without it and 4.5 x with it, and was no slower). It runs on the writer thread and is
 *       part of the measured time.</li>
 *   <li>Read cache {@value #CACHE_MB} MB (default 16): the mmap-based stores get the whole OS page
 *       cache, so MVStore gets a page cache big enough for the default data set.</li>
 *   <li>No compression (the default).</li>
 * </ul>
 * {@code NO_SYNC}: {@code commit()} writes the chunk without a force. {@code DURABLE}:
 * {@code commit()} then {@link MVStore#sync()} ({@code FileChannel.force(true)}).
 *
 * <p>A read transaction registers its version ({@link MVStore#registerVersionUsage()}, as H2's
 * TransactionStore does, so the chunks it can see are not reused) and reads from the map's root
 * taken at begin: a consistent snapshot. Plain MVMaps have no isolation from a writer's puts
 * before its commit, so that root may include an uncommitted part of a batch.
 */
final class MvStorePeer implements Peer
{
    static final int RETENTION_MS = 0;
    static final int CACHE_MB = 1024;
    static final int COMPACT_EVERY = 16;
    static final int COMPACT_FILL_RATE = 80;
    static final int COMPACT_WRITE_BYTES = 16 << 20;

    private MVStore store;
    private MVMap<byte[], byte[]> map;
    private boolean durable;
    private int commits;

    @Override
    public String name()
    {
        return "mvstore";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        durable = durability == Durability.DURABLE;
        store = new MVStore.Builder()
            .fileName(dir.resolve("bench.mv.db").toString())
            .autoCommitDisabled()
            .autoCommitBufferSize(0)
            .cacheSize(CACHE_MB)
            .open();
        store.setRetentionTime(RETENTION_MS);
        map = store.openMap("bench", new MVMap.Builder<byte[], byte[]>()
            .keyType(ByteArrayDataType.INSTANCE)
            .valueType(ByteArrayDataType.INSTANCE));
        store.commit();
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            map.put(keys[i], values[i]);
        }
        store.commit();
        if (++commits % COMPACT_EVERY == 0)
        {
            store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
        }
        if (durable)
        {
            store.sync();
        }
    }

    @Override
    public Reader beginRead()
    {
        return new MvReader();
    }

    @Override
    public void close()
    {
        if (store != null)
        {
            store.close();
            store = null;
        }
    }

    private final class MvReader implements Reader
    {
        private final MVStore.TxCounter version = store.registerVersionUsage();
        private final RootReference<byte[], byte[]> root = map.flushAndGetRoot();

        @Override
        public long get(final byte[] key)
        {
            final byte[] v = map.get(root.root, key);
            return v == null ? Fingerprint.ABSENT : Fingerprint.valueOf(v);
        }

        /** MVStore's API returns arrays: the same call as {@link #get} (it hands out its cached array, no copy). */
        @Override
        public long getCopy(final byte[] key)
        {
            return get(key);
        }

        @Override
        public long scanForward()
        {
            return scan(false);
        }

        /** The same cursor as {@link #scanForward}: its keys and values are already arrays. */
        @Override
        public long scanForwardCopy()
        {
            return scan(false);
        }

        @Override
        public long scanBackward()
        {
            return scan(true);
        }

        private long scan(final boolean reverse)
        {
            long acc = 0;
            final Cursor<byte[], byte[]> c = map.cursor(root, null, null, reverse);
            while (c.hasNext())
            {
                final byte[] k = c.next();
                acc = Fingerprint.scanStep(acc, k, c.getValue());
            }
            return acc;
        }

        @Override
        public void close()
        {
            store.deregisterVersionUsage(version);
        }
    }
}
