package dev.cambium.jmh.peers;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LMDB through lmdbjava 0.9.3 with its default {@code ByteBuffer} proxy (the "optimal" one: buffers
 * re-pointed into the memory map with Unsafe, zero-copy). lmdbjava's Agrona proxy is never touched:
 * lmdbjava was built against Agrona 1.x and Cambium ships Agrona 2.x.
 *
 * <p>Settings: one named database, map size 256 GiB (address space only: without
 * {@code MDB_WRITEMAP} the file grows as pages are written), {@code MDB_NOTLS} (a Java thread may
 * hold more than one read transaction, e.g. the writer's own). {@code NO_SYNC} adds
 * {@code MDB_NOSYNC}; {@code DURABLE} uses LMDB's default (fdatasync of data, then of the meta page,
 * per commit). Keys and values are copied into direct buffers, as the proxy requires. The copying
 * reads copy the zero-copy views into new arrays (see {@link #copy}).
 *
 * <p>{@value #WRITE_MAP_PROPERTY}{@code =true} adds {@code MDB_WRITEMAP} (LMDB writes pages in place through a
 * read-write map instead of {@code pwrite}; the file is then extended to the whole map size, sparse, so the file
 * sizes it reports mean nothing). Off in the compare runs: it is not LMDB's default. It exists for side-by-side
 * runs against Cambium's own mapped writes.
 */
final class LmdbPeer implements Peer
{
    private static final long MAP_SIZE = 256L << 30;
    /** System property: {@code true} opens the environment with {@code MDB_WRITEMAP} (default false). */
    static final String WRITE_MAP_PROPERTY = "cambium.jmh.lmdbWriteMap";

    private Env<ByteBuffer> env;
    private Dbi<ByteBuffer> dbi;
    private ByteBuffer putKey = ByteBuffer.allocateDirect(64);
    private ByteBuffer putValue = ByteBuffer.allocateDirect(4096);
    /**
     * Each reading thread's key buffer (grown by {@link #fill}), kept across its read transactions:
     * allocating a direct buffer per transaction put an {@code allocateDirect} and its cleaner into
     * every measured {@code getOwnTxn} and {@code readTxn}. A reader uses it only within one
     * {@code get} call, so readers of one thread may share it.
     */
    private final ThreadLocal<ByteBuffer[]> readKey = ThreadLocal
        .withInitial(() -> new ByteBuffer[]{ByteBuffer.allocateDirect(64)});

    /** Each committing thread's key and value buffers for {@link #putConcurrently}. */
    private final ThreadLocal<ByteBuffer[]> writeBuffers = ThreadLocal
        .withInitial(() -> new ByteBuffer[]{ByteBuffer.allocateDirect(64), ByteBuffer.allocateDirect(4096)});

    @Override
    public String name()
    {
        return "lmdb";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        final List<EnvFlags> list = new ArrayList<>(List.of(EnvFlags.MDB_NOTLS));
        if (durability != Durability.DURABLE)
        {
            list.add(EnvFlags.MDB_NOSYNC);
        }
        if (Boolean.getBoolean(WRITE_MAP_PROPERTY))
        {
            list.add(EnvFlags.MDB_WRITEMAP);
        }
        final EnvFlags[] flags = list.toArray(new EnvFlags[0]);
        env = Env.create().setMapSize(MAP_SIZE).setMaxDbs(1).setMaxReaders(126).open(dir.toFile(), flags);
        dbi = env.openDbi("bench", DbiFlags.MDB_CREATE);
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        try (Txn<ByteBuffer> txn = env.txnWrite())
        {
            for (int i = from; i < to; i++)
            {
                putKey = fill(putKey, keys[i]);
                putValue = fill(putValue, values[i]);
                dbi.put(txn, putKey, putValue);
            }
            txn.commit();
        }
    }

    /**
     * Each thread its own write transaction (LMDB queues them on its writer mutex; {@code MDB_NOTLS} lets
     * any thread begin one) and its own direct buffers, kept across calls.
     */
    @Override
    public void putConcurrently(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        final ByteBuffer[] buffers = writeBuffers.get();
        try (Txn<ByteBuffer> txn = env.txnWrite())
        {
            for (int i = from; i < to; i++)
            {
                buffers[0] = fill(buffers[0], keys[i]);
                buffers[1] = fill(buffers[1], values[i]);
                dbi.put(txn, buffers[0], buffers[1]);
            }
            txn.commit();
        }
    }

    static ByteBuffer fill(final ByteBuffer buffer, final byte[] bytes)
    {
        final ByteBuffer b = buffer.capacity() >= bytes.length
            ? buffer
            : ByteBuffer.allocateDirect(Integer.highestOneBit(bytes.length) << 1);
        b.clear();
        b.put(bytes).flip();
        return b;
    }

    @Override
    public Reader beginRead()
    {
        return new LmdbReader(env.txnRead());
    }

    @Override
    public void close()
    {
        if (env != null)
        {
            dbi.close();
            env.close();
            env = null;
        }
    }

    private final class LmdbReader implements Reader
    {
        private final Txn<ByteBuffer> txn;
        private final ByteBuffer[] key = readKey.get();

        LmdbReader(final Txn<ByteBuffer> txn)
        {
            this.txn = txn;
        }

        @Override
        public long get(final byte[] k)
        {
            final ByteBuffer b = fill(key[0], k);
            key[0] = b;
            final ByteBuffer v = dbi.get(txn, b);
            if (v == null)
            {
                return Fingerprint.ABSENT;
            }
            v.order(ByteOrder.BIG_ENDIAN);
            return Fingerprint.valueOf(v.remaining(), Fingerprint.head(v), Fingerprint.tail(v));
        }

        @Override
        public long getCopy(final byte[] k)
        {
            final ByteBuffer b = fill(key[0], k);
            key[0] = b;
            final ByteBuffer v = dbi.get(txn, b);
            return v == null ? Fingerprint.ABSENT : Fingerprint.valueOf(copy(v));
        }

        @Override
        public long scanForward()
        {
            long acc = 0;
            try (Cursor<ByteBuffer> c = dbi.openCursor(txn))
            {
                for (boolean ok = c.first(); ok; ok = c.next())
                {
                    acc = step(acc, c);
                }
            }
            return acc;
        }

        @Override
        public long scanForwardCopy()
        {
            long acc = 0;
            try (Cursor<ByteBuffer> c = dbi.openCursor(txn))
            {
                for (boolean ok = c.first(); ok; ok = c.next())
                {
                    acc = Fingerprint.scanStep(acc, copy(c.key()), copy(c.val()));
                }
            }
            return acc;
        }

        @Override
        public long scanBackward()
        {
            long acc = 0;
            try (Cursor<ByteBuffer> c = dbi.openCursor(txn))
            {
                for (boolean ok = c.last(); ok; ok = c.prev())
                {
                    acc = step(acc, c);
                }
            }
            return acc;
        }

        private long step(final long acc, final Cursor<ByteBuffer> c)
        {
            final ByteBuffer k = c.key().order(ByteOrder.BIG_ENDIAN);
            final ByteBuffer v = c.val().order(ByteOrder.BIG_ENDIAN);
            return Fingerprint.scanStep(acc, k.remaining(), Fingerprint.head(k), v.remaining(), Fingerprint.head(v));
        }

        @Override
        public void close()
        {
            txn.close();
        }
    }

    /**
     * The copying read: what lmdbjava's {@code byte[]} proxy does for every key and value it returns
     * (a new array filled from the map); the {@code byte[]} proxy itself would need a second
     * environment, since one {@link Env} has one proxy.
     */
    private static byte[] copy(final ByteBuffer view)
    {
        final byte[] out = new byte[view.remaining()];
        view.get(view.position(), out);
        return out;
    }
}
