package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A position in one B+tree: the path of (page, index) pairs from the root to a leaf cell.
 *
 * <p>The cursor keeps a flyweight per level, so moving within a leaf touches only that leaf and
 * crossing to the next leaf walks up only as far as needed. Empty leaves (possible after deletes,
 * see {@link BTreeWriter}) are skipped.
 *
 * <p>The cursor assumes the pages it stands on do not change under it; in a write transaction the
 * engine re-seeks it after the tree changes.
 *
 * <p>Threads: not thread-safe; one transaction's thread.
 */
public final class BTreeCursor
{
    private final PageReader pages;
    private final Node[] path = new Node[BTreeReader.MAX_DEPTH];
    private final int[] index = new int[BTreeReader.MAX_DEPTH];
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer overflowView = new UnsafeBuffer(0, 0);
    private long root = BTreeReader.EMPTY;
    private int leaf = -1;
    private boolean valueLoaded;

    /**
     * @param pages where the tree's pages are read from.
     */
    public BTreeCursor(final PageReader pages)
    {
        this.pages = pages;
        for (int i = 0; i < path.length; i++)
        {
            path[i] = new Node();
        }
    }

    /**
     * Points the cursor at a (possibly new) root and unpositions it.
     *
     * @param root the tree's root page id.
     */
    public void reset(final long root)
    {
        this.root = root;
        this.leaf = -1;
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
        if (root == BTreeReader.EMPTY)
        {
            return unposition();
        }
        path[0].wrap(pages, root);
        index[0] = 0;
        return descend(0, true) || advance(true);
    }

    /**
     * @return true if positioned on the last entry.
     */
    public boolean last()
    {
        if (root == BTreeReader.EMPTY)
        {
            return unposition();
        }
        final Node n = path[0].wrap(pages, root);
        index[0] = n.isLeaf() ? n.count() - 1 : n.count() - 1;
        return descend(0, false) || advance(false);
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
        for (int d = 0; d < path.length; d++)
        {
            final Node n = path[d].wrap(pages, id);
            if (n.isLeaf())
            {
                final int idx = n.search(key, keyOff, keyLen);
                index[d] = idx >= 0 ? idx : -(idx + 1);
                leaf = d;
                valueLoaded = false;
                return index[d] < n.count() || advance(true);
            }
            final int i = n.childIndex(key, keyOff, keyLen);
            index[d] = i;
            id = n.child(i);
        }
        throw pages.corrupt(root, "tree deeper than " + path.length + " levels (a cycle?)");
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
        if (++index[leaf] < path[leaf].count())
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
        if (--index[leaf] >= 0)
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
        final Node n = path[leaf];
        final int i = index[leaf];
        keyView.wrap(n.buf, n.keyOffset(i), n.keyLength(i));
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
            final Node n = path[leaf];
            final int i = index[leaf];
            final int len = n.valueLength(i);
            if (n.isOverflow(i))
            {
                valueView.wrap(Overflow.read(pages, overflowView, n.overflowPage(i), len));
            }
            else
            {
                valueView.wrap(n.buf, n.valueOffset(i), len);
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
        return path[leaf].compareKey(index[leaf], key, keyOff, keyLen);
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
     * From index[d] at level d, walks down to a leaf along the first (or last) children.
     *
     * @return true if the leaf reached is non-empty (the cursor is then on its first or last cell).
     */
    private boolean descend(final int from, final boolean forward)
    {
        int d = from;
        while (!path[d].isLeaf())
        {
            if (d + 1 >= path.length)
            {
                throw pages.corrupt(root, "tree deeper than " + path.length + " levels (a cycle?)");
            }
            final long child = path[d].child(index[d]);
            final Node c = path[d + 1].wrap(pages, child);
            d++;
            index[d] = forward ? 0 : c.count() - 1;
        }
        leaf = d;
        valueLoaded = false;
        final int count = path[d].count();
        index[d] = forward ? 0 : count - 1;
        return count > 0;
    }

    /**
     * Moves to the first cell of the next non-empty leaf (or last cell of the previous one).
     */
    private boolean advance(final boolean forward)
    {
        while (true)
        {
            int d = leaf - 1;
            while (d >= 0 && (forward ? index[d] + 1 >= path[d].count() : index[d] - 1 < 0))
            {
                d--;
            }
            if (d < 0)
            {
                return unposition();
            }
            index[d] += forward ? 1 : -1;
            if (descend(d, forward))
            {
                return true;
            }
        }
    }
}
