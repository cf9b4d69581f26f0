package dev.cambium.btree;

/**
 * Sizes shared by leaf and branch pages, and the limits they imply.
 *
 * <pre>
 *  Leaf and branch page (slotted):
 *  +------------------------------+  0
 *  | common header (PageHeader)   |
 *  +--------------+---------------+ 24
 *  | cell start   | frag. bytes   |    u16 lowest cell offset, u16 bytes lost to holes
 *  +--------------+---------------+ 28
 *  | reserved (u32, zero)         |
 *  +------------------------------+ 32
 *  | slot 0 | slot 1 | ...        |    6 bytes each, in key order: u16 cell offset,
 *  |                              |    u32 key head (first 4 key bytes, big-endian, zero-padded)
 *  +------------------------------+
 *  |        free space            |
 *  +------------------------------+ cell start
 *  | cells, in any order          |
 *  +------------------------------+ pageSize
 * </pre>
 *
 * <p>The longest key is chosen so that three cells of the largest size (plus their slots) fit in
 * one page: then a full page plus one new cell can always be split into two pages, and two
 * underfull siblings plus a separator can always be judged for merging.
 */
public final class NodeLayout
{
    /** Offset of the u16 lowest offset used by a cell. */
    public static final int CELL_START_OFFSET = PageHeader.LENGTH;
    /** Offset of the u16 count of bytes inside the cell area not used by any cell. */
    public static final int FRAGMENTED_OFFSET = PageHeader.LENGTH + 2;
    /** Offset of the reserved u32. */
    public static final int RESERVED_OFFSET = PageHeader.LENGTH + 4;
    /** Length of the leaf/branch header; the slot array starts here. */
    public static final int HEADER_LENGTH = PageHeader.LENGTH + 8;
    /**
     * Size of one slot: the u16 offset of its cell and the u32 head of its key. Binary search compares
     * heads inside the compact slot array and reads a cell only when heads tie, so a lookup touches
     * few cache lines of a page it has not seen before.
     */
    public static final int SLOT_SIZE = 6;
    /** Offset of the key head within a slot. */
    public static final int SLOT_HEAD_OFFSET = 2;

    /**
     * Branch cell: u64 child page id, u64 revision that wrote the child, u64 subtree entry count, u16 key length,
     * key bytes.
     */
    public static final int BRANCH_CELL_OVERHEAD = 26;
    /** Offset of the child page id within a branch cell. */
    public static final int BRANCH_CHILD_OFFSET = 0;
    /**
     * Offset of the child's revision within a branch cell: the revision in the child's header when the cell was
     * written. A read compares the two, so a lost or misdirected write of the child (an older valid version of the
     * page, or another page) is found instead of read.
     */
    public static final int BRANCH_REVISION_OFFSET = 8;
    /** Offset of the subtree entry count within a branch cell. */
    public static final int BRANCH_COUNT_OFFSET = 16;
    /** Offset of the u16 key length within a branch cell. */
    public static final int BRANCH_KEY_LENGTH_OFFSET = 24;
    /** Leaf cell: u16 key length, u8 flags, u32 value length, key bytes, value bytes or the overflow pointer. */
    public static final int LEAF_CELL_OVERHEAD = 7;
    /** Leaf cell flag: the value is on a chain of overflow pages whose pointer follows the key. */
    public static final int LEAF_FLAG_OVERFLOW = 1;
    /**
     * Bytes of a leaf cell's overflow pointer, in place of the value: u64 first overflow page id, u64 revision that
     * wrote the chain.
     */
    public static final int OVERFLOW_POINTER_LENGTH = 16;

    private NodeLayout()
    {
    }

    /**
     * @param pageSize the page size.
     * @return the largest cell, slot included, that a leaf or branch page accepts.
     */
    public static int maxCellWithSlot(final int pageSize)
    {
        return (pageSize - HEADER_LENGTH) / 3;
    }

    /**
     * @param pageSize the page size.
     * @return the longest key accepted at this page size.
     */
    public static int maxKeyLength(final int pageSize)
    {
        return Math.min(0xFFFF, maxCellWithSlot(pageSize) - SLOT_SIZE - BRANCH_CELL_OVERHEAD);
    }
}
