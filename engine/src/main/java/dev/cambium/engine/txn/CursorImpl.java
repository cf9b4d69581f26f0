package dev.cambium.engine.txn;

import dev.cambium.Cursor;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.PageReader;
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
 * <p>Threads: the transaction's thread.
 */
final class CursorImpl implements Cursor
{
    private final TreeHandle tree;
    private final BTreeCursor cursor;
    private final UnsafeBuffer savedView = new UnsafeBuffer(0, 0);
    private byte[] savedKey;
    private boolean closed;

    CursorImpl(final TreeHandle tree, final PageReader pages)
    {
        this.tree = tree;
        this.cursor = new BTreeCursor(pages);
        cursor.reset(tree.root);
    }

    void detach()
    {
        if (savedKey == null && cursor.isPositioned())
        {
            savedKey = cursor.keyCopy();
        }
        cursor.reset(tree.root); // the path may point at pages about to change
    }

    private void checkUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("cursor is closed");
        }
        tree.checkUsable();
    }

    /** Starts a fresh positioning: forget any saved key and take the tree's current root. */
    private void fresh()
    {
        checkUsable();
        savedKey = null;
        cursor.reset(tree.root);
    }

    /**
     * Re-seeks a detached cursor to its saved key.
     *
     * @return true if the cursor now stands exactly on the saved key.
     */
    private boolean reattach()
    {
        cursor.reset(tree.root);
        savedView.wrap(savedKey);
        return cursor.seek(savedView, 0, savedKey.length) && cursor.compareKey(savedView, 0, savedKey.length) == 0;
    }

    @Override
    public boolean first()
    {
        fresh();
        return cursor.first();
    }

    @Override
    public boolean last()
    {
        fresh();
        return cursor.last();
    }

    @Override
    public boolean seek(final byte[] key)
    {
        Objects.requireNonNull(key, "key");
        savedView.wrap(key);
        return seek(savedView, 0, key.length);
    }

    @Override
    public boolean seek(final DirectBuffer key, final int offset, final int length)
    {
        Objects.requireNonNull(key, "key");
        fresh();
        return cursor.seek(key, offset, length);
    }

    @Override
    public boolean next()
    {
        checkUsable();
        if (savedKey != null)
        {
            final boolean exact = reattach();
            savedKey = null;
            if (!cursor.isPositioned())
            {
                return false;
            }
            return !exact || cursor.next(); // not exact: already on the smallest key greater than it
        }
        return cursor.next();
    }

    @Override
    public boolean prev()
    {
        checkUsable();
        if (savedKey != null)
        {
            reattach();
            savedKey = null;
            // Exact or on the successor: the previous entry is the largest key smaller than the saved one.
            return cursor.isPositioned() ? cursor.prev() : cursor.last();
        }
        return cursor.prev();
    }

    private void current()
    {
        checkUsable();
        if (savedKey != null)
        {
            if (!reattach())
            {
                // Stay detached: next() and prev() still move relative to the deleted key.
                cursor.reset(tree.root);
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
        finally
        {
            tree.fence();
        }
    }

    @Override
    public DirectBuffer keyBuffer()
    {
        current();
        return cursor.key();
    }

    @Override
    public DirectBuffer valueBuffer()
    {
        current();
        return cursor.value();
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            tree.closed(this);
        }
    }
}
