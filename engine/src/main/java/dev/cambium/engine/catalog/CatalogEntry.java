package dev.cambium.engine.catalog;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The value stored in the catalog (the tree of trees) for each named tree.
 *
 * <pre>
 *  +---------------------------------------------------------------+  0
 *  |                 root page id (0 = empty tree)                 |
 *  +---------------------------------------------------------------+  8
 *  |      revision that wrote the root page (0 = empty tree)       |
 *  +---------------------------------------------------------------+ 16
 *  |                 number of entries                             |
 *  +-------------------------------+-------------------------------+ 24
 *  |          flags (0)            |         reserved (0)          |
 *  +-------------------------------+-------------------------------+ 32
 * </pre>
 *
 * <p>The root's revision is compared with the root page's header on every read, like every other pointer to a
 * page. The catalog's keys are tree names in UTF-8; its own root, root revision and entry count live in the meta
 * page.
 */
public final class CatalogEntry
{
    /** Offset of the root page id. */
    public static final int ROOT_OFFSET = 0;
    /** Offset of the revision that wrote the root page. */
    public static final int ROOT_REVISION_OFFSET = 8;
    /** Offset of the entry count. */
    public static final int SIZE_OFFSET = 16;
    /** Offset of the flags. */
    public static final int FLAGS_OFFSET = 24;
    /** Length of an entry. */
    public static final int LENGTH = 32;

    private CatalogEntry()
    {
    }

    /**
     * Encodes an entry.
     * @param b            the buffer, at least {@link #LENGTH} bytes.
     * @param root         the tree's root page id.
     * @param rootRevision the revision that wrote the root page (0 for an empty tree).
     * @param size         the tree's entry count.
     */
    public static void write(final MutableDirectBuffer b, final long root, final long rootRevision, final long size)
    {
        b.putLong(ROOT_OFFSET, root);
        b.putLong(ROOT_REVISION_OFFSET, rootRevision);
        b.putLong(SIZE_OFFSET, size);
        b.putInt(FLAGS_OFFSET, 0);
        b.putInt(FLAGS_OFFSET + 4, 0);
    }

    /**
     * @param b         an entry.
     * @param highWater the revision's high-water mark.
     * @param revision  the revision read: no page it reaches was written later.
     * @return true if the buffer has the length of an entry and plausible fields.
     */
    public static boolean isValid(final DirectBuffer b, final long highWater, final long revision)
    {
        if (b.capacity() != LENGTH)
        {
            return false;
        }
        final long root = b.getLong(ROOT_OFFSET);
        final long rootRevision = b.getLong(ROOT_REVISION_OFFSET);
        final long size = b.getLong(SIZE_OFFSET);
        return root == 0
            ? size == 0 && rootRevision == 0
            : root >= 2 && root < highWater && size > 0 && rootRevision >= 1 && rootRevision <= revision;
    }

    /**
     * @param b an entry.
     * @return the root page id.
     */
    public static long root(final DirectBuffer b)
    {
        return b.getLong(ROOT_OFFSET);
    }

    /**
     * @param b an entry.
     * @return the revision that wrote the root page.
     */
    public static long rootRevision(final DirectBuffer b)
    {
        return b.getLong(ROOT_REVISION_OFFSET);
    }

    /**
     * @param b an entry.
     * @return the entry count.
     */
    public static long size(final DirectBuffer b)
    {
        return b.getLong(SIZE_OFFSET);
    }
}
