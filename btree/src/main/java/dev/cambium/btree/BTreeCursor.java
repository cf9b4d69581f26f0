package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * A position in one B+tree: the path of (page, index) pairs from the root to a leaf cell.
 *
 * <p>The cursor keeps a flyweight per level, so moving within a leaf touches only that leaf and
 * crossing to the next leaf walks up only as far as needed. Subtrees whose branch cell counts no
 * entries (empty leaves are possible after deletes, see {@link BTreeWriter}) are skipped unread.
 *
 * <p>On a damaged file a scan fails with the reader's corruption exception instead of running for
 * ever: a leaf must hold the entries its parent cell counts, and each leaf's keys must lie beyond
 * those of the leaf before it, so a scan visits each leaf page at most once even when branches share
 * children (a walk of a shared graph would otherwise be exponential in its depth).
 *
 * <p>The cursor assumes the pages it stands on do not change under it; in a write transaction the
 * engine re-seeks it after the tree changes.
 *
 * <p>Threads: not thread-safe; one transaction's thread.
 */
public final class BTreeCursor
{
    private final PageReader pages;
    /** Levels a new cursor has room for; {@link #level} grows the arrays up to {@link BTreeReader#MAX_DEPTH}. */
    private static final int INITIAL_LEVELS = 4;
    private ReadNode[] path = new ReadNode[INITIAL_LEVELS];
    private int[] index = new int[INITIAL_LEVELS];
    /** The views {@link #key()} and {@link #value()} return; replaced by {@link #renewViews()}. */
    private UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    /** Created at the first value on overflow pages. */
    private UnsafeBuffer overflowView;
    /** The edge key of the leaf a scan just left (see {@link #advance}); grown as needed. */
    private final ExpandableArrayBuffer boundary = new ExpandableArrayBuffer(64);
    private int boundaryLength;
    private long root = BTreeReader.EMPTY;
    private long rootRevision;
    private int leaf = -1;
    /** The cells of the leaf at level {@link #leaf}, checked when the cursor entered it ({@link ReadNode#validateLeaf}). */
    private long[] cells;
    /** The page view of that leaf. */
    private UnsafeBuffer leafPage;
    /** Entries in that leaf. */
    private int leafCount;
    /** The current entry's index in that leaf. */
    private int at;
    private boolean valueLoaded;
    /** The sum of the words {@link #prefetchNext} loaded: kept so that the compiler keeps the loads. */
    @SuppressWarnings("unused")
    private long prefetched;
    /** The branch whose children {@link #prefetchNext} last loaded, and the child index its batch stopped at. */
    private long prefetchParent = -1;
    private int prefetchEnd;
    private static final int PREFETCH_BATCH = 16;

    /**
     * @param pages where the tree's pages are read from.
     */
    public BTreeCursor(final PageReader pages)
    {
        this.pages = pages;
    }

    /**
     * The flyweight of level d, created when a descent first reaches that level: trees are a few levels deep,
     * so a cursor (one per scan) builds a few flyweights rather than {@link BTreeReader#MAX_DEPTH} of them.
     */
    private ReadNode level(final int d)
    {
        if (d >= path.length)
        {
            // d < MAX_DEPTH: the descents check it first
            path = Arrays.copyOf(path, Math.min(2 * path.length, BTreeReader.MAX_DEPTH));
            index = Arrays.copyOf(index, path.length);
        }
        final ReadNode n = path[d];
        return n != null ? n : (path[d] = new ReadNode());
    }

    /**
     * Points the cursor at a (possibly new) root and unpositions it. Nothing of where it stood before is used
     * afterwards, so a cursor may be reset onto another tree or revision (read contexts reuse one cursor for the
     * scans of successive transactions).
     *
     * @param root         the tree's root page id.
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     */
    public void reset(final long root, final long rootRevision)
    {
        this.root = root;
        this.rootRevision = rootRevision;
        this.leaf = -1;
        // A page id of another revision may name another page: the next leaf entered starts a new batch.
        this.prefetchParent = -1;
    }

    /**
     * Gives the cursor new key and value views, for a cursor reused by a new owner: the views the last owner was
     * handed keep pointing where they pointed instead of following the new owner's moves (so a view kept past
     * its cursor's close never shows what a later transaction's cursor reads), and the new ones are young objects:
     * a scan re-wraps both views at every step, each wrap stores a reference (the mapping's buffer), and a reference
     * store into an old-generation object can cost G1's post-write barrier a StoreLoad fence, where a store into a
     * young object is filtered out before it.
     */
    public void renewViews()
    {
        keyView = new UnsafeBuffer(0, 0);
        valueView = new UnsafeBuffer(0, 0);
    }

    /**
     * @return true if the cursor stands on an entry.
     */
    public boolean isPositioned()
    {
        return leaf >= 0;
    }

    /**
     * @return true if positioned on the first entry.
     */
    public boolean first()
    {
        return edge(true);
    }

    /**
     * @return true if positioned on the last entry.
     */
    public boolean last()
    {
        return edge(false);
    }

