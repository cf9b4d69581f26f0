package dev.cambium.engine.store;

import dev.cambium.btree.PageHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the store tests: hand-built files, pages, and a storage wrapper that records and fails. */
public final class StoreFixtures
{
    private StoreFixtures()
    {
    }

    /** A page whose header names {@code id}, with a body derived from {@code seed}. */
    public static ByteBuffer page(final int pageSize, final long id, final long revision, final int seed)
    {
        final ByteBuffer page = ByteBuffer.allocateDirect(pageSize).order(ByteOrder.LITTLE_ENDIAN);
        page.put(PageHeader.TYPE_OFFSET, PageHeader.TYPE_LEAF);
        page.putLong(PageHeader.PAGE_ID_OFFSET, id);
        page.putLong(PageHeader.REVISION_OFFSET, revision);
        for (int i = PageHeader.LENGTH; i < pageSize; i++)
        {
            page.put(i, (byte)(seed * 31 + i * 7 + id));
        }
        return page;
    }

    static byte[] bytes(final ByteBuffer buffer, final int from, final int to)
    {
        final byte[] out = new byte[to - from];
        buffer.duplicate().position(from).limit(to).get(out);
        return out;
    }

    /** Writes raw bytes at an offset of a file, bypassing the store (as corruption or a torn write would). */
    static void poke(final Path file, final long offset, final byte[] bytes)
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer b = ByteBuffer.wrap(bytes);
            long at = offset;
            while (b.hasRemaining())
            {
                at += ch.write(b, at);
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] peek(final Path file, final long offset, final int length)
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final ByteBuffer b = ByteBuffer.allocate(length);
            long at = offset;
            while (b.hasRemaining())
            {
                final int n = ch.read(b, at);
                if (n < 0)
                {
                    throw new IOException("EOF");
                }
                at += n;
            }
            return b.array();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static void flipBit(final Path file, final long offset, final int bit)
    {
        final byte[] b = peek(file, offset, 1);
        b[0] ^= (byte)(1 << bit);
        poke(file, offset, b);
    }

    static void setLength(final Path file, final long length)
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE))
        {
            if (ch.size() > length)
            {
                ch.truncate(length);
            }
            else if (ch.size() < length)
            {
                ch.write(ByteBuffer.allocate((int)(length - ch.size())), ch.size());
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a meta record into a slot of a file (offset 0, or {@code pageSize} for slot 1). */
    static void writeMetaRecord(final Path file, final long offset, final Meta meta)
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(meta, record);
        poke(file, offset, record.array());
    }

    /** Builds a database file by hand: both meta records, zero pages elsewhere, {@code pages} pages long. */
    static void writeDatabase(final Path file, final int pageSize, final long pages, final Meta slot0, final Meta slot1)
    {
        setLength(file, 0);
        setLength(file, pages * pageSize);
        if (slot0 != null)
        {
            writeMetaRecord(file, 0, slot0);
        }
        if (slot1 != null)
        {
            writeMetaRecord(file, pageSize, slot1);
        }
    }

    static Meta meta(final int pageSize, final long revision, final long highWater)
    {
        final boolean tree = highWater > 2 && revision > 0;
        return new Meta(pageSize, revision, highWater, tree ? 2 : 0, tree ? revision : 0, tree ? 1 : 0, 0, 0, 0, 0,
            1_700_000_000_000L + revision);
    }

    /**
     * A {@link Storage} that delegates, records writes and forces, and can be told to fail them the way a
     * failing device does (an {@code EIO} wrapped as the real {@link FileStorage} wraps it): the n-th write or
     * force from now, once ({@link #failWriteAfter}, {@link #failForceAfter}) or from then on
     * ({@link #failWritesFrom}, {@link #failForceAfter} with {@code persistent}), or every force
     * ({@link #failForce}). A failed write or force does not reach the delegate.
     */
    public static final class RecordingStorage extends ForwardingStorage
    {
        final List<long[]> writes = new ArrayList<>(); // {position, length} of writes that reached the delegate
        final List<Boolean> forces = new ArrayList<>(); // every force attempted, with its metadata flag
        boolean failForce;
        private int writesUntilFailure = -1;
        private boolean writeFailurePersists;
        private int forcesUntilFailure = -1;
        private boolean forceFailurePersists;
        private int writeCalls;

        /**
         * @param delegate the storage that does the real work.
         */
        public RecordingStorage(final Storage delegate)
        {
            super(delegate);
        }

        /**
         * Makes the write {@code n} writes from now (0 = the next) fail, and none after it; -1 disarms every write
         * failure.
         *
         * @param n writes to let through first, or -1.
         */
        public void failWriteAfter(final int n)
        {
            writesUntilFailure = n;
            writeFailurePersists = false;
        }

        /**
         * Makes the write {@code n} writes from now (0 = the next) and every later one fail, until
         * {@link #failWriteAfter failWriteAfter(-1)} (a device that stopped working).
         *
         * @param n writes to let through first.
         */
        public void failWritesFrom(final int n)
        {
            writesUntilFailure = n;
            writeFailurePersists = true;
        }

        /**
         * Makes the force {@code n} forces from now (0 = the next) fail, once or, if {@code persistent}, with every
         * later one; -1 disarms.
         *
         * @param n          forces to let through first, or -1.
         * @param persistent whether every later force fails too.
         */
        public void failForceAfter(final int n, final boolean persistent)
        {
            forcesUntilFailure = n;
            forceFailurePersists = persistent;
        }

        /**
         * @return write calls so far, failed ones included.
         */
        public int writeCalls()
        {
            return writeCalls;
        }

        /**
         * @return force calls so far, failed ones included.
         */
        public int forceCalls()
        {
            return forces.size();
        }

        /**
         * @return the file offsets of the writes that reached the file, in order.
         */
        public long[] writePositions()
        {
            return writes.stream().mapToLong(w -> w[0]).toArray();
        }

        private static boolean due(final int until)
        {
            return until == 0;
        }

        @Override
        public void write(final ByteBuffer src, final long position)
        {
            writeCalls++;
            if (due(writesUntilFailure))
            {
                if (!writeFailurePersists)
                {
                    writesUntilFailure = -1;
                }
                throw new dev.cambium.StorageException("write of " + src.remaining() + " bytes at offset " +
                    position + " of " + path() + " failed after 0 bytes: " + eio(), eio());
            }
            if (writesUntilFailure > 0)
            {
                writesUntilFailure--;
            }
            writes.add(new long[]{position, src.remaining()});
            delegate.write(src, position);
        }

        private static IOException eio()
        {
            return new IOException("Input/output error (injected)");
        }

        @Override
        public void force(final boolean metadata)
        {
            forces.add(metadata);
            boolean fail = failForce;
            if (due(forcesUntilFailure))
            {
                fail = true;
                if (!forceFailurePersists)
                {
                    forcesUntilFailure = -1;
                }
            }
            else if (forcesUntilFailure > 0)
            {
                forcesUntilFailure--;
            }
            if (fail)
            {
                throw new dev.cambium.StorageException((metadata ? "fsync" : "fdatasync") + " of " + path() +
                    " failed: " + eio(), eio());
            }
            delegate.force(metadata);
        }
    }
}
