package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.cambium.btree.NodeLayout.BRANCH_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.LEAF_CELL_OVERHEAD;
import static dev.cambium.btree.NodeLayout.SLOT_SIZE;

/**
 * Copy-on-write changes to one B+tree: insert with splits, delete with merges, dropping a tree.
 *
 * <p><b>Design note.</b> Every change descends from the root and makes each page on the path
 * private with {@link PageWriter#makePrivate(long, long)} before touching it, storing the private id in
 * the (already private) parent together with the transaction's revision, which the private copy's header holds;
 * cells of untouched children keep the revision they record. A page already private in this transaction keeps its id, so a
 * transaction copies each committed page at most once however many changes it takes, and the
 * committed revision is never written. Splits happen on the way back up: a child returns its new
 * right sibling and separator through {@link #splitRight}/{@link #splitKey}, and the parent inserts
 * it, splitting in turn if full; a root split adds a level. A full leaf below the root first hands its new cell to
 * its parent, which tries to make room by moving cells into a sibling ({@link LeafSpill}) before splitting it. Branch cells carry subtree entry counts,
 * maintained on the same path (+1 / -1 per level), so ranks are O(log n).
 *
 * <p>Deletion merges an underfull child (less than a quarter used) into a sibling when the two fit
 * in one page; it does not redistribute, so a branch may keep a single child and a leaf under it
 * may be empty (readers skip empty leaves). The root collapses while it is a branch with one child.
 *
 * <p>Threads: not thread-safe; one instance per write transaction.
 */
public final class BTreeWriter extends BTreeReader
{
    private final PageWriter writer;
    private final Node[] levels = new Node[MAX_DEPTH + 1];
    private final Node copy = new Node();
    private final Node mergeLeft = new Node();
    private final Node mergeRight = new Node();
    private final UnsafeBuffer copyBuffer;
    private final UnsafeBuffer cell;
    private final UnsafeBuffer splitKey;
    private final LeafSpill spill;
    private final int maxKey;
    private int splitKeyLength;
    private long splitRight;
    private long splitRightCount;
    /**
     * Set by a leaf (not the root) whose new cell, held in {@link #cell}, did not fit: its parent first tries to
     * spill cells into a sibling ({@link LeafSpill}), and splits the leaf only if neither sibling has room.
     */
    private boolean leafFull;
    private int fullPos;
    private int fullSize;
    private boolean inserted;
    private long rootRevision;
    private long relocated;
    private long relocateBudget;
    private final boolean[] tailSeen = new boolean[1];

    /**
     * @param pages the transaction's working memory.
     */
    public BTreeWriter(final PageWriter pages)
    {
        super(pages);
        this.writer = pages;
        final int pageSize = pages.pageSize();
        for (int i = 0; i < levels.length; i++)
        {
            levels[i] = new Node();
        }
        copyBuffer = new UnsafeBuffer(new byte[pageSize]);
        cell = new UnsafeBuffer(new byte[pageSize]);
        splitKey = new UnsafeBuffer(new byte[pageSize]);
        spill = new LeafSpill(pages);
        maxKey = NodeLayout.maxKeyLength(pageSize);
    }

    /**
     * @return the longest key this tree accepts.
     */
    public int maxKeyLength()
    {
        return maxKey;
    }

