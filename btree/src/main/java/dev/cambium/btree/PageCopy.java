package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static dev.cambium.btree.NodeLayout.CELL_START_OFFSET;
import static dev.cambium.btree.NodeLayout.HEADER_LENGTH;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * Copies a committed page into a transaction's private page ({@link PageWriter#makePrivate}).
 *
 * <p><b>Design note.</b> The first change to a committed page in a transaction copies it, and the committed page is
 * usually a cold one: its bytes come from memory, not from a cache. A leaf or branch page holds nothing between the
 * end of its slot array and the start of its cell area (random inserts leave leaves about 81 % full), so only the
 * header and slots and the cell area are read; the gap is zeroed in the copy instead, which also keeps the bytes of
 * whatever page the private buffer held before out of the file. Any other page, and a leaf or branch whose header
 * does not describe a slot array ending at or before its cell area inside the page, is copied whole: the copy
 * never decides whether a page is damaged, the node's own check does that when it is read.
 */
public final class PageCopy
{
    private PageCopy()
    {
    }

    /**
     * Copies {@code pageSize} bytes of page {@code src} to {@code dst}, reading only the used parts of a leaf or
     * branch page and zeroing its free gap.
     *
     * @param src      the committed page, at least {@code pageSize} bytes.
     * @param dst      the private page, at least {@code pageSize} bytes.
     * @param pageSize the page size.
     */
    public static void copy(final DirectBuffer src, final MutableDirectBuffer dst, final int pageSize)
    {
        final byte type = src.getByte(PageHeader.TYPE_OFFSET);
        if (type == PageHeader.TYPE_LEAF || type == PageHeader.TYPE_BRANCH)
        {
            // The same fields, read the same way, as Node and ReadNode read them.
            final int slotEnd = HEADER_LENGTH + (src.getShort(PageHeader.COUNT_OFFSET) & 0xFFFF) * SLOT_SIZE;
            final int stored = src.getShort(CELL_START_OFFSET) & 0xFFFF;
            final int cellStart = stored == 0 ? 65536 : stored; // a 64 KiB page stores its end as 0
            if (slotEnd <= cellStart && cellStart <= pageSize)
            {
                dst.putBytes(0, src, 0, slotEnd);
                dst.setMemory(slotEnd, cellStart - slotEnd, (byte)0);
                dst.putBytes(cellStart, src, cellStart, pageSize - cellStart);
                return;
            }
        }
        dst.putBytes(0, src, 0, pageSize);
    }
}
