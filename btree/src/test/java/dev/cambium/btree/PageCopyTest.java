package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PageCopy} reads a leaf's or branch's header, slots and cell area, and zeroes the gap between them, whatever
 * the destination held; any other page, and one whose header does not describe that layout, is copied whole.
 */
class PageCopyTest
{
    private static final int PAGE_SIZE = 4096;

    @Test
    void shouldCopyHeaderSlotsAndCellsAndZeroTheGap()
    {
        final UnsafeBuffer leaf = leafWithStaleGap(40);
        final int slotEnd = NodeLayout.HEADER_LENGTH + 40 * NodeLayout.SLOT_SIZE;
        final int cellStart = leaf.getShort(NodeLayout.CELL_START_OFFSET) & 0xFFFF;
        assertTrue(slotEnd < cellStart, "the leaf has a gap");

        final UnsafeBuffer copy = garbage(PAGE_SIZE);
        PageCopy.copy(leaf, copy, PAGE_SIZE);

        final byte[] expected = bytes(leaf);
        Arrays.fill(expected, slotEnd, cellStart, (byte)0);
        assertArrayEquals(expected, bytes(copy));
        // And it is still the same node.
        final Node n = nodeOver(new MemoryPages(PAGE_SIZE), copy);
        assertEquals(40, n.count());
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 40; i++)
        {
            key.putLong(0, i, ByteOrder.BIG_ENDIAN);
            assertEquals(i, n.search(key, 0, 8));
        }
    }

    @Test
    void shouldCopyAFullLeafWhole()
    {
        final UnsafeBuffer leaf = new UnsafeBuffer(0, 0);
        final Node n = newLeaf(new MemoryPages(PAGE_SIZE), leaf);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[100]);
        int i = 0;
        while (n.free() >= NodeLayout.LEAF_CELL_OVERHEAD + 8 + 100 + NodeLayout.SLOT_SIZE)
        {
            key.putLong(0, i, ByteOrder.BIG_ENDIAN);
            n.insertLeafInline(i, key, 0, 8, value, 0, 100);
            i++;
        }
        final UnsafeBuffer copy = garbage(PAGE_SIZE);
        PageCopy.copy(leaf, copy, PAGE_SIZE);
        final byte[] expected = bytes(leaf);
        final int slotEnd = NodeLayout.HEADER_LENGTH + i * NodeLayout.SLOT_SIZE;
        final int cellStart = leaf.getShort(NodeLayout.CELL_START_OFFSET) & 0xFFFF;
        Arrays.fill(expected, slotEnd, cellStart, (byte)0);
        assertArrayEquals(expected, bytes(copy));
    }

    @Test
    void shouldCopyWholeAPageWhoseSlotsOverlapItsCells()
    {
        final UnsafeBuffer leaf = leafWithStaleGap(40);
        leaf.putShort(PageHeader.COUNT_OFFSET, (short)2000); // damaged: slots run past the cell area
        assertWholeCopy(leaf);
        final UnsafeBuffer other = leafWithStaleGap(40);
        other.putShort(NodeLayout.CELL_START_OFFSET, (short)10); // damaged: cells start inside the header
        assertWholeCopy(other);
    }

    @Test
    void shouldCopyWholeAPageThatIsNotALeafOrBranch()
    {
        final UnsafeBuffer overflow = garbage(PAGE_SIZE);
        overflow.putByte(PageHeader.TYPE_OFFSET, PageHeader.TYPE_OVERFLOW);
        assertWholeCopy(overflow);
    }

    @Test
    void shouldReadTheCellStartOfA64KiBPageAsItsEnd()
    {
        final int size = 65536;
        final MemoryPages pages = new MemoryPages(size);
        final UnsafeBuffer page = new UnsafeBuffer(0, 0);
        final Node n = newLeaf(pages, page);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[100]);
        n.insertLeafInline(0, key, 0, 8, value, 0, 100);
        final UnsafeBuffer copy = garbage(size);
        PageCopy.copy(page, copy, size);
        assertEquals(1, nodeOver(pages, copy).count());
        final int slotEnd = NodeLayout.HEADER_LENGTH + NodeLayout.SLOT_SIZE;
        final int cellStart = copy.getShort(NodeLayout.CELL_START_OFFSET) & 0xFFFF;
        for (int b = slotEnd; b < cellStart; b++)
        {
            assertEquals(0, copy.getByte(b), "gap byte " + b);
        }
    }

    /** A node over a new page of {@code pages}, and its buffer in {@code view}. */
    private static Node newLeaf(final MemoryPages pages, final UnsafeBuffer view)
    {
        final long id = pages.allocate();
        final Node n = new Node().wrapWritable(pages, id);
        n.init(PageHeader.TYPE_LEAF);
        pages.wrapWritable(id, view);
        return n;
    }

    /** Wraps a copy for reading as a node (the pages object only names it in messages). */
    private static Node nodeOver(final MemoryPages pages, final UnsafeBuffer copy)
    {
        return new Node().wrapScratch(pages, 2, copy).check();
    }

    private static void assertWholeCopy(final UnsafeBuffer page)
    {
        final UnsafeBuffer copy = garbage(PAGE_SIZE);
        PageCopy.copy(page, copy, PAGE_SIZE);
        assertArrayEquals(bytes(page), bytes(copy));
    }

    /** A leaf with {@code count} cells whose gap holds stale bytes (as a leaf whose slots were removed does). */
    private static UnsafeBuffer leafWithStaleGap(final int count)
    {
        final UnsafeBuffer page = new UnsafeBuffer(0, 0);
        final Node n = newLeaf(new MemoryPages(PAGE_SIZE), page);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < count; i++)
        {
            key.putLong(0, i, ByteOrder.BIG_ENDIAN);
            value.setMemory(0, 20, (byte)(i + 1));
            n.insertLeafInline(i, key, 0, 8, value, 0, 20);
        }
        final int slotEnd = NodeLayout.HEADER_LENGTH + count * NodeLayout.SLOT_SIZE;
        final int cellStart = page.getShort(NodeLayout.CELL_START_OFFSET) & 0xFFFF;
        page.setMemory(slotEnd, cellStart - slotEnd, (byte)0x77);
        return page;
    }

    private static UnsafeBuffer garbage(final int size)
    {
        final byte[] b = new byte[size];
        Arrays.fill(b, (byte)0x5A);
        return new UnsafeBuffer(b);
    }

    private static byte[] bytes(final UnsafeBuffer b)
    {
        final byte[] out = new byte[b.capacity()];
        b.getBytes(0, out);
        return out;
    }
}
