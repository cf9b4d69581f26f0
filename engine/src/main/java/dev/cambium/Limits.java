package dev.cambium;

import dev.cambium.btree.NodeLayout;

/**
 * The size limits of keys, values and tree names.
 */
public final class Limits
{
    /** The largest value, in bytes: {@code 2^31 - 1} (values are Java arrays). */
    public static final int MAX_VALUE_LENGTH = Integer.MAX_VALUE;

    /** The smallest page size. */
    public static final int MIN_PAGE_SIZE = 512;

    /** The largest page size. */
    public static final int MAX_PAGE_SIZE = 65536;

    /** The default page size. */
    public static final int DEFAULT_PAGE_SIZE = 4096;

    private Limits()
    {
    }

    /**
     * The longest key (and tree name, in UTF-8 bytes) at a page size. Chosen so that any three
     * entries fit in one page, which keeps every split and merge well defined: 1322 bytes at 4 KiB,
     * 128 at 512 B.
     *
     * @param pageSize a page size, a power of two from {@link #MIN_PAGE_SIZE} to {@link #MAX_PAGE_SIZE}.
     * @return the maximum key length in bytes.
     */
    public static int maxKeyLength(final int pageSize)
    {
        return NodeLayout.maxKeyLength(pageSize);
    }
}
