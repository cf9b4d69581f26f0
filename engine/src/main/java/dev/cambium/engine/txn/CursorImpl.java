package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.Cursor;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.engine.store.PageStore;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Objects;

/**
 * The public cursor over a {@link BTreeCursor}.
 *
 * <p>In a write transaction the tree's pages may change in place under the cursor. Before any
 * change, the tree handle calls {@link #detach()}: a positioned cursor copies its current key and
 * forgets its path. On next use it seeks that key again in the tree as it now is, which gives the
 * by-key semantics documented on {@link Cursor}. Read-transaction cursors never detach.
 *
 * <p>A bounded cursor keeps its bounds as views and checks them after every move with
 * {@link BTreeCursor#compareKey}, in place: bounding costs one key comparison per step and no
 * allocation. An unbounded cursor skips the checks.
 *
 * <p>Threads: the transaction's thread.
 */
final class CursorImpl implements Cursor
{
    private final TreeHandle tree;
    /** The tree's transaction and store, held here so that {@link #checkUsable} reads each flag in one load. */
    private final AbstractTxn txn;
    private final PageStore store;
    private final BTreeCursor cursor;
    /**
     * A view of a caller's key array during a seek, or of the saved key during {@link #reattach()}. Like
     * {@link #cursor}, it may be the read context's and serve a later cursor once this one is closed: both are used
     * only after {@link #checkUsable()}.
     */
    private final UnsafeBuffer argView;
    /** Inclusive lower bound, or null. */
    private final UnsafeBuffer low;
    private final int lowLength;
    /** Exclusive upper bound, or null. */
    private final UnsafeBuffer high;
    private final int highLength;
    private byte[] savedKey;
    private boolean closed;

    CursorImpl(final TreeHandle tree, final byte[] low, final byte[] high)
    {
        this.tree = tree;
        this.txn = tree.txn();
        this.store = txn.store();
        this.cursor = txn.takeCursor();
        this.argView = txn.argViewFor(cursor);
        // An empty lower bound admits every key: no check needed.
        this.low = low == null || low.length == 0 ? null : new UnsafeBuffer(low);
        this.lowLength = low == null ? 0 : low.length;
        this.high = high == null ? null : new UnsafeBuffer(high);
        this.highLength = high == null ? 0 : high.length;
        cursor.reset(tree.root, tree.rootRevision);
    }

    /**
     * @return the tree cursor this cursor moves (its read context's, or its own).
     */
    BTreeCursor treeCursor()
    {
        return cursor;
    }

    void detach()
    {
        if (savedKey == null && cursor.isPositioned())
        {
            savedKey = cursor.keyCopy();
        }
        cursor.reset(tree.root, tree.rootRevision); // the path may point at pages about to change
    }

    /**
     * Runs on every call, steps and views included: the four flags are read from objects the cursor holds
     * directly (independent loads, no chain through the tree handle), and the checks that name the failure run
     * only when one of them is set.
     */
    private void checkUsable()
    {
        if (closed | txn.ended | tree.dropped | store.isClosed())
        {
            if (closed)
            {
                throw new IllegalStateException("cursor is closed");
            }
            tree.checkUsable();
        }
    }

    /** Starts a fresh positioning: forget any saved key and take the tree's current root. */
    private void fresh()
    {
        checkUsable();
        savedKey = null;
        cursor.reset(tree.root, tree.rootRevision);
    }

    /**
     * Re-seeks a detached cursor to its saved key.
     *
     * @return true if the cursor now stands exactly on the saved key.
     */
    private boolean reattach()
    {
        cursor.reset(tree.root, tree.rootRevision);
        argView.wrap(savedKey);
        return cursor.seek(argView, 0, savedKey.length) && cursor.compareKey(argView, 0, savedKey.length) == 0;
    }

