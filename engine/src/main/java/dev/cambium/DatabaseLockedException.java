package dev.cambium;

import java.nio.file.Path;

/**
 * The database is already open, so it cannot be opened again: one {@link Database} at a time may have a file open,
 * because two writers would allocate the same pages and destroy each other's revisions.
 *
 * <p>{@link #heldInThisJvm()} says where the other {@code Database} is: in this JVM (share that instance instead of
 * opening the file twice) or in another process (wait for it to close the database, or end it). The message names
 * the database file and its lock file ({@code <name>-lock} beside it, see docs/file-format.md), and, for another
 * process, the process id that lock file records. A lock left by a process that died (even of {@code kill -9}) is
 * released by the operating system with the process: no clean-up is ever needed, and the lock file must not be
 * deleted while any process may have the database open.
 */
public class DatabaseLockedException extends CambiumException
{
    private static final long serialVersionUID = 1L;

    private final String database;
    private final String lockFile;
    private final boolean heldInThisJvm;

    /**
     * @param message       what went wrong, for a person reading the log.
     * @param database      the database file.
     * @param lockFile      its lock file.
     * @param heldInThisJvm true if a {@code Database} of this JVM holds it, false if another process does.
     */
    public DatabaseLockedException(final String message, final Path database, final Path lockFile,
        final boolean heldInThisJvm)
    {
        super(message);
        this.database = database.toString();
        this.lockFile = lockFile.toString();
        this.heldInThisJvm = heldInThisJvm;
    }

    /**
     * @return the database file that could not be opened.
     */
    public Path database()
    {
        return Path.of(database);
    }

    /**
     * @return the lock file whose lock is held.
     */
    public Path lockFile()
    {
        return Path.of(lockFile);
    }

    /**
     * @return true if a {@code Database} open in this JVM holds the file; false if another process does.
     */
    public boolean heldInThisJvm()
    {
        return heldInThisJvm;
    }
}
