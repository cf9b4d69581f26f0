package dev.cambium.jmh.peers;

import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * MapDB 3.1.0: one {@link BTreeMap} with {@link Serializer#BYTE_ARRAY} keys (unsigned order) and
 * values, in a memory-mapped file ({@code fileMmapEnable()}, MapDB's fast option) with
 * {@code transactionEnable()}: the write-ahead log is what makes a batch atomic and crash-safe, and
 * {@code db.commit()} ends it. {@code NO_SYNC} adds {@code fileSyncDisable()}, which skips the force
 * of the main file, but MapDB 3.1 always forces its WAL at commit (there is no switch), so its
 * "no-sync" commits still cost one force each. {@code DURABLE}: WAL force plus main-file force.
 *
 * <p>MapDB 3 has no snapshots: a read "transaction" is a no-op and every get or iterator reads the
 * map as it is (committed or not).
 */
final class MapDbPeer implements Peer
{
    private DB db;
    private BTreeMap<byte[], byte[]> map;

    @Override
    public String name()
    {
        return "mapdb";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("bench.mapdb").toFile()).fileMmapEnable().transactionEnable();
        if (durability == Durability.NO_SYNC)
        {
            maker = maker.fileSyncDisable();
        }
        db = maker.make();
        map = db.treeMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        db.commit();
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            map.put(keys[i], values[i]);
        }
        db.commit();
    }

    @Override
    public Reader beginRead()
    {
        return new MapDbReader();
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

    private final class MapDbReader implements Reader
    {
        @Override
        public long get(final byte[] key)
        {
            final byte[] v = map.get(key);
            return v == null ? Fingerprint.ABSENT : Fingerprint.valueOf(v);
        }

        /** MapDB's API returns arrays (a new one per get, deserialized from the node): the same call as {@link #get}. */
        @Override
        public long getCopy(final byte[] key)
        {
            return get(key);
        }

        @Override
        public long scanForward()
        {
            return scan(map.entryIterator());
        }

        /** The same iterator as {@link #scanForward}: its keys and values are already arrays. */
        @Override
        public long scanForwardCopy()
        {
            return scan(map.entryIterator());
        }

        @Override
        public long scanBackward()
        {
            return scan(map.descendingEntryIterator());
        }

        private long scan(final Iterator<Map.Entry<byte[], byte[]>> it)
        {
            long acc = 0;
            while (it.hasNext())
            {
                final Map.Entry<byte[], byte[]> e = it.next();
                acc = Fingerprint.scanStep(acc, e.getKey(), e.getValue());
            }
            return acc;
        }

        @Override
        public void close()
        {
        }
    }
}
