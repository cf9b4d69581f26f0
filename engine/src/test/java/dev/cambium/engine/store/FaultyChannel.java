package dev.cambium.engine.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * A {@link FileChannel} over a real file that behaves like a file system under stress, below {@link FileStorage}
 * (so the real storage code loops and reports): positional writes may be <b>short</b> (each call writes a seeded
 * random 1..{@code maxShortWrite} bytes, as {@code pwrite} may), and the file may run out of <b>space</b>: it cannot
 * grow past a limit, so a write crossing it writes what fits and returns that short count, and the next call fails
 * with {@code IOException("No space left on device")}, as {@code pwrite} does with {@code ENOSPC}. Writes inside
 * the current length never need space (as on a non-copy-on-write file system). A second space model counts
 * {@value #BLOCK}-byte <b>blocks</b>, as ext4 reserves them for a buffered write: a block holds bytes once anything
 * was written in it (every block below the length at open counts), and with {@link #blockLimit} set a write that
 * needs more blocks than are left, past the end or into a hole, writes up to the first block it cannot have and
 * then fails the same way. Everything else delegates.
 *
 * <p>Threads: the fault settings are volatile and may be changed by a test thread while the writer runs.
 */
public final class FaultyChannel extends FileChannel
{
    private final Path path;
    private final FileChannel delegate;
    private final SplittableRandom random;
    private volatile int maxShortWrite;
    private volatile long spaceLimit = Long.MAX_VALUE;
    /** The block size of the block space model. */
    public static final int BLOCK = 4096;
    private volatile long blockLimit = Long.MAX_VALUE;
    /** Blocks that hold bytes; changed by the writing thread only. */
    private final BitSet blocks = new BitSet();
    private volatile boolean failMaps;
    private long writeCalls;
    private long shortWrites;
    private long noSpaceFailures;

    private FaultyChannel(final Path path, final FileChannel delegate, final long seed)
    {
        this.path = path;
        this.delegate = delegate;
        this.random = new SplittableRandom(seed);
        try
        {
            blocks.set(0, (int)((delegate.size() + BLOCK - 1) / BLOCK));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens (creating if needed) {@code file} for reading and writing, with no fault set.
     *
     * @param file the file.
     * @param seed seeds the lengths of short writes.
     * @return the channel.
     */
    public static FaultyChannel open(final Path file, final long seed)
    {
        try
        {
            return new FaultyChannel(file.toAbsolutePath(), FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.CREATE), seed);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the real {@link FileStorage} over this channel (not locked, no directory fsync).
     */
    public FileStorage storage()
    {
        return new FileStorage(path, this, false);
    }

    /**
     * @param max each positional write writes at most a random 1..{@code max} bytes; 0 turns short writes off.
     * @return this.
     */
    public FaultyChannel shortWrites(final int max)
    {
        maxShortWrite = max;
        return this;
    }

    /**
     * @param limit how many {@value #BLOCK}-byte blocks may hold the file's bytes ("the disk is full there"), counting
     *              those that already do ({@link #blocksUsed}); {@link Long#MAX_VALUE} frees the space.
     * @return this.
     */
    public FaultyChannel blockLimit(final long limit)
    {
        blockLimit = limit;
        return this;
    }

    /**
     * @return how many {@value #BLOCK}-byte blocks hold bytes of the file. Writer thread, or after it.
     */
    public long blocksUsed()
    {
        return blocks.cardinality();
    }

    /**
     * @param bytes the length the file cannot grow past ("the disk is full there"); {@link Long#MAX_VALUE} frees
     *              the space.
     * @return this.
     */
    public FaultyChannel spaceLimit(final long bytes)
    {
        spaceLimit = bytes;
        return this;
    }

    /**
     * @param fail whether {@link #map} fails with an {@code IOException} ("Map failed", as when the address space or
     *             the file system refuses a mapping).
     * @return this.
     */
    public FaultyChannel failMaps(final boolean fail)
    {
        failMaps = fail;
        return this;
    }

    /**
     * @return positional write calls so far.
     */
    public long writeCalls()
    {
        return writeCalls;
    }

    /**
     * @return positional writes that wrote less than asked (short by choice or by the space limit).
     */
    public long shortWrites()
    {
        return shortWrites;
    }

    /**
     * @return writes that failed with "No space left on device".
     */
    public long noSpaceFailures()
    {
        return noSpaceFailures;
    }

    @Override
    public int write(final ByteBuffer src, final long position) throws IOException
    {
        writeCalls++;
        final int asked = src.remaining();
        int n = asked;
        final int max = maxShortWrite;
        if (max > 0 && n > 1)
        {
            n = Math.min(n, 1 + random.nextInt(max));
        }
        final long limit = spaceLimit;
        if (position + n > limit && position + n > delegate.size())
        {
            final long room = limit - position;
            if (room <= 0)
            {
                noSpaceFailures++;
                throw new IOException("No space left on device");
            }
            n = (int)Math.min(n, room);
        }
        final long blockRoom = blockLimit;
        if (blockRoom != Long.MAX_VALUE)
        {
            long left = blockRoom - blocks.cardinality();
            for (long b = position / BLOCK; b * BLOCK < position + n; b++)
            {
                if (!blocks.get((int)b) && left-- <= 0)
                {
                    n = (int)Math.max(0, b * BLOCK - position);
                    break;
                }
            }
            if (n == 0)
            {
                noSpaceFailures++;
                throw new IOException("No space left on device");
            }
        }
        final ByteBuffer part = src.duplicate();
        part.limit(part.position() + n);
        final int written = delegate.write(part, position);
        if (written > 0)
        {
            blocks.set((int)(position / BLOCK), (int)((position + written + BLOCK - 1) / BLOCK));
        }
        src.position(src.position() + written);
        if (written < asked)
        {
            shortWrites++;
        }
        return written;
    }

    @Override
    public int read(final ByteBuffer dst, final long position) throws IOException
    {
        return delegate.read(dst, position);
    }

    @Override
    public long size() throws IOException
    {
        return delegate.size();
    }

    @Override
    public void force(final boolean metaData) throws IOException
    {
        delegate.force(metaData);
    }

    @Override
    public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
    {
        if (failMaps)
        {
            throw new IOException("Map failed (injected)");
        }
        return delegate.map(mode, position, size);
    }

    @Override
    public FileChannel truncate(final long size) throws IOException
    {
        delegate.truncate(size);
        blocks.clear((int)((size + BLOCK - 1) / BLOCK), Math.max(blocks.length(), (int)((size + BLOCK - 1) / BLOCK)));
        return this;
    }

    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        return delegate.read(dst);
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
    {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(final ByteBuffer src) throws IOException
    {
        throw new UnsupportedOperationException("FileStorage writes positionally only");
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        throw new UnsupportedOperationException("FileStorage writes positionally only");
    }

    @Override
    public long position() throws IOException
    {
        return delegate.position();
    }

    @Override
    public FileChannel position(final long newPosition) throws IOException
    {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long transferTo(final long position, final long count, final WritableByteChannel target) throws IOException
    {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long position, final long count) throws IOException
    {
        throw new UnsupportedOperationException("FileStorage writes positionally only");
    }

    @Override
    public FileLock lock(final long position, final long size, final boolean shared) throws IOException
    {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
    {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException
    {
        delegate.close();
    }
}