    /**
     * Inserts or replaces an entry.
     *
     * @param root the current root ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the current root (0 for an empty tree).
     * @param size the current number of entries in the tree (to keep subtree counts exact).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @param value    buffer holding the value.
     * @param valueOff offset of the value.
     * @param valueLen length of the value.
     * @return the new root, a private page ({@link #rootRevision()} is {@link PageWriter#revision()});
     * {@link #lastPutInserted()} tells whether the key was new.
     * @throws IllegalArgumentException if the key is empty or longer than {@link #maxKeyLength()}, or
     *                                  the value length is negative.
     */
    public long put(
        final long root, final long rootRevision, final long size,
        final DirectBuffer key, final int keyOff, final int keyLen,
        final DirectBuffer value, final int valueOff, final int valueLen)
    {
        if (keyLen < 1 || keyLen > maxKey)
        {
            throw new IllegalArgumentException("key length " + keyLen + " outside [1, " + maxKey + "]");
        }
        if (valueLen < 0)
        {
            throw new IllegalArgumentException("negative value length " + valueLen);
        }
        inserted = false;
        splitRight = 0;
        leafFull = false;
        this.rootRevision = writer.revision();
        if (root == EMPTY)
        {
            final long id = writer.allocate();
            final Node n = levels[0].wrapWritable(writer, id);
            n.init(PageHeader.TYPE_LEAF);
            insertLeafCell(n, 0, true, false, key, keyOff, keyLen, value, valueOff, valueLen);
            inserted = true;
            return id;
        }
        final long newRoot = insert(root, rootRevision, 0, size, true, key, keyOff, keyLen, value, valueOff, valueLen);
        if (splitRight == 0)
        {
            return newRoot;
        }
        // The root split: a new root with two children.
        final long id = writer.allocate();
        final Node r = levels[0].wrapWritable(writer, id);
        r.init(PageHeader.TYPE_BRANCH);
        final long total = size + (inserted ? 1 : 0);
        r.insertBranch(0, newRoot, writer.revision(), total - splitRightCount, splitKey, 0, 0);
        r.insertBranch(1, splitRight, writer.revision(), splitRightCount, splitKey, 0, splitKeyLength);
        splitRight = 0;
        return id;
    }

    /**
     * @return the revision that wrote the root returned by the last {@link #put} or {@link #delete} (0 if the tree
     * is empty): to be recorded with the root wherever the root is recorded.
     */
    public long rootRevision()
    {
        return rootRevision;
    }

    /**
     * @return true if the last {@link #put} added a key, false if it replaced a value.
     */
    public boolean lastPutInserted()
    {
        return inserted;
    }

