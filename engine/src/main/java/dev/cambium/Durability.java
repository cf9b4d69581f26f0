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
     *     commit, {@code check()} is clean, and the content is that revision's (but see the last
     *     case);</li>
     *     <li>a {@link CambiumException} (typically {@link CorruptDatabaseException}) from
     *     {@link Database#open}, from a read, or problems reported by {@link Database#check()}: restore
     *     or rebuild the data. A page written by a later revision than the one read is always
     *     rejected this way;</li>
     *     <li>rarely, wrong content that {@code check()} cannot see: when a commit reused a page id, its
     *     write of that page was lost but its meta page reached the disk, the page still holds its
     *     own older version, with a valid checksum, id and revision. If that older version has the
     *     same keys (values rewritten, as a counter is), reads return the older values. A workload
     *     rewriting one small tree in every commit showed this in about 4 % of simulated power losses;
     *     a mixed workload in none.</li>
     * </ul>
     * Run {@link Database#check()} after an unclean shutdown, and do not keep data in this mode
     * that cannot be rebuilt.
     */
    NO_SYNC
}
