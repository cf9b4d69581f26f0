package dev.cambium;

/**
 * What a returned {@link WriteTransaction#commit()} promises.
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
     * No force at all: pages and meta reach the operating system's page cache in order. A returned
     * commit survives a crash of the process (the kernel still writes it back) but not a power loss
     * or kernel crash, after which the file may open at an older revision or, if the device
     * reordered the writes, fail its checksums. For bulk loads that can be repeated.
     */
    NO_SYNC
}
