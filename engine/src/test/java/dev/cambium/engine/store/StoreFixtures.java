package dev.cambium.engine.store;

import dev.cambium.btree.PageHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
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
    static ByteBuffer page(final int pageSize, final long id, final long revision, final int seed)
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
        return new Meta(pageSize, revision, highWater, highWater > 2 ? 2 : 0, highWater > 2 ? 1 : 0, 0, 0, 0,
            1_700_000_000_000L + revision);
    }

    /**
     * A {@link Storage} that delegates, records writes and forces, and can be told to fail its forces or
     * its n-th write from now ({@link #failWriteAfter}).
     */
    public static final class RecordingStorage implements Storage
    {
        final Storage delegate;
        final List<long[]> writes = new ArrayList<>(); // {position, length}
        final List<Boolean> forces = new ArrayList<>();
        boolean failForce;
        private int writesUntilFailure = -1;

        /**
         * @param delegate the storage that does the real work.
         */
        public RecordingStorage(final Storage delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public Path path()
        {
            return delegate.path();
        }

        @Override
        public long size()
        {
            return delegate.size();
        }

        /**
         * Makes the write {@code n} writes from now (0 = the next) fail, and none after it; -1 disarms.
         *
         * @param n writes to let through first, or -1.
         */
        public void failWriteAfter(final int n)
        {
            writesUntilFailure = n;
        }

        @Override
        public void write(final ByteBuffer src, final long position)
        {
            if (writesUntilFailure == 0)
            {
                writesUntilFailure = -1;
                throw new dev.cambium.StorageException("injected write failure at " + position + " of " + path());
            }
            if (writesUntilFailure > 0)
            {
                writesUntilFailure--;
            }
            writes.add(new long[]{position, src.remaining()});
            delegate.write(src, position);
        }

        @Override
        public void read(final ByteBuffer dst, final long position)
        {
            delegate.read(dst, position);
        }

        @Override
        public void force(final boolean metadata)
        {
            forces.add(metadata);
            if (failForce)
            {
                throw new dev.cambium.StorageException("injected fsync failure (EIO) on " + path());
            }
            delegate.force(metadata);
        }

        @Override
        public void truncate(final long size)
        {
            delegate.truncate(size);
        }

        @Override
        public MappedByteBuffer mapReadOnly(final long position, final long length)
        {
            return delegate.mapReadOnly(position, length);
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }
}
