package dev.cambium.jmh.peers;

import org.apache.directory.mavibot.btree.BTree;
import org.apache.directory.mavibot.btree.MavibotReclaimerSwitch;
import org.apache.directory.mavibot.btree.RecordManager;
import org.apache.directory.mavibot.btree.Tuple;
import org.apache.directory.mavibot.btree.TupleCursor;
import org.apache.directory.mavibot.btree.exception.BTreeAlreadyManagedException;
import org.apache.directory.mavibot.btree.exception.KeyNotFoundException;
import org.apache.directory.mavibot.btree.serializer.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Apache Mavibot 1.0.0-M8: one persisted B-tree (no duplicates) in a {@link RecordManager} with its
 * defaults (512-byte file pages, 16 entries per B-tree node, a cache of 1,000 deserialized pages per tree, old revisions not kept), keys with
 * {@link UnsignedBytesSerializer} so they sort like everyone else's.
 *
 * <p>Two things it cannot do, labelled wherever its numbers appear:
 * <ul>
 *   <li>Its explicit multi-operation transactions ({@code beginTransaction()/commit()}) are broken in
 *       M8, so every put is its own transaction and commit ({@code BTree.insert}); a "batch" of N
 *       puts is N commits and is not atomic.</li>
 *   <li>It never forces its file at commit (only at close), so {@code DURABLE} is the same as
 *       {@code NO_SYNC}: its "durable" commits are not durable.</li>
 *   <li>On a reopened file its page reclaimer can crash and leave the store unusable (see
 *       {@link MavibotReclaimerSwitch}), so when the file already exists the reclaimer is disabled:
 *       the workloads that write to a loaded store (update, commitDurable, readersWithWriter) reuse
 *       no pages. Loads into a new file keep it.</li>
 * </ul>
 * Reads: every {@code get} and {@code browse} opens Mavibot's own read transaction on the newest
 * revision (with old revisions not kept, an older revision cannot be pinned across calls), so the
 * adapter's read transaction is a no-op.
 */
final class MavibotPeer implements Peer
{
    private RecordManager rm;
    private BTree<byte[], byte[]> btree;

    @Override
    public String name()
    {
        return "mavibot";
    }

    @Override
    public void open(final Path dir, final Durability durability) throws IOException
    {
        rm = new RecordManager(dir.resolve("bench.mavibot").toString());
        final BTree<byte[], byte[]> existing = rm.getManagedTree("bench");
        if (existing != null)
        {
            // See MavibotReclaimerSwitch: on reopened files the reclaimer can crash and leave the
            // store unusable, so a reopened store reuses no pages.
            MavibotReclaimerSwitch.disable(rm);
            btree = existing;
            return;
        }
        try
        {
            btree = rm.addBTree("bench", UnsignedBytesSerializer.INSTANCE, ByteArraySerializer.INSTANCE, false);
        }
        catch (final BTreeAlreadyManagedException e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        try
        {
            for (int i = from; i < to; i++)
            {
                btree.insert(keys[i], values[i]);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Reader beginRead()
    {
        return new MavibotReader();
    }

    @Override
    public void close()
    {
        if (rm != null)
        {
            try
            {
                rm.close();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            finally
            {
                rm = null;
            }
        }
    }

    private final class MavibotReader implements Reader
    {
        @Override
        public long get(final byte[] key)
        {
            try
            {
                return Fingerprint.valueOf(btree.get(key));
            }
            catch (final KeyNotFoundException e)
            {
                return Fingerprint.ABSENT;
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
        }

        /** Mavibot's API returns arrays: the same call as {@link #get}. */
        @Override
        public long getCopy(final byte[] key)
        {
            return get(key);
        }

        /** The same cursor as {@link #scanForward}: its keys and values are already arrays. */
        @Override
        public long scanForwardCopy()
        {
            return scanForward();
        }

        @Override
        public long scanForward()
        {
            long acc = 0;
            try
            {
                final TupleCursor<byte[], byte[]> c = btree.browse();
                try
                {
                    while (c.hasNext())
                    {
                        final Tuple<byte[], byte[]> t = c.next();
                        acc = Fingerprint.scanStep(acc, t.getKey(), t.getValue());
                    }
                }
                finally
                {
                    c.close();
                }
            }
            catch (final IOException | KeyNotFoundException e)
            {
                throw new IllegalStateException(e);
            }
            return acc;
        }

        @Override
        public long scanBackward()
        {
            long acc = 0;
            try
            {
                final TupleCursor<byte[], byte[]> c = btree.browse();
                try
                {
                    c.afterLast();
                    while (c.hasPrev())
                    {
                        final Tuple<byte[], byte[]> t = c.prev();
                        acc = Fingerprint.scanStep(acc, t.getKey(), t.getValue());
                    }
                }
                finally
                {
                    c.close();
                }
            }
            catch (final IOException | KeyNotFoundException e)
            {
                throw new IllegalStateException(e);
            }
            return acc;
        }

        @Override
        public void close()
        {
        }
    }
}
