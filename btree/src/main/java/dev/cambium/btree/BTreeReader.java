package dev.cambium.btree;

import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Read-only operations on one B+tree: point lookups and ranks (counts of keys below a bound).
 *
 * <p>A tree is identified by its root page id and the revision that wrote the root (recorded wherever the root
 * is: in a catalog entry or the meta record); {@link #EMPTY} is the empty tree, whose root revision is 0. Every
 * descent carries the revision each pointer records and the page store compares it with the page's header, so a
 * lost or misdirected write is reported as damage instead of read as data. The reader holds reusable flyweights,
 * so lookups allocate nothing (values on overflow pages excepted).
 *
 * <p>Threads: not thread-safe; one instance per transaction.
 */
public class BTreeReader
{
    /** The root id of an empty tree. */
    public static final long EMPTY = 0;

    /**
     * Deepest tree accepted. A tree of minimal fan-out (3 entries a page) this deep would hold
     * more entries than a file of 2^63 bytes; a deeper descent means a cycle in a damaged file.
     */
    static final int MAX_DEPTH = 48;

    final PageReader pages;
    /** The lookups' flyweight; after {@link #findLeaf} it is on the leaf. */
    final ReadNode view = new ReadNode();
    final UnsafeBuffer overflowView = new UnsafeBuffer(0, 0);

    /**
     * @param pages where the tree's pages are read from.
     */
    public BTreeReader(final PageReader pages)
    {
        this.pages = pages;
    }

    /**
     * @return the page source this reader uses.
     */
    public PageReader pages()
    {
        return pages;
    }

    /**
     * Finds the leaf that would hold a key; {@link #view} is left on it.
     *
     * @return the key's index in the leaf if present, else {@code -(insertionPoint + 1)}.
     */
    final int findLeaf(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        long id = root;
        long revision = rootRevision;
        for (int depth = 0; depth < MAX_DEPTH; depth++)
        {
            final ReadNode n = view.wrap(pages, id, revision);
            if (n.isLeaf())
            {
                return n.search(key, keyOff, keyLen);
            }
            final int i = n.childIndex(key, keyOff, keyLen);
            id = n.child(i);
            revision = n.childRevision(i);
        }
        throw pages.corrupt(root, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }

    /**
     * Zero-copy lookup. An inline value is viewed in place (in the mapped file or the private page);
     * a value on overflow pages is copied into a new array first.
     *
     * @param root   the tree's root page id ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @param valueView wrapped around the value if found.
     * @return true if found; {@code valueView} then covers the value.
     */
    public boolean get(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen,
        final DirectBuffer valueView)
    {
        if (root == EMPTY)
        {
            return false;
        }
        final int idx = findLeaf(root, rootRevision, key, keyOff, keyLen);
        if (idx < 0)
        {
            return false;
        }
        final long cell = view.loadCell(idx);
        final int value = ReadNode.valueOf(cell);
        if (value < 0)
        {
            valueView
                .wrap(Overflow.read(pages, overflowView, view.overflowPage(cell), view.overflowRevision(cell), ~value));
        }
        else
        {
            valueView.wrap(view.buf, ReadNode.valueOffsetOf(cell), value);
        }
        return true;
    }

    /**
     * @param root   the tree's root page id ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return a copy of the value, or null if the key is absent.
     */
    public byte[] getCopy(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        if (root == EMPTY)
        {
            return null;
        }
        final int idx = findLeaf(root, rootRevision, key, keyOff, keyLen);
        if (idx < 0)
        {
            return null;
        }
        final long cell = view.loadCell(idx); // checks the value lies inside the page before allocating
        final int value = ReadNode.valueOf(cell);
        if (value < 0)
        {
            return Overflow.read(pages, overflowView, view.overflowPage(cell), view.overflowRevision(cell), ~value);
        }
        final byte[] out = new byte[value];
        view.buf.getBytes(ReadNode.valueOffsetOf(cell), out, 0, value);
        return out;
    }

    /**
     * @param root   the tree's root page id ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return true if the key is present.
     */
    public boolean contains(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        return root != EMPTY && findLeaf(root, rootRevision, key, keyOff, keyLen) >= 0;
    }

    /**
     * The rank of a key: how many entries are strictly less than it. O(depth x fan-out), using the
     * subtree counts in branch cells.
     * @param root   the tree's root page id ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param key    buffer holding the key.
     * @param keyOff offset of the key in {@code key}.
     * @param keyLen length of the key.
     * @return the number of entries whose key is less than {@code key}.
     */
    public long rank(
        final long root, final long rootRevision, final DirectBuffer key, final int keyOff, final int keyLen)
    {
        if (root == EMPTY)
        {
            return 0;
        }
        long rank = 0;
        long id = root;
        long revision = rootRevision;
        for (int depth = 0; depth < MAX_DEPTH; depth++)
        {
            final ReadNode n = view.wrap(pages, id, revision);
            if (n.isLeaf())
            {
                final int idx = n.search(key, keyOff, keyLen);
                return rank + (idx >= 0 ? idx : -(idx + 1));
            }
            final int i = n.childIndex(key, keyOff, keyLen);
            rank += n.sumCounts(i);
            id = n.child(i);
            revision = n.childRevision(i);
        }
        throw pages.corrupt(root, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
    }

    /**
     * Counts a tree's entries by walking it, checking on the way that every branch cell's subtree
     * count equals the entries below it and that no page is reached twice (for consistency checks;
     * O(pages) time and memory).
     *
     * @param root the tree's root.
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @return the number of entries.
     * @throws RuntimeException the reader's corruption exception on a wrong subtree count.
     */
    public long countEntries(final long root, final long rootRevision)
    {
        return root == EMPTY ? 0 : countBelow(root, rootRevision, 0, new LongHashSet());
    }

    private long countBelow(final long id, final long revision, final int depth, final LongHashSet seen)
    {
        if (depth >= MAX_DEPTH)
        {
            throw pages.corrupt(id, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (!seen.add(id))
        {
            // A shared page would be counted once per path to it: exponential in the depth.
            throw pages.corrupt(id, "page is reachable twice in one tree");
        }
        final Node n = new Node().wrap(pages, id, revision);
        for (int i = n.isLeaf() ? 0 : 1; i < n.count(); i++)
        {
            if (n.slotHead(i) != Node.head(n.buf, n.keyOffset(i), n.keyLength(i)))
            {
                throw pages.corrupt(id, "slot " + i + " holds a key head that does not match its key");
            }
        }
        if (n.isLeaf())
        {
            return n.count();
        }
        long total = 0;
        for (int i = 0; i < n.count(); i++)
        {
            final long below = countBelow(n.child(i), n.childRevision(i), depth + 1, seen);
            if (below != n.childCount(i))
            {
                throw pages.corrupt(id,
                    "cell " + i + " counts " + n.childCount(i) + " entries, its subtree holds " + below);
            }
            total += below;
        }
        return total;
    }

    /**
     * Visits every page of a tree (branches, leaves and overflow pages), for consistency checks and
     * page accounting. Recursion depth is bounded by {@link #MAX_DEPTH}.
     * @param root         the tree's root page id ({@link #EMPTY} for an empty tree).
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param visitor      called with every page id of the tree.
     */
    public void forEachPage(final long root, final long rootRevision, final java.util.function.LongConsumer visitor)
    {
        if (root != EMPTY)
        {
            visit(root, rootRevision, 0, (id, revision) ->
            {
                visitor.accept(id);
                return true;
            }, null);
        }
    }

    /**
     * Like {@link #forEachPage(long, long, java.util.function.LongConsumer)}, but the visitor decides whether to
     * descend below each page, and a page that cannot be read (checksum, structure, a revision other than its
     * pointer's) is reported to {@code onError} and its subtree skipped, so the walk goes on with the rest of the
     * tree (for consistency checks that should list every problem). A checker's visitor returns false for a page
     * it has seen before, so a damaged file whose branches share children costs one visit per page instead of a
     * walk exponential in the depth.
     *
     * @param root         the tree's root.
     * @param rootRevision the revision that wrote the root (0 for an empty tree).
     * @param visitor      called with every page reached and the revision its pointer records, before the page is
     *                     read; returns true to descend into it.
     * @param onError      called with the id of each unreadable page and why.
     */
    public void walkPages(
        final long root, final long rootRevision, final PageVisitor visitor,
        final java.util.function.BiConsumer<Long, RuntimeException> onError)
    {
        if (root != EMPTY)
        {
            visit(root, rootRevision, 0, visitor, onError);
        }
    }

    private void visit(
        final long id, final long revision, final int depth, final PageVisitor visitor,
        final java.util.function.BiConsumer<Long, RuntimeException> onError)
    {
        if (depth >= MAX_DEPTH)
        {
            throw pages.corrupt(id, "tree deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (!visitor.visit(id, revision))
        {
            return;
        }
        final Node n;
        try
        {
            n = new Node().wrap(pages, id, revision);
        }
        catch (final RuntimeException e)
        {
            if (onError == null)
            {
                throw e;
            }
            onError.accept(id, e);
            return;
        }
        final int count = n.count();
        if (n.isLeaf())
        {
            for (int i = 0; i < count; i++)
            {
                if (n.isOverflow(i))
                {
                    try
                    {
                        Overflow.forEachPage(pages, overflowView, n.overflowPage(i), n.overflowRevision(i),
                            n.valueLength(i), visitor);
                    }
                    catch (final RuntimeException e)
                    {
                        if (onError == null)
                        {
                            throw e;
                        }
                        onError.accept(n.overflowPage(i), e);
                    }
                }
            }
            return;
        }
        for (int i = 0; i < count; i++)
        {
            visit(n.child(i), n.childRevision(i), depth + 1, visitor, onError);
        }
    }

    /**
     * @param pageSize a page size.
     * @param keyLen   a key length.
     * @param valueLen a value length.
     * @return true if such an entry's value is stored on overflow pages.
     */
    public static boolean isOverflow(final int pageSize, final int keyLen, final int valueLen)
    {
        return (long)NodeLayout.LEAF_CELL_OVERHEAD + keyLen + valueLen + NodeLayout.SLOT_SIZE > NodeLayout
            .maxCellWithSlot(pageSize);
    }
}
