package dev.cambium.backup;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * A write load whose every revision's content is a function of its number: the initial load, then in revision r
 * one put and, every fourth revision, one delete, plus the revision number itself under {@code rev}. So a copy of
 * any revision can be checked against {@link #model(long, long)} without holding that revision open.
 */
final class BackupWorkload
{
    static final int KEYS = 6000;
    static final String DATA = "data";
    static final String REV = "rev";
    static final byte[] REV_KEY = {'r', 'e', 'v'};

    private BackupWorkload()
    {
    }

    static byte[] key(final long i)
    {
        return ByteBuffer.allocate(8).putLong(i).array();
    }

    static byte[] value(final long seed, final int length)
    {
        final byte[] v = new byte[length];
        Arrays.fill(v, (byte)seed);
        ByteBuffer.wrap(v).putLong(0, seed);
        return v;
    }

    /** Loads the initial keys in one commit; returns its revision. */
    static long load(final Database db)
    {
        db.write(txn ->
        {
            final Tree t = txn.openOrCreateTree(DATA);
            for (int i = 0; i < KEYS; i++)
            {
                t.put(key(i), value(i, 200));
            }
            txn.openOrCreateTree(REV).put(REV_KEY, key(txn.revision()));
        });
        return db.revision();
    }

    /** The changes of revision {@code r}. */
    static void apply(final WriteTransaction txn)
    {
        final long r = txn.revision();
        final Tree t = txn.tree(DATA);
        t.put(key(r * 31 % KEYS), value(r, 100 + (int)(r % 300)));
        if (r % 4 == 0)
        {
            t.delete(key(r * 17 % KEYS));
        }
        txn.tree(REV).put(REV_KEY, key(r));
    }

    /** The data tree as of revision {@code revision}, {@code loaded} being the revision of {@link #load}. */
    static TreeMap<byte[], byte[]> model(final long loaded, final long revision)
    {
        final TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < KEYS; i++)
        {
            m.put(key(i), value(i, 200));
        }
        for (long r = loaded + 1; r <= revision; r++)
        {
            m.put(key(r * 31 % KEYS), value(r, 100 + (int)(r % 300)));
            if (r % 4 == 0)
            {
                m.remove(key(r * 17 % KEYS));
            }
        }
        return m;
    }

    /** The data tree as a transaction sees it. */
    static TreeMap<byte[], byte[]> read(final ReadTransaction txn)
    {
        final TreeMap<byte[], byte[]> m = new TreeMap<>(Arrays::compareUnsigned);
        try (Cursor c = txn.tree(DATA).cursor())
        {
            for (boolean ok = c.first(); ok; ok = c.next())
            {
                m.put(c.key(), c.value());
            }
        }
        return m;
    }

    /** Whether two maps hold the same keys and values, byte for byte. */
    static boolean same(final TreeMap<byte[], byte[]> a, final TreeMap<byte[], byte[]> b)
    {
        if (a.size() != b.size())
        {
            return false;
        }
        final var ia = a.entrySet().iterator();
        final var ib = b.entrySet().iterator();
        while (ia.hasNext())
        {
            final var ea = ia.next();
            final var eb = ib.next();
            if (!Arrays.equals(ea.getKey(), eb.getKey()) || !Arrays.equals(ea.getValue(), eb.getValue()))
            {
                return false;
            }
        }
        return true;
    }
}
