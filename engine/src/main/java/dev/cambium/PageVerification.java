package dev.cambium;

/**
 * When page checksums are verified on read. Meta pages are always verified at open.
 */
public enum PageVerification
{
    /**
     * Default. A page's CRC32C is verified the first time it is read after the database is opened;
     * a bitmap remembers verified pages, so the cost is paid once per page per open.
     */
    FIRST_READ,

    /**
     * Verify on every read of every page. Costs a CRC32C of a page per page visited.
     */
    EVERY_READ
}