    private long insert(
        final long pageId, final long revision, final int depth, final long subtreeCount, final boolean rightmost,
        final DirectBuffer key, final int keyOff, final int keyLen,
        final DirectBuffer value, final int valueOff, final int valueLen)
    {
        if (depth >= MAX_DEPTH)
        {
            throw writer.corrupt(pageId, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        final long id = writer.makePrivate(pageId, revision);
        final Node n = levels[depth].wrapWritable(writer, id).check();
        if (n.isLeaf())
        {
            int idx = n.search(key, keyOff, keyLen);
            if (idx >= 0)
            {
                if (!isOverflow(writer.pageSize(), keyLen, valueLen) && n.replaceInlineValue(idx, value, valueOff,
                    valueLen))
                {
                    return id; // same length inline: overwritten in place, no cell moves
                }
                freeValue(n, idx);
                n.removeSlot(idx);
            }
            else
            {
                idx = -(idx + 1);
                inserted = true;
            }
            insertLeafCell(n, idx, rightmost, depth > 0, key, keyOff, keyLen, value, valueOff, valueLen);
            return id;
        }

        final int i = n.childIndex(key, keyOff, keyLen);
        final long childCount = n.childCount(i);
        final long child = insert(
            n.child(i), n.childRevision(i), depth + 1, childCount, rightmost && i == n.count() - 1,
            key, keyOff, keyLen, value, valueOff, valueLen);
        n.child(i, child, writer.revision());
        final long newChildCount = childCount + (inserted ? 1 : 0);
        if (leafFull)
        {
            leafFull = false;
            final Node leaf = levels[depth + 1]; // still wraps the private child
            if (spill.spill(n, i, leaf, newChildCount, cell, fullPos, fullSize))
            {
                return id;
            }
            splitLeaf(leaf, fullPos, fullSize, rightmost && i == n.count() - 1);
        }
        if (splitRight == 0)
        {
            n.childCount(i, newChildCount);
            return id;
        }
        n.childCount(i, newChildCount - splitRightCount);
        // Take the child's split out of the shared fields before a split of this node reuses them.
        final long right = splitRight;
        final long rightCount = splitRightCount;
        cell.putBytes(0, splitKey, 0, splitKeyLength);
        final int sepLen = splitKeyLength;
        splitRight = 0;
        if (BRANCH_CELL_OVERHEAD + sepLen + SLOT_SIZE <= n.free())
        {
            n.insertBranch(i + 1, right, writer.revision(), rightCount, cell, 0, sepLen);
        }
        else
        {
            splitBranch(n, i + 1, right, rightCount, sepLen, rightmost && i == n.count() - 1);
        }
        return id;
    }

    /**
     * Inserts a leaf cell at idx, writing an overflow chain first if the value is large. If the cell does not fit,
     * the leaf splits, except when {@code hasParent} and the cell does not go at the end of the rightmost leaf: then
     * the cell is left in {@link #cell} and {@link #leafFull} set, for the parent to spill or split.
     */
    private void insertLeafCell(
        final Node n, final int idx, final boolean rightmost, final boolean hasParent, final DirectBuffer key,
        final int keyOff, final int keyLen,
        final DirectBuffer value, final int valueOff, final int valueLen)
    {
        final boolean overflow = isOverflow(writer.pageSize(), keyLen, valueLen);
        final int size = LEAF_CELL_OVERHEAD + keyLen + (overflow ? NodeLayout.OVERFLOW_POINTER_LENGTH : valueLen);
        final long first = overflow ? Overflow.write(writer, overflowView, value, valueOff, valueLen) : 0;
        if (size + SLOT_SIZE <= n.free())
        {
            if (overflow)
            {
                n.insertLeafOverflow(idx, key, keyOff, keyLen, valueLen, first, writer.revision());
            }
            else
            {
                n.insertLeafInline(idx, key, keyOff, keyLen, value, valueOff, valueLen);
            }
            return;
        }
        // Build the new cell in the scratch area, then split around it.
        cell.putShort(0, (short)keyLen);
        cell.putByte(2, (byte)(overflow ? NodeLayout.LEAF_FLAG_OVERFLOW : 0));
        cell.putInt(3, valueLen);
        cell.putBytes(LEAF_CELL_OVERHEAD, key, keyOff, keyLen);
        if (overflow)
        {
            cell.putLong(LEAF_CELL_OVERHEAD + keyLen, first);
            cell.putLong(LEAF_CELL_OVERHEAD + keyLen + 8, writer.revision());
        }
        else if (valueLen > 0)
        {
            cell.putBytes(LEAF_CELL_OVERHEAD + keyLen, value, valueOff, valueLen);
        }
        if (hasParent && !(idx == n.count() && rightmost))
        {
            leafFull = true;
            fullPos = idx;
            fullSize = size;
            return;
        }
        splitLeaf(n, idx, size, rightmost);
    }

    /**
     * Splits a full leaf around a new cell (held in {@link #cell}) to go at index pos.
     */
    private void splitLeaf(final Node n, final int pos, final int newSize, final boolean rightmost)
    {
        final int count = n.count();
        if (pos == count && rightmost)
        {
            // Appending at the end of the rightmost leaf (a load in key order): the left page keeps every cell it
            // has, as it is, and the new cell alone starts the right page. Nothing to snapshot or rebuild.
            final long rightId = writer.allocate();
            final Node right = mergeRight.wrapWritable(writer, rightId);
            right.init(PageHeader.TYPE_LEAF);
            final int keyLen = cell.getShort(0) & 0xFFFF;
            final int off = right.insertSlot(0, newSize, Node.head(cell, LEAF_CELL_OVERHEAD, keyLen));
            right.buf.putBytes(off, cell, 0, newSize);
            leafSeparator(n, right, rightId);
            return;
        }
        final Node old = snapshot(n);
        final int total = count + 1;
        final int[] sizes = new int[total];
        for (int j = 0; j < total; j++)
        {
            sizes[j] = SLOT_SIZE + (j == pos ? newSize : old.leafCellSize(j < pos ? j : j - 1));
        }
        final int k = balancedSplit(sizes, 0, n.capacity());

        n.init(PageHeader.TYPE_LEAF);
        final long rightId = writer.allocate();
        final Node right = mergeRight.wrapWritable(writer, rightId);
        right.init(PageHeader.TYPE_LEAF);
        for (int j = 0; j < total; j++)
        {
            final Node dst = j < k ? n : right;
            if (j == pos)
            {
                final int keyLen = cell.getShort(0) & 0xFFFF;
                final int off = dst.insertSlot(dst.count(), newSize, Node.head(cell, LEAF_CELL_OVERHEAD, keyLen));
                dst.buf.putBytes(off, cell, 0, newSize);
            }
            else
            {
                dst.appendCellFrom(old, j < pos ? j : j - 1);
            }
        }
        leafSeparator(n, right, rightId);
    }

    /**
     * Records the split of leaf {@code n} into {@code n} and {@code right}: the shortest separator s with
     * left.last &lt; s &lt;= right.first, the right page's id and its entry count.
     */
    private void leafSeparator(final Node n, final Node right, final long rightId)
    {
        final int lastLen = n.keyLength(n.count() - 1);
        final int lastOff = n.keyOffset(n.count() - 1);
        final int firstLen = right.keyLength(0);
        final int firstOff = right.keyOffset(0);
        splitKeyLength = Node.separatorLength(n.buf, lastOff, lastLen, right.buf, firstOff, firstLen);
        splitKey.putBytes(0, right.buf, firstOff, splitKeyLength);
        splitRight = rightId;
        splitRightCount = right.count();
    }

    /**
     * Splits a full branch around a new cell (child {@code right}, separator in {@link #cell}) to go at
     * index pos. The first key of the new right node moves up as the separator.
     */
    private void splitBranch(
        final Node n, final int pos, final long right, final long rightCount, final int sepLen, final boolean rightmost)
    {
        final int count = n.count();
        final Node old = snapshot(n);
        final int total = count + 1;
        final int[] sizes = new int[total];
        for (int j = 0; j < total; j++)
        {
            sizes[j] = SLOT_SIZE + (j == pos ? BRANCH_CELL_OVERHEAD + sepLen : old.branchCellSize(j < pos ? j : j - 1));
        }
        final int k = pos == count && rightmost ? count : balancedSplit(sizes, 1, n.capacity());

        n.init(PageHeader.TYPE_BRANCH);
        final long rightId = writer.allocate();
        final Node r = mergeRight.wrapWritable(writer, rightId);
        r.init(PageHeader.TYPE_BRANCH);
        long movedCount = 0;
        for (int j = 0; j < total; j++)
        {
            final Node dst = j < k ? n : r;
            final boolean isNew = j == pos;
            final int src = j < pos ? j : j - 1;
            final long child = isNew ? right : old.child(src);
            final long childRevision = isNew ? writer.revision() : old.childRevision(src);
            final long childCount = isNew ? rightCount : old.childCount(src);
            if (j == k)
            {
                // This key moves up; the right node's first cell keeps no key.
                if (isNew)
                {
                    splitKey.putBytes(0, cell, 0, sepLen);
                    splitKeyLength = sepLen;
                }
                else
                {
                    splitKeyLength = old.keyLength(src);
                    splitKey.putBytes(0, old.buf, old.keyOffset(src), splitKeyLength);
                }
                dst.insertBranch(dst.count(), child, childRevision, childCount, cell, 0, 0);
            }
            else if (isNew)
            {
                dst.insertBranch(dst.count(), child, childRevision, childCount, cell, 0, sepLen);
            }
            else
            {
                dst.appendCellFrom(old, src);
            }
            if (j >= k)
            {
                movedCount += childCount;
            }
        }
        splitRight = rightId;
        splitRightCount = movedCount;
    }

    /**
     * Chooses how many cells stay left so both halves fit and their byte sizes are closest.
     * {@code rightKeyDrop} is 1 for branches: the right half's first key moves up, saving its bytes
     * (accounted conservatively by not subtracting them, which only makes the choice safer).
     */
    private static int balancedSplit(final int[] sizes, final int minLeft, final int capacity)
    {
        int totalBytes = 0;
        for (final int s : sizes)
        {
            totalBytes += s;
        }
        int best = -1;
        int bestDiff = Integer.MAX_VALUE;
        int left = 0;
        for (int k = 1; k < sizes.length; k++)
        {
            left += sizes[k - 1];
            final int right = totalBytes - left;
            if (k >= minLeft && left <= capacity && right <= capacity)
            {
                final int diff = Math.abs(left - right);
                if (diff < bestDiff)
                {
                    bestDiff = diff;
                    best = k;
                }
            }
        }
        if (best < 0)
        {
            throw new IllegalStateException("no split point: cells exceed two pages (limits violated)");
        }
        return best;
    }

    /** Copies a private node's page into scratch so it can be rebuilt in place from the copy. */
    private Node snapshot(final Node n)
    {
        copyBuffer.putBytes(0, n.buf, 0, writer.pageSize());
        return copy.wrapScratch(writer, n.pageId(), copyBuffer);
    }

    private void freeValue(final Node leaf, final int idx)
    {
        if (leaf.isOverflow(idx))
        {
            Overflow.free(writer, overflowView, leaf.overflowPage(idx), leaf.overflowRevision(idx),
                leaf.valueLength(idx));
        }
    }

    // ---------------------------------------------------------------- delete

    /**
     * Deletes a key. Pages are made private only if the key is present.
     *
     * @param root the current root.
     * @param rootRevision the revision that wrote the current root (0 for an empty tree).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return the new root ({@link #EMPTY} if the tree became empty), written by {@link #rootRevision()};
     * {@link #lastDeleteFound()} tells whether the key was present.
     */
    public long delete(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        found = false;
        this.rootRevision = rootRevision;
        if (root == EMPTY || keyLen < 1 || keyLen > maxKey || findLeaf(root, rootRevision, key, keyOff, keyLen) < 0)
        {
            return root;
        }
        found = true;
        long id = remove(root, rootRevision, 0, key, keyOff, keyLen);
        long revision = writer.revision();
        // Collapse the root while it is a branch with one child, and drop an empty root leaf.
        while (true)
        {
            final Node r = levels[0].wrap(writer, id, revision);
            if (r.isLeaf())
            {
                if (r.count() == 0)
                {
                    writer.free(id, revision);
                    this.rootRevision = 0;
                    return EMPTY;
                }
                this.rootRevision = revision;
                return id;
            }
            if (r.count() > 1)
            {
                this.rootRevision = revision;
                return id;
            }
            final long only = r.child(0);
            final long onlyRevision = r.childRevision(0);
            writer.free(id, revision);
            id = only;
            revision = onlyRevision;
        }
    }

    private boolean found;

    /**
     * @return true if the last {@link #delete} removed an entry.
     */
    public boolean lastDeleteFound()
    {
        return found;
    }

    private long remove(
        final long pageId, final long revision, final int depth, final DirectBuffer key, final int keyOff,
        final int keyLen)
    {
        if (depth >= MAX_DEPTH)
        {
            throw writer.corrupt(pageId, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        final long id = writer.makePrivate(pageId, revision);
        final Node n = levels[depth].wrapWritable(writer, id).check();
        if (n.isLeaf())
        {
            final int idx = n.search(key, keyOff, keyLen);
            if (idx < 0)
            {
                throw writer.corrupt(id, "key found by search vanished on the write path");
            }
            freeValue(n, idx);
            n.removeSlot(idx);
            return id;
        }
        final int i = n.childIndex(key, keyOff, keyLen);
        final long child = remove(n.child(i), n.childRevision(i), depth + 1, key, keyOff, keyLen);
        n.child(i, child, writer.revision());
        n.childCount(i, n.childCount(i) - 1);
        rebalance(n, i);
        return id;
    }

    /**
     * Merges child i of n into a sibling if it is underfull and the two fit in one page.
     */
    private void rebalance(final Node n, final int i)
    {
        if (n.count() < 2)
        {
            return;
        }
        final Node c = mergeLeft.wrap(writer, n.child(i), n.childRevision(i));
        if (c.used() * 4 >= c.capacity())
        {
            return;
        }
        final int li = i > 0 ? i - 1 : i;
        final int ri = li + 1;
        final Node left = mergeLeft.wrap(writer, n.child(li), n.childRevision(li));
        final Node right = mergeRight.wrap(writer, n.child(ri), n.childRevision(ri));
        final boolean leaf = left.isLeaf();
        if (leaf != right.isLeaf())
        {
            throw writer.corrupt(n.pageId(), "siblings " + li + " and " + ri + " differ in type");
        }
        final int sepLen = leaf ? 0 : n.keyLength(ri);
        if (left.used() + right.used() + sepLen > left.capacity())
        {
            return;
        }
        final long leftId = writer.makePrivate(n.child(li), n.childRevision(li));
        n.child(li, leftId, writer.revision());
        final long rightId = n.child(ri);
        final long rightRevision = n.childRevision(ri);
        final Node l = mergeLeft.wrapWritable(writer, leftId);
        final Node r = mergeRight.wrap(writer, rightId, rightRevision);
        final int rc = r.count();
        for (int j = 0; j < rc; j++)
        {
            if (!leaf && j == 0)
            {
                l.insertBranch(l.count(), r.child(0), r.childRevision(0), r.childCount(0), n.buf, n.keyOffset(ri),
                    sepLen);
            }
            else
            {
                l.appendCellFrom(r, j);
            }
        }
        n.childCount(li, n.childCount(li) + n.childCount(ri));
        n.removeSlot(ri);
        writer.free(rightId, rightRevision);
    }

    // ---------------------------------------------------------------- drop

    /**
     * Frees every page of a tree (used when a tree is dropped).
     * @param root the root of the tree to free.
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     */
    public void freeTree(final long root, final long rootRevision)
    {
        if (root != EMPTY)
        {
            freeSubtree(root, rootRevision, 0, new LongHashSet());
        }
    }

    private void freeSubtree(final long id, final long revision, final int depth, final LongHashSet seen)
    {
        if (depth >= MAX_DEPTH)
        {
            throw writer.corrupt(id, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (!seen.add(id))
        {
            // Freeing a shared page twice would also walk its subtree once per path to it.
            throw writer.corrupt(id, "page is reachable twice in one tree");
        }
        final Node n = levels[depth].wrap(writer, id, revision);
        final int count = n.count();
        if (n.isLeaf())
        {
            for (int i = 0; i < count; i++)
            {
                freeValue(n, i);
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                final Node parent = levels[depth].wrap(writer, id, revision);
                freeSubtree(parent.child(i), parent.childRevision(i), depth + 1, seen);
            }
        }
        writer.free(id, revision);
    }

    // ---------------------------------------------------------------- relocation (compaction)

    /**
     * Copies on write every page of a tree that lies at or above {@code threshold} (branch, leaf and overflow
     * pages), together with the pages on the path to it, so that the copies take the lowest free pages: one step of
     * a compaction, which empties the end of the file. The tree's content, shape and counts do not change. An
     * overflow chain with any page at or above the threshold is written again whole (chains are immutable). Stops
     * once about {@code budget} pages were copied (a chain or a path is finished first); call again, in a later
     * transaction, for the rest.
     *
     * @param root         the current root ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the current root.
     * @param threshold    the first page id to move away from.
     * @param budget       how many pages to copy at most (about; a step's bound).
     * @return the new root; {@link #rootRevision()} gives its revision, {@link #lastRelocated()} how many pages were
     * copied (0: the tree has no page at or above the threshold, or the budget was 0).
     */
    public long relocate(final long root, final long rootRevision, final long threshold, final long budget)
    {
        relocated = 0;
        relocateBudget = budget;
        this.rootRevision = rootRevision;
        if (root == EMPTY || budget <= 0)
        {
            return root;
        }
        final long id = relocateNode(root, rootRevision, 0, threshold);
        if (id < 0)
        {
            return root;
        }
        this.rootRevision = writer.revision();
        return id;
    }

    /**
     * @return the number of pages the last {@link #relocate} copied.
     */
    public long lastRelocated()
    {
        return relocated;
    }

    /** @return the page's private id if it is (now) private to the transaction, else -1 (left as committed). */
    private long relocateNode(final long pageId, final long revision, final int depth, final long threshold)
    {
        if (depth >= MAX_DEPTH)
        {
            throw writer.corrupt(pageId, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        long id = writer.isPrivate(pageId) ? pageId : -1;
        if (relocated >= relocateBudget)
        {
            return id;
        }
        if (id < 0 && pageId >= threshold)
        {
            id = copyForRelocation(pageId, revision);
        }
        // levels[depth] keeps wrapping this page while the children (deeper levels) are relocated; it is wrapped
        // again only when the page itself is copied.
        Node n = id >= 0
            ? levels[depth].wrapWritable(writer, id).check()
            : levels[depth].wrap(writer, pageId, revision);
        final int count = n.count();
        final boolean leaf = n.isLeaf();
        for (int i = 0; i < count && relocated < relocateBudget; i++)
        {
            if (leaf)
            {
                // A chain this transaction wrote is private already: where it lies is the allocator's best.
                if (!n.isOverflow(i) || n.overflowRevision(i) == writer.revision() || !chainReaches(n.overflowPage(i),
                    n.overflowRevision(i), n.valueLength(i), threshold))
                {
                    continue;
                }
                final long first = n.overflowPage(i);
                final long firstRevision = n.overflowRevision(i);
                final int length = n.valueLength(i);
                if (id < 0)
                {
                    id = copyForRelocation(pageId, revision);
                }
                final byte[] value = Overflow.read(writer, overflowView, first, firstRevision, length);
                Overflow.free(writer, overflowView, first, firstRevision, length);
                final long moved = Overflow.write(writer, overflowView, new UnsafeBuffer(value), 0, length);
                relocated += Overflow.pagesFor(length, Overflow.capacity(writer.pageSize()));
                n = levels[depth].wrapWritable(writer, id);
                n.overflow(i, moved, writer.revision());
            }
            else
            {
                final long child = n.child(i);
                final long childRevision = n.childRevision(i);
                final long c = relocateNode(child, childRevision, depth + 1, threshold);
                if (c >= 0 && (c != child || childRevision != writer.revision()))
                {
                    if (id < 0)
                    {
                        id = copyForRelocation(pageId, revision);
                        n = levels[depth].wrapWritable(writer, id);
                    }
                    n.child(i, c, writer.revision());
                }
            }
        }
        return id;
    }

    private long copyForRelocation(final long pageId, final long revision)
    {
        relocated++;
        return writer.makePrivate(pageId, revision);
    }

    private boolean chainReaches(final long first, final long firstRevision, final int length, final long threshold)
    {
        tailSeen[0] = false;
        Overflow.forEachPage(writer, overflowView, first, firstRevision, length, (page, rev) ->
        {
            tailSeen[0] |= page >= threshold;
            return true;
        });
        return tailSeen[0];
    }
}
