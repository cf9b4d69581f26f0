package dev.cambium.engine.store;

import dev.cambium.CambiumException;
import dev.cambium.DatabaseLockedException;
import dev.cambium.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The exclusive right to open one database file: an {@code fcntl} lock on a separate lock file beside it
 * ({@code <name>-lock}, {@link #lockFileOf}), which only this class opens, and only once per JVM per database.
 *
 * <p>Why a separate file: a POSIX record lock belongs to the process, and closing <em>any</em> descriptor of the
 * locked file in the process drops it, even one opened by unrelated code ({@code Files.copy} for a backup,
 * {@code Database.revisions}, a refused second open). Nothing but this class has a reason to open the lock file, and
 * the JVM-wide registry ({@link #acquire}) refuses a second acquisition in this JVM <em>before</em> any channel to the
 * lock file is opened, so while a lock is held no descriptor of its file is ever closed in this process. Another
 * process's descriptors do not matter: a process closing its own descriptor releases only its own locks.
 *
 * <p>The lock is on byte 0 of the file (the "in use" byte), exclusive; the rest of the byte range is left for a
 * later protocol with readers in other processes (docs/design.md, "One writer per file"). The holder writes a
 * 64-byte header (magic, version, its process id, the time) after taking the lock, so that a refused opener can say
 * which process holds it; the file is never fsynced and its content is advisory. A lock of a process that dies, even
 * of {@code kill -9}, is dropped by the kernel with the process, so the lock file needs no clean-up and is never
 * deleted (deleting it while it is held would let a second opener lock a new file of the same name).
 *
 * <p>Threads: {@link #acquire} and {@link #close} may be called from any thread; they serialise on the registry.
 */
public final class DatabaseLock implements AutoCloseable
{
    /** Appended to the database file's name to name its lock file. */
    public static final String SUFFIX = "-lock";

    /** The lock file's first 8 bytes. */
    static final byte[] MAGIC = "CAMBLOCK".getBytes(StandardCharsets.US_ASCII);
    /** The lock file layout this class writes. */
    static final int VERSION = 1;
    /** Bytes of the header; the file is truncated to this when a new holder takes it. */
    static final int HEADER_LENGTH = 64;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int PID_OFFSET = 16;
    static final int TIME_OFFSET = 24;

    /**
     * The locks this JVM holds, each under its lock file's real path and, where the file system has one, its file
     * key (device and inode), so that the same lock file reached by another name (a hard link, a bind mount) is
     * refused too. Guarded by itself.
     */
    private static final Map<Object, DatabaseLock> HELD = new HashMap<>();

    private final Path database;
    private final Path lockFile;
    private final Object fileKey;
    private final FileChannel channel;
    private boolean released; // guarded by HELD

    private DatabaseLock(final Path database, final Path lockFile, final Object fileKey, final FileChannel channel)
    {
        this.database = database;
        this.lockFile = lockFile;
        this.fileKey = fileKey;
        this.channel = channel;
    }

    /**
     * The lock file of a database file: beside the file's real path (symbolic links resolved, so every name of the
     * database leads to one lock file), named as the file with {@link #SUFFIX} appended. A missing file's directory
     * is resolved instead. A hard link to a database file is a different name with a different lock file: open a
     * database by one name only.
     *
     * @param databaseFile the database file.
     * @return its lock file's path.
     * @throws StorageException if the file's directory does not exist or cannot be resolved.
     */
    public static Path lockFileOf(final Path databaseFile)
    {
        final Path absolute = databaseFile.toAbsolutePath();
        Path real;
        try
        {
            try
            {
                real = absolute.toRealPath();
            }
            catch (final NoSuchFileException e)
            {
                final Path parent = absolute.getParent();
                real = parent == null ? absolute : parent.toRealPath().resolve(absolute.getFileName());
            }
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot resolve the directory of " + absolute + ": " + e, e);
        }
        return real.resolveSibling(real.getFileName() + SUFFIX);
    }

    /**
     * Takes the exclusive lock of {@code databaseFile}, creating its lock file if it is missing. Must be called
     * before the database file is created or opened for writing; {@link #close} releases it.
     *
     * @param databaseFile the database file (it need not exist yet).
     * @return the lock, held.
     * @throws DatabaseLockedException          if this JVM or another process holds the lock.
     * @throws dev.cambium.NotADatabaseException if the database path is a directory or another non-regular file (no
     *                                          lock file is created then).
     * @throws CambiumException                 if the lock file's name holds something that is not a lock file.
     * @throws StorageException                 if the lock file cannot be created, opened, locked or written.
     */
    public static DatabaseLock acquire(final Path databaseFile)
    {
        final Path database = databaseFile.toAbsolutePath();
        FileStorage.rejectNonRegular(database);
        final Path lockFile = lockFileOf(database);
        synchronized (HELD)
        {
            // Refused here, before any channel to the lock file is opened: closing one would drop the lock we hold.
            if (HELD.containsKey(lockFile))
            {
                throw heldInThisJvm(database, lockFile);
            }
            final Object fileKey = createAndIdentify(database, lockFile);
            if (fileKey != null && HELD.containsKey(fileKey))
            {
                throw heldInThisJvm(database, lockFile);
            }
            final FileChannel channel;
            try
            {
                channel = FileChannel.open(lockFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            catch (final IOException e)
            {
                throw new StorageException("cannot open the lock file " + lockFile + " of " + database + ": " + e, e);
            }
            try
            {
                lock(database, lockFile, channel);
                writeHeader(database, lockFile, channel);
            }
            catch (final RuntimeException | Error e)
            {
                // This JVM holds no lock on this file (the registry says so), so closing drops nothing of ours.
                closeQuietly(channel, e);
                throw e;
            }
            final DatabaseLock lock = new DatabaseLock(database, lockFile, fileKey, channel);
            HELD.put(lockFile, lock);
            if (fileKey != null)
            {
                HELD.put(fileKey, lock);
            }
            return lock;
        }
    }

    /**
     * Creates the lock file if it is missing and returns its file key. Creating opens and closes a descriptor, but
     * only of a new file, on which this process can hold no lock; an existing file is only looked at.
     */
    private static Object createAndIdentify(final Path database, final Path lockFile)
    {
        try
        {
            try
            {
                Files.createFile(lockFile);
            }
            catch (final FileAlreadyExistsException e)
            {
                // the usual case: the lock file stays after a close or a crash, and is reused
            }
            final BasicFileAttributes attributes = Files.readAttributes(lockFile, BasicFileAttributes.class);
            if (!attributes.isRegularFile())
            {
                throw new CambiumException("cannot lock " + database + ": its lock file " + lockFile +
                    " is not a regular file; move it away");
            }
            return attributes.fileKey();
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot create the lock file " + lockFile + " of " + database + ": " + e, e);
        }
    }

    private static void lock(final Path database, final Path lockFile, final FileChannel channel)
    {
        final FileLock lock;
        try
        {
            lock = channel.tryLock(0, 1, false);
        }
        catch (final OverlappingFileLockException e)
        {
            // Not one of ours (the registry would have refused): code in this JVM locked the lock file itself.
            throw heldInThisJvm(database, lockFile);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot lock the lock file " + lockFile + " of " + database + ": " + e, e);
        }
        if (lock == null)
        {
            final long pid = recordedPid(channel);
            throw new DatabaseLockedException(database + " is open in another process: its lock file " + lockFile +
                " is locked" + (pid > 0 ? " (by process " + pid + ", as the lock file records)" : ""), database,
                lockFile, false);
        }
    }

    private static DatabaseLockedException heldInThisJvm(final Path database, final Path lockFile)
    {
        return new DatabaseLockedException(database + " is already open in this JVM (which holds its lock file " +
            lockFile + "); share one Database instance", database, lockFile, true);
    }

    /** The holder's process id from a lock file's header, or 0 if the header is not there (yet). */
    private static long recordedPid(final FileChannel channel)
    {
        try
        {
            final ByteBuffer header = readHeader(channel);
            return header.remaining() == HEADER_LENGTH && hasMagic(header) ? header.getLong(PID_OFFSET) : 0;
        }
        catch (final IOException e)
        {
            return 0; // only for the message
        }
    }

    /**
     * Writes this process's header and truncates the file to it: anything else in it belonged to holders that are
     * gone. A file whose first 8 bytes are neither the magic nor zeros (a torn or fresh file) is not a lock file and
     * is not written to.
     */
    private static void writeHeader(final Path database, final Path lockFile, final FileChannel channel)
    {
        try
        {
            final ByteBuffer old = readHeader(channel);
            if (old.remaining() >= MAGIC.length && !hasMagic(old) && !isZero(old, MAGIC.length))
            {
                throw new CambiumException("cannot lock " + database + ": " + lockFile + " is not a Cambium lock " +
                    "file; move it away (the lock file of a database is named after it)");
            }
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            header.put(0, MAGIC);
            header.putInt(VERSION_OFFSET, VERSION);
            header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            header.putLong(PID_OFFSET, ProcessHandle.current().pid());
            header.putLong(TIME_OFFSET, System.currentTimeMillis());
            while (header.hasRemaining())
            {
                channel.write(header, header.position());
            }
            channel.truncate(HEADER_LENGTH);
        }
        catch (final IOException e)
        {
            throw new StorageException("cannot write the lock file " + lockFile + " of " + database + ": " + e, e);
        }
    }

    /** Up to {@link #HEADER_LENGTH} bytes from the start of the file, little-endian, position 0. */
    private static ByteBuffer readHeader(final FileChannel channel) throws IOException
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining())
        {
            if (channel.read(header, header.position()) < 0)
            {
                break;
            }
        }
        return header.flip();
    }

    private static boolean hasMagic(final ByteBuffer header)
    {
        final byte[] first = new byte[MAGIC.length];
        header.get(0, first);
        return Arrays.equals(first, MAGIC);
    }

    private static boolean isZero(final ByteBuffer buffer, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (buffer.get(i) != 0)
            {
                return false;
            }
        }
        return true;
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
     * @return the database file this lock is for (absolute, as given).
     */
    public Path database()
    {
        return database;
    }

    /**
     * @return the lock file.
     */
    public Path lockFile()
    {
        return lockFile;
    }

    /**
     * Releases the lock (closing the lock file's only channel in this JVM) and forgets it in the registry, so that
     * the database can be opened again. Call it after the database file is closed. Idempotent.
     *
     * @throws StorageException if closing the channel fails (the lock is forgotten anyway).
     */
    @Override
    public void close()
    {
        synchronized (HELD)
        {
            if (released)
            {
                return;
            }
            released = true;
            try
            {
                channel.close();
            }
            catch (final IOException e)
            {
                throw new StorageException("cannot close the lock file " + lockFile + " of " + database + ": " + e, e);
            }
            finally
            {
                HELD.remove(lockFile, this);
                if (fileKey != null)
                {
                    HELD.remove(fileKey, this);
                }
            }
        }
    }

    @Override
    public String toString()
    {
        return "DatabaseLock{" + lockFile + '}';
    }
}
