package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.cambium.btree.NodeLayout.BRANCH_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.BRANCH_COUNT_OFFSET;
import static dev.cambium.btree.NodeLayout.BRANCH_KEY_LENGTH_OFFSET;
import static dev.cambium.btree.NodeLayout.BRANCH_REVISION_OFFSET;
import static dev.cambium.btree.NodeLayout.CELL_START_OFFSET;
import static dev.cambium.btree.NodeLayout.HEADER_LENGTH;
import static dev.cambium.btree.NodeLayout.LEAF_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.LEAF_FLAG_OVERFLOW;
import static dev.cambium.btree.NodeLayout.OVERFLOW_POINTER_LENGTH;
import static dev.cambium.btree.NodeLayout.SLOT_HEAD_OFFSET;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * The readers' flyweight over a leaf or branch page (layout in {@link Node} and {@link NodeLayout}): lookups and
 * cursors read through this, the writer through {@link Node}.
 *
 * <p>The header is checked once, when the page is wrapped (type, count, the slot array inside the page), and
 * kept in fields, so no later access reads it again. Fields are read with plain memory loads
 * ({@link UnsafeApi}) rather than through the buffer's bounds checks; every offset and length taken from the
 * page is checked against the page before anything is read through it, so a damaged page still raises the
 * reader's corruption exception and never reads outside its own bytes:
 * <ul>
 *     <li>point lookups check only the cells they touch ({@link #cellOffset}, {@link #keyLengthAt},
 *     {@link #loadValue});</li>
 *     <li>a cursor entering a leaf checks every cell at once ({@link #validateLeaf}) and keeps each cell's
 *     offset and lengths in {@link #cells}, a heap array: its steps then read only that array and the key and
 *     value bytes inside the bounds it recorded, never an offset or length from the page again, so a page
 *     changed under the cursor (by a process ignoring the file lock) cannot move a read out of the page.</li>
 * </ul>
 *
 * <p>Not thread-safe: one flyweight per transaction and tree level.
 */
final class ReadNode
{
    /** Bits of a {@link #cells} entry: cell offset (16), key length (16), value length or its complement (32). */
    private static final int KEY_LENGTH_SHIFT = 32;
    private static final int OFFSET_SHIFT = 48;
    /** Shared by every node until it first enters a leaf: most nodes (branches, lookups) never need cells. */
    private static final long[] NO_CELLS = new long[0];

    final UnsafeBuffer buf = new UnsafeBuffer(0, 0);
    private PageReader pages;
    private long pageId;
    private int pageSize;
    private byte[] array;
    private long address;
    private boolean leaf;
    private int count;
    /** The largest valid cell offset: the page size less the fixed part of a cell. */
    private int maxCellOffset;
    /** Where the cell area begins (checked at wrap to lie after the slot array and inside the page). */
    private int cellStart;
    /** The sum of the loads of {@link #touchCellArea}: stored so that the compiler keeps the loads. */
    @SuppressWarnings("unused")
    private long touched;
    /**
     * After {@link #validateLeaf}: per cell, offset, key length and value length (the complement of the value
     * length for a value on overflow pages), packed as in {@link #cell}.
     */
    long[] cells = NO_CELLS;

    /**
     * Wraps a committed or private page and checks its header.
     *
     * @param expectedRevision the revision the pointer to the page records; the page's header must hold it.
     */
    ReadNode wrap(final PageReader pages, final long pageId, final long expectedRevision)
    {
        this.pages = pages;
        this.pageId = pageId;
        this.pageSize = pages.pageSize();
        pages.wrap(pageId, expectedRevision, buf);
        this.array = buf.byteArray();
        this.address = buf.addressOffset();
        checkHeader();
        return this;
    }

    private void checkHeader()
    {
        if (buf.capacity() < pageSize)
        {
            throw corrupt("page view of " + buf.capacity() + " bytes is shorter than a page");
        }
        final byte type = UnsafeApi.getByte(array, address + PageHeader.TYPE_OFFSET);
        if (type != PageHeader.TYPE_LEAF && type != PageHeader.TYPE_BRANCH)
        {
            throw corrupt("expected a leaf or branch page, found type " + type);
        }
        final int n = u16(PageHeader.COUNT_OFFSET);
        final int stored = u16(CELL_START_OFFSET);
        final int cellStart = stored == 0 ? 65536 : stored; // a 64 KiB page stores its end as 0
        if (HEADER_LENGTH + n * SLOT_SIZE > cellStart || cellStart > pageSize)
        {
            throw corrupt("slot array (" + n + " slots) overlaps the cell area at " + cellStart);
        }
        leaf = type == PageHeader.TYPE_LEAF;
        if (!leaf && n == 0)
        {
            throw corrupt("branch page without children");
        }
        count = n;
        this.cellStart = cellStart;
        maxCellOffset = pageSize - (leaf ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD);
    }

    RuntimeException corrupt(final String problem)
    {
        return pages.corrupt(pageId, problem);
    }

    boolean isLeaf()
    {
        return leaf;
    }

    long pageId()
    {
        return pageId;
    }

    int count()
    {
        return count;
    }

    private int u16(final int off)
    {
        return UnsafeApi.getShort(array, address + off) & 0xFFFF;
    }

    private int i32(final int off)
    {
        return UnsafeApi.getIntUnaligned(array, address + off);
    }

    private long i64(final int off)
    {
        return UnsafeApi.getLongUnaligned(array, address + off);
    }

    int slotHead(final int i)
    {
        return UnsafeApi.getIntUnaligned(array, address + HEADER_LENGTH + i * SLOT_SIZE + SLOT_HEAD_OFFSET, true);
    }

    /** Offset of cell i ({@code i < count()}, inside the slot array checked at wrap), checked to lie in the page. */
    int cellOffset(final int i)
    {
        final int off = u16(HEADER_LENGTH + i * SLOT_SIZE);
        if (off < HEADER_LENGTH || off > maxCellOffset)
        {
            throw corrupt("slot " + i + " points outside the page: " + off);
        }
        return off;
    }

    /** Key length of the cell at {@code off} (a checked cell offset), checked to end inside the page. */
    int keyLengthAt(final int off)
    {
        final int len = u16(leaf ? off : off + BRANCH_KEY_LENGTH_OFFSET);
        if (off + (leaf ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD) + len > pageSize)
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

    private int keyOffsetAt(final int off)
    {
        return off + (leaf ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD);
    }

    /** Compares the key of cell i with a key in raw memory, unsigned lexicographically. */
    private int compareKey(final int i, final byte[] keyArray, final long keyAddress, final int keyLen)
    {
        final int off = cellOffset(i);
        final int len = keyLengthAt(off);
        return Keys.compare(array, address + keyOffsetAt(off), len, keyArray, keyAddress, keyLen);
    }

    /**
     * Leaf search by key heads, reading a cell only where heads tie.
     *
     * @return the index of the key if present, else {@code -(insertionPoint + 1)}.
     */
    int search(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        key.boundsCheck(keyOff, keyLen);
        final byte[] keyArray = key.byteArray();
        final long keyAddress = key.addressOffset() + keyOff;
        final int h = Keys.head(keyArray, keyAddress, keyLen);
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(slotHead(mid), h);
            if (c == 0)
            {
                c = compareKey(mid, keyArray, keyAddress, keyLen);
            }
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
     * @return the largest i with key(i) &lt;= key, treating key(0) as minus infinity.
     */
    int childIndex(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        key.boundsCheck(keyOff, keyLen);
        final byte[] keyArray = key.byteArray();
        final long keyAddress = key.addressOffset() + keyOff;
        final int h = Keys.head(keyArray, keyAddress, keyLen);
        int lo = 1;
        int hi = count - 1;
        while (lo <= hi)
        {
            final int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(slotHead(mid), h);
            if (c == 0)
            {
                c = compareKey(mid, keyArray, keyAddress, keyLen);
            }
            if (c <= 0)
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

    // ---------------------------------------------------------------- branch cells

    long child(final int i)
    {
        return i64(cellOffset(i));
    }

    long childRevision(final int i)
    {
        return i64(cellOffset(i) + BRANCH_REVISION_OFFSET);
    }

    long childCount(final int i)
    {
        final long c = i64(cellOffset(i) + BRANCH_COUNT_OFFSET);
        if (c < 0)
        {
            throw corrupt("negative subtree count in cell " + i);
        }
        return c;
    }

    /**
     * The page id child i points to, for a prefetch hint only: -1 if i is not a cell of this branch or its slot
     * points outside the page. Checks no more than that and never throws; the id is not validated.
     */
    long childHint(final int i)
    {
        if (i < 0 || i >= count)
        {
            return -1;
        }
        final int off = u16(HEADER_LENGTH + i * SLOT_SIZE);
        return off < HEADER_LENGTH || off > maxCellOffset ? -1 : i64(off);
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

    // ---------------------------------------------------------------- leaf cells, checked one at a time

    /**
     * Checks leaf cell i (its key and its value, or overflow pointer, inside the page) and returns it packed as
     * in {@link #cell}. For point lookups, which touch one cell of the leaf.
     */
    long loadCell(final int i)
    {
        final int off = cellOffset(i);
        final int keyLen = keyLengthAt(off);
        final int valueLen = i32(off + 3);
        if (valueLen < 0)
        {
            throw corrupt("negative value length in cell " + i);
        }
        final boolean overflow = (UnsafeApi.getByte(array, address + off + 2) & LEAF_FLAG_OVERFLOW) != 0;
        final long stored = overflow ? OVERFLOW_POINTER_LENGTH : valueLen;
        if (off + LEAF_CELL_OVERHEAD + keyLen + stored > pageSize)
        {
            throw corrupt("value of cell " + i + " runs past the page end");
        }
        return cell(off, keyLen, overflow ? ~valueLen : valueLen);
    }

    /**
     * Checks every cell of this leaf once (what {@link #loadCell} checks for one) and records them in
     * {@link #cells}, so that a cursor steps through the leaf reading no offset or length from the page again.
     */
    void validateLeaf()
    {
        if (cells.length < count)
        {
            // Twice what is needed, up to what a page can hold: the leaves of a scan vary in count, and growing
            // at each fuller one would allocate several arrays per scan.
            cells = new long[Math.max(count,
                Math.min(2 * Math.max(count, cells.length), (pageSize - HEADER_LENGTH) / SLOT_SIZE))];
        }
        touchCellArea();
        final long[] c = cells;
        for (int i = 0; i < count; i++)
        {
            c[i] = loadCell(i);
        }
    }

    /**
     * Loads one word of every cache line of the cell area, in address order, before the cells are read in key
     * order. A leaf filled by random inserts holds its cells in no particular order of address, so reading them
     * in key order misses the cache once per cell in an order the hardware prefetcher cannot follow; these
     * loads are independent and ascending, so the memory system fetches the lines in parallel and the reads
     * that follow find them in the cache. Reads only inside the page: the cell area was checked at wrap to lie
     * in {@code [cellStart, pageSize)}, and the view to hold at least a page.
     */
    private void touchCellArea()
    {
        long sum = 0;
        // The lines of the slot array after the header's (which wrap read): checked at wrap to end by cellStart.
        final int cellLine = cellStart & ~63;
        final int slotsEnd = HEADER_LENGTH + count * SLOT_SIZE;
        for (int off = 64; off < slotsEnd && off < cellLine; off += 64)
        {
            sum += UnsafeApi.getLong(array, address + off);
        }
        // Cache-line aligned from the line holding cellStart (still inside the page: cellStart >= the header).
        for (int off = cellLine; off + Long.BYTES <= pageSize; off += 64)
        {
            sum += UnsafeApi.getLong(array, address + off);
        }
        touched = sum;
    }

    static long cell(final int off, final int keyLen, final int value)
    {
        return ((long)off << OFFSET_SHIFT) | ((long)keyLen << KEY_LENGTH_SHIFT) | (value & 0xFFFFFFFFL);
    }

    static int cellOffsetOf(final long cell)
    {
        return (int)(cell >>> OFFSET_SHIFT);
    }

    static int keyLengthOf(final long cell)
    {
        return (int)(cell >>> KEY_LENGTH_SHIFT) & 0xFFFF;
    }

    /** The value length of a packed cell, complemented (negative) for a value on overflow pages. */
    static int valueOf(final long cell)
    {
        return (int)cell;
    }

    static int keyOffsetOf(final long cell)
    {
        return cellOffsetOf(cell) + LEAF_CELL_OVERHEAD;
    }

    static int valueOffsetOf(final long cell)
    {
        return keyOffsetOf(cell) + keyLengthOf(cell);
    }

    /** The first overflow page of a packed (checked) cell whose value is on overflow pages. */
    long overflowPage(final long cell)
    {
        return i64(valueOffsetOf(cell));
    }

    /** The revision that wrote the overflow chain of a packed (checked) cell. */
    long overflowRevision(final long cell)
    {
        return i64(valueOffsetOf(cell) + 8);
    }

    /** Compares the keys of two packed (checked) cells of this leaf. */
    int compareCells(final long a, final long b)
    {
        return Keys.compare(array, address + keyOffsetOf(a), keyLengthOf(a), array, address + keyOffsetOf(b),
            keyLengthOf(b));
    }

    /** Compares the key of a packed (checked) cell with a key, unsigned lexicographically. */
    int compareCell(final long cell, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        key.boundsCheck(keyOff, keyLen);
        return Keys.compare(array, address + keyOffsetOf(cell), keyLengthOf(cell), key.byteArray(),
            key.addressOffset() + keyOff, keyLen);
    }
}
