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

import java.nio.file.Path;

/**
 * JetBrains Xodus 2.0.1 {@code xodus-environment}: one store, {@link StoreConfig#WITHOUT_DUPLICATES}
 * (a B+tree, like every other peer; Xodus's Patricia variant favours random gets over scans),
 * otherwise the default configuration (log cache 50% of the heap, background log GC on).
 * {@code NO_SYNC}: {@code setLogDurableWrite(false)} (the default: commits are written to the log
 * without fsync). {@code DURABLE}: {@code setLogDurableWrite(true)} (fsync per commit).
 * Read transactions are Xodus's read-only snapshot transactions; keys are wrapped in
 * {@link ArrayByteIterable}, values read through {@link ByteIterable#getBytesUnsafe()}.
 */
final class XodusPeer implements Peer
{
    private Environment env;
    private Store store;

    @Override
    public String name()
    {
        return "xodus";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        final EnvironmentConfig config = new EnvironmentConfig().setLogDurableWrite(durability == Durability.DURABLE);
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
