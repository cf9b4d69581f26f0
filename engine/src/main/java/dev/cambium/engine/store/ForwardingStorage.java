package dev.cambium.engine.store;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * A {@link Storage} that passes every call to another: wrappers extend it and override only the calls they change
 * ({@link LockedStorage} its close; test wrappers the calls they record or break). Called by whatever thread calls
 * the wrapper.
 */
public abstract class ForwardingStorage implements Storage
{
    /** The storage that does the real work. */
    protected final Storage delegate;

    /**
     * @param delegate the storage that does the real work; closed by {@link #close}.
     */
    protected ForwardingStorage(final Storage delegate)
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

    @Override
    public boolean mapWrites(final long from)
    {
        return delegate.mapWrites(from);
    }

    @Override
    public void write(final ByteBuffer src, final long position)
    {
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
