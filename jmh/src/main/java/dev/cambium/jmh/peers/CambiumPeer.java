package dev.cambium.jmh.peers;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.PageVerification;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * Cambium with its defaults (4 KiB pages, checksums verified on first read, background cleaner),
 * except durability: {@code NO_SYNC} for throughput runs, {@code SYNC} (data force, meta write,
 * meta force) for durable commits. Gets and scans are zero-copy views into the mapping; the copying
 * variants use {@code Tree.get(byte[])} and {@code Cursor.key()}/{@code value()}, which return copies.
 * The system property {@value #VERIFICATION_PROPERTY} ({@code FIRST_READ} or {@code EVERY_READ}) sets the page
 * verification mode, for measuring the checksum's cost (every page read verifies with {@code EVERY_READ});
 * {@value #MAPPED_WRITES_PROPERTY}{@code =true} writes pages through a mapping ({@code DatabaseOptions.mappedWrites}).
 */
final class CambiumPeer implements Peer
{
    static final String TREE = "bench";
    static final String VERIFICATION_PROPERTY = "cambium.jmh.pageVerification";
    /** System property: {@code true} opens the store with {@code DatabaseOptions.mappedWrites} (default false). */
    static final String MAPPED_WRITES_PROPERTY = "cambium.jmh.mappedWrites";

    private Database db;
    /**
     * Each reading thread's key and value views, as {@link LmdbPeer} keeps its read key buffer per thread: without
     * it, the adapter's two views were a third of the bytes every measured {@code getOwnTxn} and {@code readTxn}
     * allocated. A reader uses them only within one {@code get} call, so readers of one thread may share them.
     */
    private final ThreadLocal<UnsafeBuffer[]> readViews = ThreadLocal
        .withInitial(() -> new UnsafeBuffer[]{new UnsafeBuffer(0, 0), new UnsafeBuffer(0, 0)});

    @Override
    public String name()
    {
        return "cambium";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        db = Database.open(dir.resolve("bench.cambium"), DatabaseOptions.builder()
            .durability(durability == Durability.DURABLE ? dev.cambium.Durability.SYNC : dev.cambium.Durability.NO_SYNC)
            .pageVerification(PageVerification.valueOf(System.getProperty(VERIFICATION_PROPERTY, "FIRST_READ")))
            .mappedWrites(Boolean.getBoolean(MAPPED_WRITES_PROPERTY))
            .build());
        // Readers need the tree to exist; creating it is a commit, so do it once here.
        db.write(txn -> txn.openOrCreateTree(TREE));
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        try (WriteTransaction txn = db.beginWrite())
        {
            final Tree t = txn.tree(TREE);
            for (int i = from; i < to; i++)
            {
                t.put(keys[i], values[i]);
            }
            txn.commit();
        }
    }

    /** Cambium's write transactions are thread-safe: each thread begins its own, the engine queues them. */
    @Override
    public void putConcurrently(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        putBatch(keys, values, from, to);
    }

    @Override
    public Reader beginRead()
    {
        return new CambiumReader(db.beginRead(), readViews.get());
    }

    @Override
    public void close()
    {
        if (db != null)
        {
            db.close();
            db = null;
        }
    }

    private static final class CambiumReader implements Reader
    {
        private final ReadTransaction txn;
        private final Tree tree;
        private final UnsafeBuffer key;
        private final UnsafeBuffer value;

        CambiumReader(final ReadTransaction txn, final UnsafeBuffer[] views)
        {
            this.txn = txn;
            this.tree = txn.tree(TREE);
            this.key = views[0];
            this.value = views[1];
        }

        @Override
        public long get(final byte[] k)
        {
            key.wrap(k);
            if (!tree.get(key, 0, k.length, value))
            {
                return Fingerprint.ABSENT;
            }
            final int length = value.capacity();
            return Fingerprint.valueOf(length, Fingerprint.head(value, 0, length), Fingerprint.tail(value, 0, length));
        }

        @Override
        public long getCopy(final byte[] k)
        {
            final byte[] v = tree.get(k);
            return v == null ? Fingerprint.ABSENT : Fingerprint.valueOf(v);
        }

        @Override
        public long scanForward()
        {
            long acc = 0;
            try (Cursor c = tree.cursor())
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
            try (Cursor c = tree.cursor())
            {
                for (boolean ok = c.first(); ok; ok = c.next())
                {
                    acc = Fingerprint.scanStep(acc, c.key(), c.value());
                }
            }
            return acc;
        }

        @Override
        public long scanBackward()
        {
            long acc = 0;
            try (Cursor c = tree.cursor())
            {
                for (boolean ok = c.last(); ok; ok = c.prev())
                {
                    acc = step(acc, c);
                }
            }
            return acc;
        }

        private static long step(final long acc, final Cursor c)
        {
            final DirectBuffer k = c.keyBuffer();
            final DirectBuffer v = c.valueBuffer();
            final int kl = k.capacity();
            final int vl = v.capacity();
            return Fingerprint.scanStep(acc, kl, Fingerprint.head(k, 0, kl), vl, Fingerprint.head(v, 0, vl));
        }

        @Override
        public void close()
        {
            txn.close();
        }
    }
}