    private boolean edge(final boolean forward)
    {
        if (root == BTreeReader.EMPTY)
        {
            return unposition();
        }
        final ReadNode n = level(0).wrap(pages, root, rootRevision);
        if (n.isLeaf())
        {
            arriveAtLeaf(0, forward ? 0 : n.count() - 1, forward);
            return n.count() > 0 || unposition();
        }
        final int i = nonEmptyChild(n, forward ? 0 : n.count() - 1, forward);
        if (i < 0)
        {
            return unposition(); // every subtree counted empty
        }
        index[0] = i;
        descend(0, forward);
        return true;
    }

    /**
     * Positions on the first entry with key {@code >=} the given key.
     *
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return true if there is such an entry.
     */
    public boolean seek(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        if (root == BTreeReader.EMPTY)
        {
            return unposition();
        }
        long id = root;
        long revision = rootRevision;
        for (int d = 0; d < BTreeReader.MAX_DEPTH; d++)
        {
            final ReadNode n = level(d).wrap(pages, id, revision);
            if (n.isLeaf())
            {
                if (d > 0)
                {
                    checkLeafCount(d);
                }
                final int idx = n.search(key, keyOff, keyLen);
                arriveAtLeaf(d, idx >= 0 ? idx : -(idx + 1), true);
                return at < leafCount || advance(true);
            }
            final int i = n.childIndex(key, keyOff, keyLen);
            index[d] = i;
            id = n.child(i);
            revision = n.childRevision(i);
        }
        throw pages.corrupt(root, "tree deeper than " + BTreeReader.MAX_DEPTH + " levels (a cycle?)");
    }

    /**
     * @return true if moved to the next entry; false (and unpositioned) at the end.
     */
    public boolean next()
    {
        if (leaf < 0)
        {
            return false;
        }
        valueLoaded = false;
        if (++at < leafCount)
        {
            return true;
        }
        return advance(true);
    }

    /**
     * @return true if moved to the previous entry; false (and unpositioned) at the start.
     */
    public boolean prev()
    {
        if (leaf < 0)
        {
            return false;
        }
        valueLoaded = false;
        if (--at >= 0)
        {
            return true;
        }
        return advance(false);
    }

    /**
     * @return a view of the current key, valid until the cursor moves.
     */
    public DirectBuffer key()
    {
        requirePositioned();
        final long cell = cells[at];
        keyView.wrap(leafPage, ReadNode.keyOffsetOf(cell), ReadNode.keyLengthOf(cell));
        return keyView;
    }

    /**
     * @return a view of the current value, valid until the cursor moves. A value on overflow pages
     * is copied into a new array first.
     */
    public DirectBuffer value()
    {
        requirePositioned();
        if (!valueLoaded)
        {
            final long cell = cells[at];
            final int value = ReadNode.valueOf(cell);
            if (value < 0)
            {
                final ReadNode n = path[leaf];
                if (overflowView == null)
                {
                    overflowView = new UnsafeBuffer(0, 0);
                }
                valueView
                    .wrap(Overflow.read(pages, overflowView, n.overflowPage(cell), n.overflowRevision(cell), ~value));
            }
            else
            {
                valueView.wrap(leafPage, ReadNode.valueOffsetOf(cell), value);
            }
            valueLoaded = true;
        }
        return valueView;
    }

    /**
     * @return a copy of the current key.
     */
    public byte[] keyCopy()
    {
        final DirectBuffer k = key();
        final byte[] out = new byte[k.capacity()];
        k.getBytes(0, out);
        return out;
    }

    /**
     * @return a copy of the current value.
     */
    public byte[] valueCopy()
    {
        final DirectBuffer v = value();
        final byte[] out = new byte[v.capacity()];
        v.getBytes(0, out);
        return out;
    }

    /**
     * Compares the current key with a given key.
     *
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return negative, zero or positive as the current key is less than, equal to or greater than it.
     */
    public int compareKey(final DirectBuffer key, final int keyOff, final int keyLen)
    {
        requirePositioned();
        return path[leaf].compareCell(cells[at], key, keyOff, keyLen);
    }

    private void requirePositioned()
    {
        if (leaf < 0)
        {
            throw new IllegalStateException("cursor is not positioned on an entry");
        }
    }

    private boolean unposition()
    {
        leaf = -1;
        return false;
    }

    /**
     * From the child at index[from] of the branch at level {@code from}, whose subtree count is
     * non-zero, walks down to a leaf along the first (or last) children counted non-empty, checking
     * each step against the counts. Ends on the leaf's first (or last) cell.
     */
    private void descend(final int from, final boolean forward)
    {
        int d = from;
        while (true)
        {
            if (d + 1 >= BTreeReader.MAX_DEPTH)
            {
                throw pages.corrupt(root, "tree deeper than " + BTreeReader.MAX_DEPTH + " levels (a cycle?)");
            }
            final ReadNode c = level(d + 1).wrap(pages, path[d].child(index[d]), path[d].childRevision(index[d]));
            d++;
            if (c.isLeaf())
            {
                checkLeafCount(d);
                arriveAtLeaf(d, forward ? 0 : c.count() - 1, forward);
                return;
            }
            final int i = nonEmptyChild(c, forward ? 0 : c.count() - 1, forward);
            if (i < 0)
            {
                throw c.corrupt("branch holds " + path[d - 1].childCount(index[d - 1]) +
                    " entries by its parent's count, but none of its own cells counts any");
            }
            index[d] = i;
        }
    }

