package dev.cambium;

/**
 * What a returned {@link WriteTransaction#commit()} promises. In either mode, creating a database
 * file is crash-safe: a crash while {@link Database#open} creates it leaves the name as it was (no
 * file, or an empty file: both open as a new database) or a complete empty database.
 */
public enum Durability
{
    /**
     * Default. The data pages are forced to the device before the meta page is written, and the
     * meta page is forced before {@code commit()} returns: a returned commit survives a process
     * crash and a power loss.
     */
    SYNC,

    /**
     * No force after the file's creation: pages and meta reach the operating system's page cache in
     * order, and {@code commit()} returns without waiting for the device. For data that can be
     * rebuilt (bulk loads that can be repeated, caches).
     *
     * <p><b>After a crash of the process</b> (kill -9, an exception, {@code System.exit}) with the
     * machine still running: the same as {@link #SYNC}. The kernel writes back every write that was
     * issued, so every returned commit is kept, a commit in progress is either complete or absent,
     * and {@code check()} is clean.
     *
     * <p><b>After a power loss or kernel crash</b>, any of the writes since the file was created may be
     * lost, torn or reordered, and the file's growth lost. Then one of:
     * <ul>
     *     <li>the file opens at some committed revision, possibly much older than the last returned
     *     commit, {@code check()} is clean, and the content is that revision's;</li>
     *     <li>a {@link CambiumException} (typically {@link CorruptDatabaseException}) from
     *     {@link Database#open}, from a read, or problems reported by {@link Database#check()}: restore
     *     or rebuild the data.</li>
     * </ul>
     * Wrong content is not returned silently: a page written by a later revision than the one read is
     * rejected, and so is a page whose newest write was lost while the meta page pointing at it reached
     * the disk (a reused page id then still holds its own older version, with a valid checksum, id and
     * revision), because every pointer to a page records the revision that wrote it (file format 2) and
     * every read compares the two. The same comparison catches a lost or misdirected write in
     * {@link #SYNC} mode on a device that does not honour flushes. A read that meets such a page, or
     * {@code check()}, reports it as a {@link CorruptDatabaseException} naming the page, both revisions
     * and the tree. (One narrow case remains, after two power losses in a row: see docs/design.md,
     * section 9.)
     *
     * <p>Run {@link Database#check()} after an unclean shutdown, and do not keep data in this mode
     * that cannot be rebuilt.
     */
    NO_SYNC
}
