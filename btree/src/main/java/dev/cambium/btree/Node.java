package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static dev.cambium.btree.NodeLayout.BRANCH_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.BRANCH_COUNT_OFFSET;
import static dev.cambium.btree.NodeLayout.BRANCH_KEY_LENGTH_OFFSET;
import static dev.cambium.btree.NodeLayout.BRANCH_REVISION_OFFSET;
import static dev.cambium.btree.NodeLayout.CELL_START_OFFSET;
import static dev.cambium.btree.NodeLayout.FRAGMENTED_OFFSET;
import static dev.cambium.btree.NodeLayout.HEADER_LENGTH;
import static dev.cambium.btree.NodeLayout.LEAF_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.LEAF_FLAG_OVERFLOW;
import static dev.cambium.btree.NodeLayout.OVERFLOW_POINTER_LENGTH;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * Flyweight over a leaf or branch page (see {@link NodeLayout} for the page layout).
 *
 * <pre>
 *  Leaf cell:   | u16 key length | u8 flags | u32 value length | key | value, or overflow pointer |
 *               overflow pointer: | u64 first overflow page id | u64 revision that wrote the chain |
 *  Branch cell: | u64 child page id | u64 child's revision | u64 entries in child's subtree | u16 key length | key |
 * </pre>
 *
 * <p>In a branch with n cells, cell i points to the subtree of keys k with key(i) &lt;= k &lt;
 * key(i+1); the key of cell 0 is always empty and stands for minus infinity.
 *
 * <p>Every offset and length read from the page is checked against the page bounds before it is
 * used, so a damaged page (one whose checksum happens to match, or in {@code EVERY_READ}-less
 * configurations) raises the reader's corruption exception instead of an out-of-bounds error.
 *
 * <p>Not thread-safe: one flyweight per transaction and tree level.
 */
final class Node
{
    final UnsafeBuffer buf = new UnsafeBuffer(0, 0);
    private long pageId;
    private int pageSize;
    private PageReader pages;
    private UnsafeBuffer scratch;

    /**
     * Wraps a committed or private page for reading.
     *
     * @param expectedRevision the revision the pointer to the page records; the page's header must hold it.
     */
    Node wrap(final PageReader pages, final long pageId, final long expectedRevision)
    {
        this.pages = pages;
        this.pageId = pageId;
        this.pageSize = pages.pageSize();
        pages.wrap(pageId, expectedRevision, buf);
        checkHeader();
        return this;
    }

    Node wrapWritable(final PageWriter pages, final long pageId)
    {
        this.pages = pages;
        this.pageId = pageId;
        this.pageSize = pages.pageSize();
        pages.wrapWritable(pageId, buf);
        return this;
    }

    /** Wraps a scratch copy of page {@code pageId} (used while rebuilding that page in place). */
    Node wrapScratch(final PageReader pages, final long pageId, final UnsafeBuffer copy)
    {
        this.pages = pages;
        this.pageId = pageId;
        this.pageSize = pages.pageSize();
        buf.wrap(copy, 0, pageSize);
        return this;
    }

    /** Validates the header of a page wrapped for writing (a committed page copied unread). */
    Node check()
    {
        checkHeader();
        return this;
    }

    private void checkHeader()
    {
        final byte type = buf.getByte(PageHeader.TYPE_OFFSET);
        if (type != PageHeader.TYPE_LEAF && type != PageHeader.TYPE_BRANCH)
        {
            throw corrupt("expected a leaf or branch page, found type " + type);
        }
        final int n = count();
        final int cellStart = cellStart();
        if (HEADER_LENGTH + n * SLOT_SIZE > cellStart || cellStart > pageSize)
        {
            throw corrupt("slot array (" + n + " slots) overlaps the cell area at " + cellStart);
        }
        if (type == PageHeader.TYPE_BRANCH && n == 0)
        {
            throw corrupt("branch page without children");
        }
    }

    RuntimeException corrupt(final String problem)
    {
        return pages.corrupt(pageId, problem);
    }

    long pageId()
    {
        return pageId;
    }

    /** Initialises an empty node of the given type in a private page. */
    void init(final byte type)
    {
        buf.putByte(PageHeader.TYPE_OFFSET, type);
        buf.putByte(PageHeader.FLAGS_OFFSET, (byte)0);
        buf.putShort(PageHeader.COUNT_OFFSET, (short)0);
        buf.putShort(CELL_START_OFFSET, (short)pageSize);
        buf.putShort(FRAGMENTED_OFFSET, (short)0);
        buf.putInt(NodeLayout.RESERVED_OFFSET, 0);
    }

