package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.cambium.btree.NodeLayout.BRANCH_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.LEAF_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * Makes room for a new cell in a full leaf by sharing the leaf's cells with a sibling instead of splitting it, as
 * SQLite balances a page with its neighbours.
 *
 * <p><b>Design note.</b> Random inserts split leaves into halves, which then fill slowly, so a tree built by random
 * inserts is about 69 % full. Moving cells into a sibling with room keeps leaves about 81 % full, and so the file
 * smaller and the tree's pages fewer, at the cost of a copy of the sibling (docs/design.md section 5). The sibling
 * with more free bytes is chosen, if it has at least {@link #MIN_FREE_DIVISOR an eighth} of a page free and the new
 * separator fits in the parent; the cells are then divided so that the two pages hold about equal bytes. The leaf's
 * cells are seen "combined": the leaf's cells with the new cell inserted at its position. The threshold trades fill
 * for copies: a sibling with less room would leave both pages so full that the next inserts spill again. Loading 1M
 * random 8-byte keys in transactions of 1,000 gave 37,822 leaves with a quarter, 36,358 with an eighth and 35,526
 * with a sixteenth, for 1,259, 1,281 and 1,313 pages written per commit.
 *
 * <p>Threads: not thread-safe; owned by one {@link BTreeWriter}.
 */
final class LeafSpill
{
    /** A sibling takes spilled cells only if at least 1 / this of its page is free. */
    private static final int MIN_FREE_DIVISOR = 8;

    private final PageWriter writer;
    private final Node probe = new Node();
    private final Node sibling = new Node();
    private final Node copy = new Node();
    private final UnsafeBuffer copyBuffer;
    private final UnsafeBuffer separator;
    /** The new cell, its combined index and its size: set for the duration of one {@link #spill} call. */
    private DirectBuffer cell;
    private int pos;
    private int size;

    /**
     * @param writer the transaction's working memory.
     */
    LeafSpill(final PageWriter writer)
    {
        this.writer = writer;
        copyBuffer = new UnsafeBuffer(new byte[writer.pageSize()]);
        separator = new UnsafeBuffer(new byte[writer.pageSize()]);
    }

    /**
     * Puts the new cell into the full child {@code i} of {@code parent} by moving cells between it and a sibling,
     * if a sibling has room (see the class note); updates the parent's separator and both subtree counts.
     *
     * @param parent      the private parent branch.
     * @param i           the full leaf's index in {@code parent}.
     * @param leaf        the full leaf, private.
     * @param leafEntries the leaf's entries, the new cell's counted.
     * @param newCell     the new leaf cell, from offset 0.
     * @param newPos      where the new cell goes among the leaf's cells.
     * @param newSize     the new cell's size in bytes (without its slot).
     * @return true if the cell went in; false if the leaf must split (nothing was changed).
     */
    boolean spill(final Node parent, final int i, final Node leaf, final long leafEntries, final DirectBuffer newCell,
        final int newPos, final int newSize)
    {
        cell = newCell;
        pos = newPos;
        size = newSize;
        final int leftFree = i > 0 ? siblingFree(parent, i - 1) : -1;
        final int rightFree = i < parent.count() - 1 ? siblingFree(parent, i + 1) : -1;
        final int capacity = leaf.capacity();
        final boolean toLeft = leftFree >= rightFree;
        final int siblingFree = Math.max(leftFree, rightFree);
        if (siblingFree < capacity / MIN_FREE_DIVISOR)
        {
            return false;
        }
        final int total = leaf.count() + 1;
        int bytes = 0;
        for (int c = 0; c < total; c++)
        {
            bytes += combinedSize(leaf, c);
        }
        final int siblingUsed = capacity - siblingFree;
        // Cells [0, cut) go left, the rest right; choose the cut that balances the two pages.
        int best = -1;
        int bestDiff = Integer.MAX_VALUE;
        int front = 0;
        for (int cut = 1; cut < total; cut++)
        {
            front += combinedSize(leaf, cut - 1);
            final int back = bytes - front;
            final int leftBytes = toLeft ? siblingUsed + front : front;
            final int rightBytes = toLeft ? back : back + siblingUsed;
            if (leftBytes <= capacity && rightBytes <= capacity && Math.abs(leftBytes - rightBytes) < bestDiff)
            {
                bestDiff = Math.abs(leftBytes - rightBytes);
                best = cut;
            }
        }
        if (best < 0)
        {
            return false;
        }
        // The separator between the two sides: the shortest s with last-of-left < s <= first-of-right.
        final int sepLen = combinedSeparator(leaf, best);
        final int sepCell = toLeft ? i : i + 1;
        if (parent.free() + parent.branchCellSize(sepCell) < BRANCH_CELL_OVERHEAD + sepLen)
        {
            return false;
        }
        final int s = toLeft ? i - 1 : i + 1;
        final long siblingId = writer.makePrivate(parent.child(s), parent.childRevision(s));
        parent.child(s, siblingId, writer.revision());
        final Node sib = sibling.wrapWritable(writer, siblingId).check();
        copyBuffer.putBytes(0, leaf.buf, 0, writer.pageSize());
        final Node old = copy.wrapScratch(writer, leaf.pageId(), copyBuffer);
        leaf.init(PageHeader.TYPE_LEAF);
        for (int c = 0; c < total; c++)
        {
            if (toLeft)
            {
                putCombined(c < best ? sib : leaf, c < best ? sib.count() : leaf.count(), old, c);
            }
            else
            {
                putCombined(c < best ? leaf : sib, c < best ? leaf.count() : c - best, old, c);
            }
        }
        final long moved = toLeft ? best : total - best;
        parent.childCount(s, parent.childCount(s) + moved);
        parent.childCount(i, leafEntries - moved);
        final long child = parent.child(sepCell);
        final long childRevision = parent.childRevision(sepCell);
        final long childCount = parent.childCount(sepCell);
        parent.removeSlot(sepCell);
        parent.insertBranch(sepCell, child, childRevision, childCount, separator, 0, sepLen);
        return true;
    }

    /** @return the free bytes of leaf child {@code j} of {@code parent}, or -1 if it is not a leaf. */
    private int siblingFree(final Node parent, final int j)
    {
        final Node n = probe.wrap(writer, parent.child(j), parent.childRevision(j)).check();
        return n.isLeaf() ? n.free() : -1;
    }

    /** @return the size of combined cell {@code c}, with its slot. */
    private int combinedSize(final Node leaf, final int c)
    {
        return SLOT_SIZE + (c == pos ? size : leaf.leafCellSize(oldIndex(c)));
    }

    /**
     * Writes into {@link #separator} the shortest key s with key(cut - 1) &lt; s &lt;= key(cut), of the combined
     * cells.
     *
     * @return its length.
     */
    private int combinedSeparator(final Node leaf, final int cut)
    {
        final DirectBuffer lastBuf = cut - 1 == pos ? cell : leaf.buf;
        final int lastOff = cut - 1 == pos ? LEAF_CELL_OVERHEAD : leaf.keyOffset(oldIndex(cut - 1));
        final int lastLen = cut - 1 == pos ? cell.getShort(0) & 0xFFFF : leaf.keyLength(oldIndex(cut - 1));
        final DirectBuffer firstBuf = cut == pos ? cell : leaf.buf;
        final int firstOff = cut == pos ? LEAF_CELL_OVERHEAD : leaf.keyOffset(oldIndex(cut));
        final int firstLen = cut == pos ? cell.getShort(0) & 0xFFFF : leaf.keyLength(oldIndex(cut));
        final int length = Node.separatorLength(lastBuf, lastOff, lastLen, firstBuf, firstOff, firstLen);
        separator.putBytes(0, firstBuf, firstOff, length);
        return length;
    }

    /** @return the leaf's index of combined cell {@code c} (not the new cell). */
    private int oldIndex(final int c)
    {
        return c < pos ? c : c - 1;
    }

    /** Puts combined cell {@code c} (the leaf's from the snapshot {@code old}) at slot {@code index} of {@code dst}. */
    private void putCombined(final Node dst, final int index, final Node old, final int c)
    {
        if (c == pos)
        {
            final int keyLen = cell.getShort(0) & 0xFFFF;
            final int off = dst.insertSlot(index, size, Node.head(cell, LEAF_CELL_OVERHEAD, keyLen));
            dst.buf.putBytes(off, cell, 0, size);
        }
        else
        {
            final int from = oldIndex(c);
            final int cellSize = old.leafCellSize(from);
            final int off = dst.insertSlot(index, cellSize, old.slotHead(from));
            dst.buf.putBytes(off, old.buf, old.cellOffset(from), cellSize);
        }
    }
}
