package dev.cambium.jmh.peers;

import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * JetBrains Xodus 2.0.1 {@code xodus-environment}: one store, {@link StoreConfig#WITHOUT_DUPLICATES}
 * (a B+tree, like every other peer; Xodus's Patricia variant favours random gets over scans),
 * otherwise the default configuration (log cache 50% of the heap, background log GC on) except
 * that the GC starts at open instead of 10 s later. Cached data sets are {@link #settle()}d.
 * {@code NO_SYNC}: {@code setLogDurableWrite(false)} (the default: commits are written to the log
 * without fsync). {@code DURABLE}: {@code setLogDurableWrite(true)} (fsync per commit).
 * Read transactions are Xodus's read-only snapshot transactions; keys are wrapped in
 * {@link ArrayByteIterable}, values read through {@link ByteIterable#getBytesUnsafe()}; the copying
 * reads copy that into an array of the value's length.
 */
final class XodusPeer implements Peer
{
    /** Longest wait in {@link #settle()}. */
    private static final long SETTLE_MAX_NANOS = 120_000_000_000L;
    /** {@link #settle()} ends when the files have not changed for this long. */
    private static final long SETTLE_QUIET_NANOS = 6_000_000_000L;

    private Environment env;
    private Store store;
    private Path dir;

    @Override
    public String name()
    {
        return "xodus";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        this.dir = dir;
        // GC from the start (default: 10 s after open), so that short trials pay for reclamation as
        // a long-running process would, instead of ending before the collector wakes up.
        final EnvironmentConfig config = new EnvironmentConfig()
            .setLogDurableWrite(durability == Durability.DURABLE)
            .setGcStartIn(0);
        env = Environments.newInstance(dir.toFile(), config);
        store = env.computeInTransaction(txn -> env.openStore("bench", StoreConfig.WITHOUT_DUPLICATES, txn));
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        final Transaction txn = env.beginTransaction();
        try
        {
            for (int i = from; i < to; i++)
            {
                store.put(txn, new ArrayByteIterable(keys[i]), new ArrayByteIterable(values[i]));
            }
            if (!txn.commit())
            {
                throw new IllegalStateException("xodus: commit lost a conflict with no concurrent writer");
            }
        }
        finally
        {
            if (!txn.isFinished())
            {
                txn.abort();
            }
        }
    }

    /**
     * Asks the log GC to hurry ({@link Environment#gc()}) and waits until the files have stopped
     * changing (or two minutes), so a cached data set is the compacted log a running process would
     * have some time after a bulk load, and the collector has nothing left to do during reads.
     */
    @Override
    public void settle() throws IOException
    {
        env.gc();
        final long start = System.nanoTime();
        long quietSince = start;
        String last = "";
        while (System.nanoTime() - start < SETTLE_MAX_NANOS && System.nanoTime() - quietSince < SETTLE_QUIET_NANOS)
        {
            final String now = listing();
            if (!now.equals(last))
            {
                last = now;
                quietSince = System.nanoTime();
            }
            try
            {
                Thread.sleep(500);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String listing() throws IOException
    {
        final StringBuilder b = new StringBuilder();
        try (var files = java.nio.file.Files.list(dir))
        {
            files.sorted().forEach(p -> b.append(p.getFileName()).append(':').append(p.toFile().length()).append(';'));
        }
        return b.toString();
    }

    @Override
    public Reader beginRead()
    {
        return new XodusReader(env.beginReadonlyTransaction());
    }

    @Override
    public void close()
    {
        if (env != null)
        {
            env.close();
            env = null;
        }
    }

    /**
     * The copying read: {@link ByteIterable} has no call that returns an array the caller owns
     * ({@code getBytesUnsafe()} may return a shared array longer than the value), so the user's
     * idiom, a copy of its first {@code getLength()} bytes.
     */
    private static byte[] copy(final ByteIterable v)
    {
        return Arrays.copyOf(v.getBytesUnsafe(), v.getLength());
    }

    private static long fingerprint(final ByteIterable v)
    {
        final int length = v.getLength();
        final byte[] b = v.getBytesUnsafe();
        return Fingerprint.valueOf(length, Fingerprint.head(b, 0, length), Fingerprint.tail(b, 0, length));
    }

    private final class XodusReader implements Reader
    {
        private final Transaction txn;

        XodusReader(final Transaction txn)
        {
            this.txn = txn;
        }

        @Override
        public long get(final byte[] key)
        {
            final ByteIterable v = store.get(txn, new ArrayByteIterable(key));
            return v == null ? Fingerprint.ABSENT : fingerprint(v);
        }

        @Override
        public long getCopy(final byte[] key)
        {
            final ByteIterable v = store.get(txn, new ArrayByteIterable(key));
            return v == null ? Fingerprint.ABSENT : Fingerprint.valueOf(copy(v));
        }

        @Override
        public long scanForward()
        {
            long acc = 0;
            try (Cursor c = store.openCursor(txn))
            {
                while (c.getNext())
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
            try (Cursor c = store.openCursor(txn))
            {
                while (c.getNext())
                {
                    acc = Fingerprint.scanStep(acc, copy(c.getKey()), copy(c.getValue()));
                }
            }
            return acc;
        }

        @Override
        public long scanBackward()
        {
            long acc = 0;
            try (Cursor c = store.openCursor(txn))
            {
                // An unpositioned cursor's getPrev() moves to the last entry.
                while (c.getPrev())
                {
                    acc = step(acc, c);
                }
            }
            return acc;
        }

        private long step(final long acc, final Cursor c)
        {
            final ByteIterable k = c.getKey();
            final ByteIterable v = c.getValue();
            final int kl = k.getLength();
            final int vl = v.getLength();
            return Fingerprint.scanStep(acc, kl, Fingerprint.head(k.getBytesUnsafe(), 0, kl), vl,
                Fingerprint.head(v.getBytesUnsafe(), 0, vl));
        }

        @Override
        public void close()
        {
            txn.abort();
        }
    }
}