    boolean isLeaf()
    {
        return buf.getByte(PageHeader.TYPE_OFFSET) == PageHeader.TYPE_LEAF;
    }

    int count()
    {
        return buf.getShort(PageHeader.COUNT_OFFSET) & 0xFFFF;
    }

    private void count(final int n)
    {
        buf.putShort(PageHeader.COUNT_OFFSET, (short)n);
    }

    private int cellStart()
    {
        final int v = buf.getShort(CELL_START_OFFSET) & 0xFFFF;
        return v == 0 ? 65536 : v; // a 64 KiB page stores its end as 0
    }

    private void cellStart(final int v)
    {
        buf.putShort(CELL_START_OFFSET, (short)v);
    }

    private int fragmented()
    {
        return buf.getShort(FRAGMENTED_OFFSET) & 0xFFFF;
    }

    private void fragmented(final int v)
    {
        buf.putShort(FRAGMENTED_OFFSET, (short)v);
    }

    /** Capacity of an empty node for cells and slots. */
    int capacity()
    {
        return pageSize - HEADER_LENGTH;
    }

    /** Bytes used by cells and slots. */
    int used()
    {
        return pageSize - cellStart() - fragmented() + count() * SLOT_SIZE;
    }

    int free()
    {
        return capacity() - used();
    }

    int cellOffset(final int i)
    {
        final int off = buf.getShort(HEADER_LENGTH + i * SLOT_SIZE) & 0xFFFF;
        if (off < HEADER_LENGTH || off > pageSize - (isLeaf() ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD))
        {
            throw corrupt("slot " + i + " points outside the page: " + off);
        }
        return off;
    }

    // ---------------------------------------------------------------- keys

    int keyLength(final int i)
    {
        final int off = cellOffset(i);
        return keyLengthAt(off);
    }

    private int keyLengthAt(final int off)
    {
        final boolean leaf = isLeaf();
        final int len = buf.getShort(off + (leaf ? 0 : BRANCH_KEY_LENGTH_OFFSET)) & 0xFFFF;
        final int overhead = leaf ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD;
        if (off + overhead + len > pageSize)
        {
            throw corrupt("key at " + off + " of length " + len + " runs past the page end");
        }
        if (len == 0 && leaf)
        {
            // Stored keys are never empty (only a branch's first separator is); handing one out would make the
            // caller's next lookup with it fail as a bad argument instead of as damage.
            throw corrupt("empty key at " + off);
        }
        return len;
    }

    int keyOffset(final int i)
    {
        return cellOffset(i) + (isLeaf() ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD);
    }

    /** Compares the key of cell i with the given key, unsigned lexicographically. */
    int compareKey(final int i, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        final int off = cellOffset(i);
        final int len = keyLengthAt(off);
        return compare(buf, off + (isLeaf() ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD), len, key, keyOff, keyLen);
    }