    /**
     * @return the first index from {@code i} on (or, backwards, down from {@code i}) whose subtree
     * count is non-zero, or -1 if none.
     */
    private static int nonEmptyChild(final ReadNode n, final int start, final boolean forward)
    {
        final int count = n.count();
        for (int i = start; i >= 0 && i < count; i += forward ? 1 : -1)
        {
            if (n.childCount(i) != 0)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * A leaf reached from a branch holds exactly the entries its parent cell counts. This is what
     * lets scans skip empty subtrees without opening them, and keeps an empty leaf from being reached
     * through a cell counted non-empty.
     */
    private void checkLeafCount(final int d)
    {
        final long expected = path[d - 1].childCount(index[d - 1]);
        if (path[d].count() != expected)
        {
            throw path[d].corrupt("leaf holds " + path[d].count() + " entries but its parent counts " + expected);
        }
    }

    /**
     * Makes level d the cursor's leaf, standing on entry {@code at}, after checking every cell of it once
     * ({@link ReadNode#validateLeaf}): the steps through it then read only the recorded cells. Its first key must
     * be below its last: with the check in {@link #advance} that each leaf's keys lie beyond the previous leaf's,
     * the leaves a scan visits have strictly increasing key intervals, so no page is visited twice and a scan is
     * linear in the number of pages even when a damaged file's branches share children.
     *
     * <p>Before reading the leaf, it loads the header of the leaf a scan in direction {@code forward} reaches next
     * ({@link #prefetchNext}).
     */
    private void arriveAtLeaf(final int d, final int at, final boolean forward)
    {
        final ReadNode n = path[d];
        if (d > 0)
        {
            prefetchNext(d - 1, forward);
        }
        n.validateLeaf();
        final int count = n.count();
        if (count > 1 && n.compareCells(n.cells[0], n.cells[count - 1]) >= 0)
        {
            throw n.corrupt("keys out of order: the first key of the leaf is not below its last");
        }
        leaf = d;
        cells = n.cells;
        leafPage = n.buf;
        leafCount = count;
        this.at = at;
        valueLoaded = false;
    }

    /**
     * Loads the first word of the next sibling (in the scan's direction) of the child the branch at level
     * {@code parent} points the cursor to, if that branch has one: the leaf a scan enters after the current one,
     * unless it is counted empty or lies under another branch. The leaves of a tree loaded in random order lie in
     * no order in the file, so the first touch of each is a cache and TLB miss the hardware prefetcher cannot
     * foresee, and its cell-area loads ({@link ReadNode#validateLeaf}) depend on its header: issued here, the miss
     * on the next leaf's header overlaps with the loads of this leaf's cells instead of following them. A hint
     * only: it reads the parent's slot and cell without checking more than that they lie in the page, and the
     * page through {@link PageReader#prefetch}, which never throws; the leaf is checked as usual when the cursor
     * enters it.
     */
    private void prefetchNext(final int parent, final boolean forward)
    {
        final ReadNode p = path[parent];
        final int i = index[parent];
        if (p.pageId() == prefetchParent && (forward ? i + 1 < prefetchEnd : i - 1 > prefetchEnd))
        {
            return; // the next leaf's header was loaded with the previous batch
        }
        final int step = forward ? 1 : -1;
        int j = i + step;
        for (int k = 0; k < PREFETCH_BATCH; k++, j += step)
        {
            final long id = p.childHint(j);
            if (id < 0)
            {
                break;
            }
            prefetched += pages.prefetch(id);
        }
        prefetchParent = p.pageId();
        prefetchEnd = j;
    }

    /**
     * Moves to the first cell of the next leaf with entries (or the last cell of the previous one),
     * skipping subtrees counted empty. The new leaf's keys must lie strictly beyond the one left.
     */
    private boolean advance(final boolean forward)
    {
        final ReadNode left = path[leaf];
        final boolean bounded = leafCount > 0;
        if (bounded)
        {
            final long edge = cells[forward ? leafCount - 1 : 0];
            final int len = ReadNode.keyLengthOf(edge);
            boundary.putBytes(0, left.buf, ReadNode.keyOffsetOf(edge), len);
            boundaryLength = len;
        }
        int d = leaf - 1;
        int i = -1;
        while (d >= 0 && (i = nonEmptyChild(path[d], index[d] + (forward ? 1 : -1), forward)) < 0)
        {
            d--;
        }
        if (d < 0)
        {
            return unposition();
        }
        index[d] = i;
        descend(d, forward);
        if (bounded)
        {
            final int c = path[leaf].compareCell(cells[at], boundary, 0, boundaryLength);
            if (forward ? c <= 0 : c >= 0)
            {
                throw path[leaf].corrupt("keys out of order: the leaf's " + (forward ? "first" : "last") +
                    " key is not " + (forward ? "above" : "below") + " the keys of the leaf before it in the scan");
            }
        }
        return true;
    }
}
