package dev.cambium.engine.store;

import java.nio.file.Path;

/**
 * The directory operations that creating a database file needs ({@link DatabaseFile}): open, create, rename and
 * delete a file, and force the directory. {@link #local()} is the real file system; a test implementation simulates
 * a power loss in them, as a fault-injecting {@link Storage} does for the bytes of one file.
 *
 * <p>Threads: called only by the thread opening a database, before any other thread can see it.
 */
public interface StorageDirectory
{
    /**
     * @return the real file system.
     */
    static StorageDirectory local()
    {
        return LocalDirectory.INSTANCE;
    }

    /**
     * Opens an existing file read-write. Not locked: the caller holds the database's {@link DatabaseLock}.
     *
     * @param file the file.
     * @return its storage, or null if no file has that name.
     * @throws dev.cambium.NotADatabaseException if the name is a directory or another non-regular file.
     */
    Storage openExisting(Path file);

    /**
     * Creates a file, or takes over a file left under that name, truncated to 0 bytes. Not locked: the caller holds
     * the database's {@link DatabaseLock}.
     *
     * @param file the file.
     * @return its storage, empty.
     */
    Storage createEmpty(Path file);

    /**
     * @param file a file name.
     * @return true if a file of that name exists now.
     */
    boolean exists(Path file);

    /**
     * Renames the file open as {@code storage} to {@code to}, atomically, replacing a file of that name. The new name
     * is durable only after {@link #sync}.
     *
     * @param storage a storage from {@link #createEmpty}.
     * @param to      the new name, in the same directory.
     * @return the same open file under its new name; {@code storage} must not be used any more.
     */
    Storage rename(Storage storage, Path to);

    /**
     * Deletes a file if it exists.
     *
     * @param file the file.
     */
    void delete(Path file);

    /**
     * Forces the directory holding {@code file}, making the creations, renames and deletions in it durable.
     *
     * @param file a file in the directory.
     */
    void sync(Path file);
}