    @Override
    public boolean first()
    {
        fresh();
        try
        {
            return withinHigh(low == null ? cursor.first() : cursor.seek(low, 0, lowLength));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean last()
    {
        fresh();
        try
        {
            return withinLow(high == null ? cursor.last() : rawLower(high, 0, highLength));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean seek(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        checkUsable(); // before the view is touched: a closed cursor's view may be a later cursor's
        argView.wrap(key);
        return seek(argView, 0, key.length);
    }

    @Override
    public boolean seek(final DirectBuffer key, final int offset, final int length)
    {
        Objects.requireNonNull(key, "key");
        TreeHandle.checkKeyRange(key, offset, length);
        fresh();
        try
        {
            return withinHigh(raiseToLow(cursor.seek(key, offset, length)));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean seekCeiling(final byte[] key)
    {
        return seek(key);
    }

    @Override
    public boolean seekFloor(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        fresh();
        argView.wrap(key);
        try
        {
            return withinLow(lowerToHigh(rawFloor(argView, 0, key.length)));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean seekHigher(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        fresh();
        argView.wrap(key);
        try
        {
            final boolean found = cursor.seek(argView, 0, key.length) &&
                (cursor.compareKey(argView, 0, key.length) != 0 || cursor.next());
            return withinHigh(raiseToLow(found));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean seekLower(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        fresh();
        argView.wrap(key);
        try
        {
            return withinLow(lowerToHigh(rawLower(argView, 0, key.length)));
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    /** The largest key {@code <= key}, ignoring bounds. */
    private boolean rawFloor(final DirectBuffer key, final int offset, final int length)
    {
        if (!cursor.seek(key, offset, length))
        {
            return cursor.last();
        }
        return cursor.compareKey(key, offset, length) == 0 || cursor.prev();
    }

    /** The largest key {@code < key}, ignoring bounds. */
    private boolean rawLower(final DirectBuffer key, final int offset, final int length)
    {
        return cursor.seek(key, offset, length) ? cursor.prev() : cursor.last();
    }

    /** After a forward seek: if it landed below the lower bound, the range starts at the bound. */
    private boolean raiseToLow(final boolean positioned)
    {
        if (positioned && low != null && cursor.compareKey(low, 0, lowLength) < 0)
        {
            return cursor.seek(low, 0, lowLength);
        }
        return positioned;
    }

    /** After a backward seek: if it landed at or above the upper bound, the range ends below the bound. */
    private boolean lowerToHigh(final boolean positioned)
    {
        if (positioned && high != null && cursor.compareKey(high, 0, highLength) >= 0)
        {
            return rawLower(high, 0, highLength);
        }
        return positioned;
    }

    /** Unpositions the cursor if it stands at or past the upper bound. */
    private boolean withinHigh(final boolean positioned)
    {
        if (positioned && high != null && cursor.compareKey(high, 0, highLength) >= 0)
        {
            cursor.reset(tree.root, tree.rootRevision);
            return false;
        }
        return positioned;
    }

    /** Unpositions the cursor if it stands below the lower bound. */
    private boolean withinLow(final boolean positioned)
    {
        if (positioned && low != null && cursor.compareKey(low, 0, lowLength) < 0)
        {
            cursor.reset(tree.root, tree.rootRevision);
            return false;
        }
        return positioned;
    }

    @Override
    public boolean next()
    {
        checkUsable();
        try
        {
            if (savedKey != null)
            {
                final boolean exact = reattach();
                savedKey = null;
                if (!cursor.isPositioned())
                {
                    return false;
                }
                // not exact: already on the smallest key greater than it
                return withinHigh(raiseToLow(!exact || cursor.next()));
            }
            return withinHigh(cursor.next());
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean prev()
    {
        checkUsable();
        try
        {
            if (savedKey != null)
            {
                reattach();
                savedKey = null;
                // Exact or on the successor: the previous entry is the largest key smaller than the saved one.
                return withinLow(lowerToHigh(cursor.isPositioned() ? cursor.prev() : cursor.last()));
            }
            return withinLow(cursor.prev());
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    private void current()
    {
        checkUsable();
        if (savedKey != null)
        {
            final boolean exact;
            try
            {
                exact = reattach();
            }
            catch (final CorruptDatabaseException e)
            {
                throw tree.located(e);
            }
            if (!exact)
            {
                // Stay detached: next() and prev() still move relative to the deleted key.
                cursor.reset(tree.root, tree.rootRevision);
                throw new IllegalStateException("the entry under the cursor was deleted in this transaction");
            }
            savedKey = null;
        }
    }

    @Override
    public byte[] key()
    {
        current();
        try
        {
            return cursor.keyCopy();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
        finally
        {
            tree.fence(); // see TreeHandle.fence()
        }
    }

    @Override
    public byte[] value()
    {
        current();
        try
        {
            return cursor.valueCopy();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
        finally
        {
            tree.fence();
        }
    }

    @Override
    public DirectBuffer keyBuffer()
    {
        current();
        try
        {
            return cursor.key();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public DirectBuffer valueBuffer()
    {
        current();
        try
        {
            return cursor.value();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            tree.closed(this);
            txn.giveBack(cursor);
        }
    }
}