    /**
     * Unsigned lexicographic comparison, eight bytes at a time.
     */
    static int compare(
        final DirectBuffer a, final int aOff, final int aLen, final DirectBuffer b, final int bOff, final int bLen)
    {
        final int min = Math.min(aLen, bLen);
        int i = 0;
        for (; i + 8 <= min; i += 8)
        {
            final long x = a.getLong(aOff + i, ByteOrder.BIG_ENDIAN);
            final long y = b.getLong(bOff + i, ByteOrder.BIG_ENDIAN);
            if (x != y)
            {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < min; i++)
        {
            final int x = a.getByte(aOff + i) & 0xFF;
            final int y = b.getByte(bOff + i) & 0xFF;
            if (x != y)
            {
                return x - y;
            }
        }
        return Integer.compare(aLen, bLen);
    }

    /**
     * The separator between two adjacent leaves: the length of the shortest prefix s of {@code first} with
     * last &lt; s &lt;= first (one byte past the keys' common prefix), given last &lt; first.
     */
    static int separatorLength(final DirectBuffer last, final int lastOff, final int lastLen,
        final DirectBuffer first, final int firstOff, final int firstLen)
    {
        int common = 0;
        final int min = Math.min(lastLen, firstLen);
        while (common < min && last.getByte(lastOff + common) == first.getByte(firstOff + common))
        {
            common++;
        }
        return Math.min(common + 1, firstLen);
    }

    /**
     * The head of a key: its first four bytes as a big-endian unsigned int, zero-padded. Heads order
     * like their keys wherever they differ (a shorter key padded with zeros is a prefix of the longer).
     */
    static int head(final DirectBuffer key, final int off, final int len)
    {
        if (len >= 4)
        {
            return key.getInt(off, ByteOrder.BIG_ENDIAN);
        }
        int h = 0;
        for (int i = 0; i < 4; i++)
        {
            h = (h << 8) | (i < len ? key.getByte(off + i) & 0xFF : 0);
        }
        return h;
    }

    int slotHead(final int i)
    {
        return buf.getInt(HEADER_LENGTH + i * SLOT_SIZE + NodeLayout.SLOT_HEAD_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Compares the key of cell i with a key whose head is {@code keyHead}: by heads first, reading the
     * cell only when they tie.
     */
    private int compareWithHead(final int i, final int keyHead, final DirectBuffer key, final int keyOff,
        final int keyLen)
    {
        final int c = Integer.compareUnsigned(slotHead(i), keyHead);
        return c != 0 ? c : compareKey(i, key, keyOff, keyLen);
    }

    /**
     * Leaf search.
     *
     * @return the index of the key if present, else {@code -(insertionPoint + 1)}.
     */
    int search(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        final int h = head(key, keyOff, keyLen);
        int lo = 0;
        int hi = count() - 1;
        if (hi >= 0)
        {
            // Keys in ascending order (ids, time series, loads in key order) land past the last key: one comparison
            // instead of a binary search whose keys, sharing their first bytes, all tie on the slot heads.
            final int c = compareWithHead(hi, h, key, keyOff, keyLen);
            if (c < 0)
            {
                return -(hi + 2);
            }
            if (c == 0)
            {
                return hi;
            }
            hi--;
        }
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            final int c = compareWithHead(mid, h, key, keyOff, keyLen);
            if (c < 0)
            {
                lo = mid + 1;
            }
            else if (c > 0)
            {
                hi = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * Branch search.
     *
     * @return the index of the child whose subtree may hold the key: the largest i with key(i) &lt;= key,
     * treating key(0) as minus infinity.
     */
    int childIndex(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        final int h = head(key, keyOff, keyLen);
        int lo = 1;
        int hi = count() - 1;
        if (hi >= 1)
        {
            // As in search: a key at or past the last separator goes to the last child after one comparison.
            if (compareWithHead(hi, h, key, keyOff, keyLen) <= 0)
            {
                return hi;
            }
            hi--;
        }
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (compareWithHead(mid, h, key, keyOff, keyLen) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return lo - 1;
    }

    // ---------------------------------------------------------------- leaf cells

    boolean isOverflow(final int i)
    {
        return (buf.getByte(cellOffset(i) + 2) & LEAF_FLAG_OVERFLOW) != 0;
    }

    int valueLength(final int i)
    {
        final int len = buf.getInt(cellOffset(i) + 3);
        if (len < 0)
        {
            throw corrupt("negative value length in cell " + i);
        }
        return len;
    }

    /** Offset of the inline value (or of the overflow page id) of leaf cell i. */
    int valueOffset(final int i)
    {
        final int off = cellOffset(i);
        final int keyLen = keyLengthAt(off);
        final int valueOff = off + LEAF_CELL_OVERHEAD + keyLen;
        final boolean overflow = (buf.getByte(off + 2) & LEAF_FLAG_OVERFLOW) != 0;
        final long stored = overflow ? OVERFLOW_POINTER_LENGTH : (buf.getInt(off + 3) & 0xFFFFFFFFL);
        if (valueOff + stored > pageSize)
        {
            throw corrupt("value of cell " + i + " runs past the page end");
        }
        return valueOff;
    }

    /**
     * Overwrites the value of leaf cell i in place if it is stored inline with exactly {@code len} bytes: the cell
     * keeps its size and place, so nothing in the page moves (an update of a fixed-size value).
     *
     * @return false, changing nothing, if the cell's value is an overflow chain or of another length.
     */
    boolean replaceInlineValue(final int i, final DirectBuffer value, final int off, final int len)
    {
        if (isOverflow(i) || valueLength(i) != len)
        {
            return false;
        }
        if (len > 0)
        {
            buf.putBytes(valueOffset(i), value, off, len);
        }
        return true;
    }

    long overflowPage(final int i)
    {
        return buf.getLong(valueOffset(i));
    }

    /** The revision that wrote the overflow chain of leaf cell i (the revision in each of its pages' headers). */
    long overflowRevision(final int i)
    {
        return buf.getLong(valueOffset(i) + 8);
    }

    /** Points leaf cell i, an overflow cell, at a chain whose pages {@code revision} wrote. */
    void overflow(final int i, final long firstPage, final long revision)
    {
        final int off = valueOffset(i);
        buf.putLong(off, firstPage);
        buf.putLong(off + 8, revision);
    }

    int leafCellSize(final int i)
    {
        final int off = cellOffset(i);
        final int keyLen = keyLengthAt(off);
        final boolean overflow = (buf.getByte(off + 2) & LEAF_FLAG_OVERFLOW) != 0;
        final long size = LEAF_CELL_OVERHEAD + keyLen
            + (overflow ? OVERFLOW_POINTER_LENGTH : (buf.getInt(off + 3) & 0xFFFFFFFFL));
        if (off + size > pageSize)
        {
            throw corrupt("cell " + i + " runs past the page end");
        }
        return (int)size;
    }

    // ---------------------------------------------------------------- branch cells

    long child(final int i)
    {
        return buf.getLong(cellOffset(i));
    }

    /** The revision that wrote child i, as recorded when the cell was written. */
    long childRevision(final int i)
    {
        return buf.getLong(cellOffset(i) + BRANCH_REVISION_OFFSET);
    }

    /** Points cell i at a child page written by {@code revision}. */
    void child(final int i, final long pageId, final long revision)
    {
        final int off = cellOffset(i);
        buf.putLong(off, pageId);
        buf.putLong(off + BRANCH_REVISION_OFFSET, revision);
    }

    long childCount(final int i)
    {
        final long c = buf.getLong(cellOffset(i) + BRANCH_COUNT_OFFSET);
        if (c < 0)
        {
            throw corrupt("negative subtree count in cell " + i);
        }
        return c;
    }

    void childCount(final int i, final long count)
    {
        buf.putLong(cellOffset(i) + BRANCH_COUNT_OFFSET, count);
    }

    int branchCellSize(final int i)
    {
        return BRANCH_CELL_OVERHEAD + keyLength(i);
    }

    int cellSize(final int i)
    {
        return isLeaf() ? leafCellSize(i) : branchCellSize(i);
    }

    /** Sum of the subtree counts of cells [0, end). */
    long sumCounts(final int end)
    {
        long sum = 0;
        for (int i = 0; i < end; i++)
        {
            sum += childCount(i);
        }
        return sum;
    }

    // ---------------------------------------------------------------- mutation (private pages only)

    /**
     * Reserves room for a cell of {@code size} bytes whose key has head {@code keyHead} at slot index
     * {@code index}, compacting the page
     * if the free space is fragmented. The caller must have checked {@code size + SLOT_SIZE <= free()}.
     *
     * @return the offset at which the caller writes the cell.
     */
    int insertSlot(final int index, final int size, final int keyHead)
    {
        final int n = count();
        final int slotEnd = HEADER_LENGTH + (n + 1) * SLOT_SIZE;
        if (cellStart() - size < slotEnd)
        {
            compact();
            if (cellStart() - size < slotEnd)
            {
                // The caller trusted free(), which trusts the header's cell start and fragmented bytes: a damaged
                // page can claim room it does not have.
                throw corrupt("page is fuller than its header says (cell start or fragmented bytes damaged)");
            }
        }
        final int off = cellStart() - size;
        final int slotPos = HEADER_LENGTH + index * SLOT_SIZE;
        if (index < n)
        {
            buf.putBytes(slotPos + SLOT_SIZE, buf, slotPos, (n - index) * SLOT_SIZE);
        }
        buf.putShort(slotPos, (short)off);
        buf.putInt(slotPos + NodeLayout.SLOT_HEAD_OFFSET, keyHead, ByteOrder.BIG_ENDIAN);
        cellStart(off);
        count(n + 1);
        return off;
    }

    /** Removes slot index; its cell's bytes become fragmented space. */
    void removeSlot(final int index)
    {
        final int n = count();
        final int size = cellSize(index);
        final int off = cellOffset(index);
        final int slotPos = HEADER_LENGTH + index * SLOT_SIZE;
        buf.putBytes(slotPos, buf, slotPos + SLOT_SIZE, (n - index - 1) * SLOT_SIZE);
        count(n - 1);
        if (off == cellStart())
        {
            cellStart(off + size); // the lowest cell: give its bytes straight back
        }
        else
        {
            fragmented(fragmented() + size);
        }
        if (n - 1 == 0)
        {
            cellStart(pageSize);
            fragmented(0);
        }
    }

    /** Rewrites the cells contiguously at the page end, removing holes. */
    void compact()
    {
        final int n = count();
        if (scratch == null || scratch.capacity() < pageSize)
        {
            scratch = new UnsafeBuffer(new byte[pageSize]);
        }
        // Sizes come from the cells, each checked to lie inside the page; together they must fit beside the slots,
        // which a damaged page copied from the file need not respect.
        long total = 0;
        for (int i = 0; i < n; i++)
        {
            total += cellSize(i);
        }
        if (HEADER_LENGTH + (long)n * SLOT_SIZE + total > pageSize)
        {
            throw corrupt("cells of " + total + " bytes and " + n + " slots overflow the page");
        }
        final UnsafeBuffer old = scratch;
        old.putBytes(0, buf, 0, pageSize);
        int end = pageSize;
        for (int i = 0; i < n; i++)
        {
            final int off = old.getShort(HEADER_LENGTH + i * SLOT_SIZE) & 0xFFFF;
            final int size = cellSize(old, off);
            end -= size;
            buf.putBytes(end, old, off, size);
            buf.putShort(HEADER_LENGTH + i * SLOT_SIZE, (short)end);
        }
        cellStart(end);
        fragmented(0);
    }

    /** Size of the cell at {@code off} of {@code page}, a copy of this page whose cells were checked already. */
    private int cellSize(final UnsafeBuffer page, final int off)
    {
        return isLeaf()
            ? LEAF_CELL_OVERHEAD + (page.getShort(off) & 0xFFFF) +
                ((page.getByte(off + 2) & LEAF_FLAG_OVERFLOW) != 0 ? OVERFLOW_POINTER_LENGTH : page.getInt(off + 3))
            : BRANCH_CELL_OVERHEAD + (page.getShort(off + BRANCH_KEY_LENGTH_OFFSET) & 0xFFFF);
    }

    /** Appends a copy of cell i of {@code from} at the end of this node; returns the new cell's offset. */
    int appendCellFrom(final Node from, final int i)
    {
        final int size = from.cellSize(i);
        final int off = insertSlot(count(), size, from.slotHead(i));
        buf.putBytes(off, from.buf, from.cellOffset(i), size);
        return off;
    }

    /** Writes a leaf cell with an inline value at slot index; the caller checked it fits. */
    void insertLeafInline(
        final int index, final DirectBuffer key, final int keyOff, final int keyLen,
        final DirectBuffer value, final int valueOff, final int valueLen)
    {
        final int off = insertSlot(index, LEAF_CELL_OVERHEAD + keyLen + valueLen, head(key, keyOff, keyLen));
        buf.putShort(off, (short)keyLen);
        buf.putByte(off + 2, (byte)0);
        buf.putInt(off + 3, valueLen);
        buf.putBytes(off + LEAF_CELL_OVERHEAD, key, keyOff, keyLen);
        if (valueLen > 0)
        {
            buf.putBytes(off + LEAF_CELL_OVERHEAD + keyLen, value, valueOff, valueLen);
        }
    }

    /** Writes a leaf cell whose value lives on an overflow chain; the caller checked it fits. */
    void insertLeafOverflow(
        final int index, final DirectBuffer key, final int keyOff, final int keyLen,
        final int valueLen, final long firstOverflowPage, final long chainRevision)
    {
        final int off = insertSlot(index, LEAF_CELL_OVERHEAD + keyLen + OVERFLOW_POINTER_LENGTH,
            head(key, keyOff, keyLen));
        buf.putShort(off, (short)keyLen);
        buf.putByte(off + 2, (byte)LEAF_FLAG_OVERFLOW);
        buf.putInt(off + 3, valueLen);
        buf.putBytes(off + LEAF_CELL_OVERHEAD, key, keyOff, keyLen);
        buf.putLong(off + LEAF_CELL_OVERHEAD + keyLen, firstOverflowPage);
        buf.putLong(off + LEAF_CELL_OVERHEAD + keyLen + 8, chainRevision);
    }

    /** Writes a branch cell at slot index; the caller checked it fits. */
    void insertBranch(
        final int index, final long child, final long childRevision, final long count,
        final DirectBuffer key, final int keyOff, final int keyLen)
    {
        final int off = insertSlot(index, BRANCH_CELL_OVERHEAD + keyLen, head(key, keyOff, keyLen));
        buf.putLong(off, child);
        buf.putLong(off + BRANCH_REVISION_OFFSET, childRevision);
        buf.putLong(off + BRANCH_COUNT_OFFSET, count);
        buf.putShort(off + BRANCH_KEY_LENGTH_OFFSET, (short)keyLen);
        if (keyLen > 0)
        {
            buf.putBytes(off + BRANCH_CELL_OVERHEAD, key, keyOff, keyLen);
        }
    }
}
