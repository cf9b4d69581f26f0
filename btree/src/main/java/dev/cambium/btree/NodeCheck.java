package dev.cambium.btree;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static dev.cambium.btree.NodeLayout.BRANCH_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.BRANCH_KEY_LENGTH_OFFSET;
import static dev.cambium.btree.NodeLayout.HEADER_LENGTH;
import static dev.cambium.btree.NodeLayout.LEAF_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.SLOT_HEAD_OFFSET;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * The key order of one leaf or branch page, checked where the page store verifies a page (its checksum, id and
 * revision): once per page and open with {@code FIRST_READ} verification, so the read path pays nothing for it
 * afterwards.
 *
 * <p>Binary search trusts the order of the slots and their key heads: in a page whose keys are out of order (a
 * damaged page whose checksum still matches, or one written by a faulty build) a lookup can miss a key that is
 * there, and a cursor can return keys out of order, without any error; before this check only
 * {@code Database.check()} noticed. Cost: one pass over the slots, comparing key heads (reading a key only when
 * two heads tie), next to the CRC32C of the whole page that verification computes anyway.
 *
 * <p>Stateless; any thread. Every offset is bounds-checked before it is read, so a hostile page gives a problem,
 * never an out-of-bounds access.
 */
public final class NodeCheck
{
    private NodeCheck()
    {
    }

    /**
     * Checks a leaf or branch page: its slot array lies inside the page, every slot's key lies inside the page,
     * a leaf's keys are not empty, each slot's key head matches its key, and the keys are strictly increasing (a
     * branch's from cell 1 on: its cell 0 stands for minus infinity). Pages of other types pass unchecked (their
     * readers check them).
     *
     * @param page     the page, at least {@code pageSize} bytes readable.
     * @param pageSize the page size.
     * @return null if the page passes, else what is wrong with it.
     */
    public static String keyOrderProblem(final DirectBuffer page, final int pageSize)
    {
        final byte type = page.getByte(PageHeader.TYPE_OFFSET);
        final boolean leaf = type == PageHeader.TYPE_LEAF;
        if (!leaf && type != PageHeader.TYPE_BRANCH)
        {
            return null;
        }
        final int n = page.getShort(PageHeader.COUNT_OFFSET) & 0xFFFF;
        if (HEADER_LENGTH + n * SLOT_SIZE > pageSize)
        {
            return "slot array (" + n + " slots) runs past the page end";
        }
        final int overhead = leaf ? LEAF_CELL_OVERHEAD : BRANCH_CELL_OVERHEAD;
        final int lengthAt = leaf ? 0 : BRANCH_KEY_LENGTH_OFFSET;
        int previousKey = -1;
        int previousLength = 0;
        int previousHead = 0;
        for (int i = leaf ? 0 : 1; i < n; i++)
        {
            final int slot = HEADER_LENGTH + i * SLOT_SIZE;
            final int off = page.getShort(slot) & 0xFFFF;
            if (off < HEADER_LENGTH || off > pageSize - overhead)
            {
                return "slot " + i + " points outside the page: " + off;
            }
            final int length = page.getShort(off + lengthAt) & 0xFFFF;
            if (off + overhead + length > pageSize)
            {
                return "key of slot " + i + " runs past the page end";
            }
            if (leaf && length == 0)
            {
                return "empty key in slot " + i;
            }
            final int key = off + overhead;
            final int head = page.getInt(slot + SLOT_HEAD_OFFSET, ByteOrder.BIG_ENDIAN);
            if (head != Node.head(page, key, length))
            {
                return "slot " + i + " holds a key head that does not match its key";
            }
            if (previousKey >= 0)
            {
                int c = Integer.compareUnsigned(previousHead, head);
                if (c == 0)
                {
                    c = Node.compare(page, previousKey, previousLength, page, key, length);
                }
                if (c >= 0)
                {
                    return "keys out of order: the key of slot " + i + " is not above the key of slot " + (i - 1);
                }
            }
            previousKey = key;
            previousLength = length;
            previousHead = head;
        }
        return null;
    }
}
