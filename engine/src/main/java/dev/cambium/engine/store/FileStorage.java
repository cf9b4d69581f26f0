package dev.cambium.engine.store;

import dev.cambium.NotADatabaseException;
import dev.cambium.StorageException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * {@link Storage} over a {@link FileChannel} opened READ, WRITE, CREATE. Writes and reads are positional
 * ({@code pwrite64}/{@code pread64}), so they never touch the channel's shared position; after {@link #mapWrites},
 * writes inside the file are copies into read-write mappings instead.
 *
 * <p>The file itself is never locked: a POSIX lock on it would be dropped by any close of the file anywhere in the
 * process. The right to write a database file is its {@link DatabaseLock}, on a separate lock file, which
 * {@link PageStore#open(Path, dev.cambium.DatabaseOptions)} takes before it opens the file through this class.
 *
 * <p>Threads: see {@link Storage}. Caveat: a {@link FileChannel} is interruptible; interrupting the writer
 * thread during an I/O call closes the channel for everyone. The engine must not interrupt its writer.
 */
public final class FileStorage implements Storage
{
    private final Path path;
    private final FileChannel channel;
    private final boolean created;
    /** Log2 of the size of one read-write mapping ({@link #mapWrites}); 0 while writes are positional. */
    private int windowShift;
    /** Writes that start below this offset stay positional (the meta pages). */
    private long mappedFrom;
    /** Read-write mappings by window index, each of the window's size or up to the file's end; null until used. */
    private MappedByteBuffer[] windows = new MappedByteBuffer[0];
    /** Why mapping a window failed, after which writes went back to positional; null while none did. */
    private Exception mapFailure;

    /** Windows of 1 GiB: a page (a power of two of at most 64 KiB, at a multiple of its size) never straddles one. */
    private static final int WINDOW_SHIFT = 30;

    /**
     * Wraps an open channel without syncing a directory. Package-private: {@link #open} is the way in;
     * tests pass a channel that returns short writes or runs out of space.
     *
     * @param path    the file's absolute path, for messages.
     * @param channel the channel, open for reading and writing.
     * @param created whether the caller created the file.
     */
    FileStorage(final Path path, final FileChannel channel, final boolean created)
    {
        this.path = path;
        this.channel = channel;
        this.created = created;
    }

    /**
     * Opens {@code path}, creating it if it does not exist. A newly created file's parent directory is fsynced so
     * that the file's name survives a power loss. For tests and tools that want a plain file: a database is opened
     * through {@link DatabaseFile}, which never leaves a half-written file under the database's name, while its
     * {@link DatabaseLock} is held. Not locked. Called once, by the thread that opens the file.
     *
     * @param path the database file.
     * @return the storage.
     * @throws NotADatabaseException if the path is a directory or another non-regular file (a FIFO would block
     *                               the open, a device is not ours to overwrite).
     * @throws StorageException      if the file cannot be opened or created.
     */
    public static FileStorage open(final Path path)
    {
        final Path absolute = path.toAbsolutePath();
        rejectNonRegular(absolute);
        try
        {
            // CREATE_NEW first so that "did we create it?" is answered atomically by the file system,
            // not by a racy exists() check.
            FileChannel channel;
            boolean created;
            try
            {
                channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW);
                created = true;
            }
            catch (final FileAlreadyExistsException e)
            {
                rejectNonRegular(absolute);
                channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
                created = false;
            }
            final FileStorage storage = new FileStorage(absolute, channel, created);
            if (created)
            {
                try
                {
                    syncParentDirectory(absolute);
                }
                catch (final RuntimeException e)
                {
                    storage.close();
                    throw e;
                }
            }
            return storage;
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot open " + absolute + ": " + e, e);
        }
    }

    /**
     * Opens an existing regular file read-write, without locking it: the caller holds the database's
     * {@link DatabaseLock}.
     *
     * @param path the file.
     * @return the storage, or null if no file has that name.
     * @throws NotADatabaseException if the path is a directory or another non-regular file.
     * @throws StorageException if the file cannot be opened.
     */
    public static FileStorage openExisting(final Path path)
    {
        final Path absolute = path.toAbsolutePath();
        rejectNonRegular(absolute);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        catch (final NoSuchFileException e)
        {
            return null;
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot open " + absolute + ": " + e, e);
        }
        return new FileStorage(absolute, channel, false);
    }

    /**
     * Opens an existing regular file read-only and without a lock, for reading the meta pages of a file that may be
     * open elsewhere ({@link MetaSelector#validMetas(Path)}): only {@link #size}, {@link #read} and {@link #close}
     * may be used.
     *
     * @param path the file.
     * @return the storage.
     * @throws NotADatabaseException if the path is a directory or another non-regular file.
     * @throws StorageException      if the file does not exist or cannot be opened.
     */
    static FileStorage openReadOnly(final Path path)
    {
        final Path absolute = path.toAbsolutePath();
        rejectNonRegular(absolute);
        try
        {
            return new FileStorage(absolute, FileChannel.open(absolute, StandardOpenOption.READ), false);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot read " + absolute + ": " + e, e);
        }
    }

    /**
     * Creates {@code path}, or opens a file left there earlier, and truncates it to 0 bytes: the file a new
     * database is written into before it is renamed into place ({@link DatabaseFile}). Not locked: the caller holds
     * the database's {@link DatabaseLock}, so no other opener, in this JVM or another process, is creating the same
     * database.
     *
     * @param path the file.
     * @return the storage, empty.
     * @throws NotADatabaseException if the path is a directory or another non-regular file.
     * @throws StorageException if the file cannot be created or truncated.
     */
    public static FileStorage createEmpty(final Path path)
    {
        final Path absolute = path.toAbsolutePath();
        rejectNonRegular(absolute);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(absolute, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot create " + absolute + ": " + e, e);
        }
        try
        {
            channel.truncate(0);
        }
        catch (final IOException e)
        {
            closeQuietly(channel, e);
            throw new StorageException("cannot truncate " + absolute + ": " + e, e);
        }
        return new FileStorage(absolute, channel, true);
    }

    private static void closeQuietly(final FileChannel channel, final Throwable primary)
    {
        try
        {
            channel.close();
        }
        catch (final IOException e)
        {
            primary.addSuppressed(e);
        }
    }

    /**
     * The same open file (same channel) under the name it was renamed to. This object must not be used
     * any more; close the returned one.
     *
     * @param newPath the file's new name.
     * @return the storage under its new name.
     */
    public FileStorage renamed(final Path newPath)
    {
        return new FileStorage(newPath.toAbsolutePath(), channel, created);
    }

    /**
     * @param path a file name.
     * @throws NotADatabaseException if the name exists and is a directory or another non-regular file.
     * @throws StorageException      if its attributes cannot be read.
     */
    static void rejectNonRegular(final Path path)
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        }
        catch (final NoSuchFileException e)
        {
            return; // will be created
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot read the attributes of " + path + ": " + e, e);
        }
        if (attributes.isDirectory())
        {
            throw new NotADatabaseException(path + " is not a Cambium database: it is a directory");
        }
        if (!attributes.isRegularFile())
        {
            throw new NotADatabaseException(path + " is not a Cambium database: it is not a regular file");
        }
    }

    /**
     * Fsyncs the directory containing {@code file}, making a newly created name durable (Linux and macOS; a
     * directory cannot be opened for fsync on Windows).
     *
     * @param file a file whose directory entry must survive a power loss.
     * @throws StorageException if the directory cannot be opened or forced.
     */
    public static void syncParentDirectory(final Path file)
    {
        final Path dir = file.toAbsolutePath().getParent();
        if (dir == null)
        {
            return;
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            dirChannel.force(true);
        }
        catch (final IOException e)
        {
            throw new StorageException("fsync of directory " + dir + " failed: " + e, e);
        }
    }

    /**
     * @return true if {@link #open} created the file (it did not exist before).
     */
    public boolean created()
    {
        return created;
    }

    @Override
    public Path path()
    {
        return path;
    }

    @Override
    public long size()
    {
        try
        {
            return channel.size();
        }
        catch (final IOException e)
        {
            throw new StorageException("size of " + path + " failed: " + e, e);
        }
    }

    /**
     * Writes at or after {@code from} go through read-write mappings of the file from now on, where they lie inside
     * the file and inside one mapping window; others (a write that extends the file, such as growth, and every write
     * below {@code from}) stay positional. On Linux only: there a {@link #force} ({@code fdatasync}/{@code fsync} of
     * the file) also writes back pages changed through a mapping, as it does pages changed by {@code pwrite}, so
     * durability and the order of forces are unchanged. What changes is how a failed write is reported: a copy into
     * a page the file system cannot back returns as if it had worked, and the JVM's {@link InternalError} surfaces
     * later in the thread (see {@code writeMapped}). Elsewhere this returns false and changes nothing.
     *
     * <p>Why: on Linux 6.x a 4 KiB {@code pwrite} into a page-cache folio of many pages costs several microseconds
     * in {@code ext4_block_write_begin}, which walks every block of the folio; a copy into a mapped page that is
     * already writable costs only the copy. See docs/design.md, section 7, "Where the peers are faster".
     *
     * @param from the offset from which writes may go through a mapping; the meta pages lie below it, so that
     *             their writes stay positional.
     * @return whether writes now go through mappings.
     */
    @Override
    public boolean mapWrites(final long from)
    {
        return System.getProperty("os.name", "").startsWith("Linux") && mapWrites(from, WINDOW_SHIFT);
    }

    /**
     * As {@link #mapWrites(long)}, with windows of {@code 1 << shift} bytes and on any system (tests cross windows
     * with small ones).
     *
     * @param from  as there.
     * @param shift log2 of the window size, from 16 to 30.
     * @return true.
     */
    boolean mapWrites(final long from, final int shift)
    {
        if (shift < 16 || shift > WINDOW_SHIFT || from < 0)
        {
            throw new IllegalArgumentException("window shift " + shift + " outside [16, 30] or negative start " +
                from);
        }
        mappedFrom = from;
        windowShift = shift;
        windows = new MappedByteBuffer[0];
        return true;
    }

    /**
     * @return why writes went back from mappings to positional writes (mapping a window failed), or null if they
     * did not. Writer thread.
     */
    Exception mapFailure()
    {
        return mapFailure;
    }

    @Override
    public void write(final ByteBuffer src, final long position)
    {
        if (windowShift != 0 && writeMapped(src, position))
        {
            return;
        }
        final int length = src.remaining();
        long at = position;
        try
        {
            while (src.hasRemaining())
            {
                at += channel.write(src, at);
            }
        }
        catch (final IOException e)
        {
            throw new StorageException("write of " + length + " bytes at offset " + position + " of " + path +
                " failed after " + (at - position) + " bytes: " + e, e);
        }
    }

    @Override
    public void read(final ByteBuffer dst, final long position)
    {
        final int length = dst.remaining();
        long at = position;
        try
        {
            while (dst.hasRemaining())
            {
                final int n = channel.read(dst, at);
                if (n < 0)
                {
                    throw new EOFException("end of file at offset " + at);
                }
                at += n;
            }
        }
        catch (final IOException e)
        {
            throw new StorageException("read of " + length + " bytes at offset " + position + " of " + path +
                " failed after " + (at - position) + " bytes: " + e, e);
        }
    }

    /**
     * Copies {@code src} into the read-write mapping of its window, mapping the window (again) when it does not yet
     * reach the write's end.
     *
     * @return false, writing nothing, if the write starts below the mapped part or crosses a window's end or the
     * file's end: it is then positional.
     */
    private boolean writeMapped(final ByteBuffer src, final long position)
    {
        if (position < mappedFrom)
        {
            return false; // a meta page, or a negative position, which the positional write refuses
        }
        final int length = src.remaining();
        final long windowSize = 1L << windowShift;
        final int w = (int)(position >>> windowShift);
        final long start = (long)w << windowShift;
        final int at = (int)(position - start);
        if (at + (long)length > windowSize)
        {
            return false;
        }
        MappedByteBuffer window = w < windows.length ? windows[w] : null;
        if (window == null || at + length > window.capacity())
        {
            // Only ever mapped below the file's end: a mapped page past it is a SIGBUS, not an error.
            final long size = size();
            if (position + length > size)
            {
                return false;
            }
            try
            {
                window = channel.map(FileChannel.MapMode.READ_WRITE, start, Math.min(windowSize, size - start));
            }
            catch (final IOException | UnsupportedOperationException e)
            {
                // The file system or the address space refuses a read-write mapping: positional writes promise the
                // same, so go back to them for good rather than fail every commit.
                mapFailure = e;
                windowShift = 0;
                windows = new MappedByteBuffer[0];
                return false;
            }
            if (w >= windows.length)
            {
                windows = Arrays.copyOf(windows, w + 1);
            }
            windows[w] = window;
        }
        try
        {
            window.put(at, src, src.position(), length);
        }
        catch (final InternalError e)
        {
            // The JVM's form of a SIGBUS in a copy to a mapping: the file system could not back the page (out of
            // space on a copy-on-write file system, or an I/O error reading it in). Rarely raised here: measured on
            // Java 17, the copy returned as if it had worked, interpreted or compiled, and the error came out of a
            // later statement of this thread (MappedWriteFaults; docs/design.md, the failure table's mappedWrites
            // row). That is why mapped writes are not the default.
            throw new StorageException("write of " + length + " bytes at offset " + position + " of " + path +
                " through its mapping failed: " + e, e);
        }
        src.position(src.limit());
        return true;
    }

    @Override
    public void force(final boolean metadata)
    {
        try
        {
            channel.force(metadata);
        }
        catch (final IOException e)
        {
            throw new StorageException((metadata ? "fsync" : "fdatasync") + " of " + path + " failed: " + e, e);
        }
    }

    @Override
    public void truncate(final long size)
    {
        // A mapping reaching past the new end must not be written again: the windows are mapped afresh.
        windows = new MappedByteBuffer[0];
        try
        {
            channel.truncate(size);
        }
        catch (final IOException e)
        {
            throw new StorageException("truncate of " + path + " to " + size + " bytes failed: " + e, e);
        }
    }

    @Override
    public MappedByteBuffer mapReadOnly(final long position, final long length)
    {
        if (position < 0 || length < 0 || length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("bad mapping [" + position + ", +" + length + ") of " + path);
        }
        final long size = size();
        if (position + length > size)
        {
            // READ_ONLY past the end would throw anyway, but say why: reading there would be a SIGBUS.
            throw new StorageException("refusing to map [" + position + ", " + (position + length) + ") of " +
                path + ": the file is only " + size + " bytes");
        }
        try
        {
            return channel.map(FileChannel.MapMode.READ_ONLY, position, length);
        }
        catch (final IOException e)
        {
            throw new StorageException("read-only map of [" + position + ", " + (position + length) + ") of " +
                path + " failed: " + e, e);
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException e)
        {
            throw new StorageException("close of " + path + " failed: " + e, e);
        }
    }

    @Override
    public String toString()
    {
        return "FileStorage{" + path + '}';
    }
}
