package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The header every non-meta page starts with.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 CRC32C of bytes [4, pageSize)                 |  0
 *  +---------------+---------------+-------------------------------+
 *  |     type      |     flags     |          entry count          |  4
 *  +---------------+---------------+-------------------------------+
 *  |                          page id                              |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 revision that wrote the page                  | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 type-specific fields ...                      | 24
 * </pre>
 *
 * <p>All multi-byte fields are little-endian. The checksum is computed by the engine at commit;
 * the page id lets a reader detect a page written to the wrong place; the revision is the
 * revision at which the page became visible (the start of its visibility interval, which the
 * cleaner needs).
 */
public final class PageHeader
{
    /** Offset of the CRC32C over bytes [{@link #CHECKSUM_COVERS_FROM}, pageSize). */
    public static final int CHECKSUM_OFFSET = 0;
    /** The checksum covers the page from here to its end. */
    public static final int CHECKSUM_COVERS_FROM = 4;
    /** Offset of the one-byte page type. */
    public static final int TYPE_OFFSET = 4;
    /** Offset of the one-byte flags. */
    public static final int FLAGS_OFFSET = 5;
    /** Offset of the unsigned 16-bit entry count (leaf and branch pages). */
    public static final int COUNT_OFFSET = 6;
    /** Offset of the 64-bit page id. */
    public static final int PAGE_ID_OFFSET = 8;
    /** Offset of the 64-bit revision that wrote the page. */
    public static final int REVISION_OFFSET = 16;
    /** Length of the common header. */
    public static final int LENGTH = 24;

    /** Page type of a B+tree leaf. */
    public static final byte TYPE_LEAF = 1;
    /** Page type of a B+tree branch (inner node). */
    public static final byte TYPE_BRANCH = 2;
    /** Page type of an overflow page holding part of a large value. */
    public static final byte TYPE_OVERFLOW = 3;
    /** Page type of an engine-internal list page (reserved for free-space state). */
    public static final byte TYPE_LIST = 4;

    private PageHeader()
    {
    }

    /**
     * Writes the page id and revision into a page's header; called whenever a private page is
     * created (allocated or copied).
     *
     * @param page     the page.
     * @param pageId   the page's id.
     * @param revision the revision that writes it.
     */
    public static void stamp(final MutableDirectBuffer page, final long pageId, final long revision)
    {
        page.putLong(PAGE_ID_OFFSET, pageId);
        page.putLong(REVISION_OFFSET, revision);
    }

    /**
     * @param page a page.
     * @return its type byte.
     */
    public static byte type(final DirectBuffer page)
    {
        return page.getByte(TYPE_OFFSET);
    }

    /**
     * @param page a page.
     * @return the page id recorded in its header.
     */
    public static long pageId(final DirectBuffer page)
    {
        return page.getLong(PAGE_ID_OFFSET);
    }

    /**
     * @param page a page.
     * @return the revision recorded in its header.
     */
    public static long revision(final DirectBuffer page)
    {
        return page.getLong(REVISION_OFFSET);
    }
}
