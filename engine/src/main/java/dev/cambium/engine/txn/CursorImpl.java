package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
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
        cursor.reset(tree.root, tree.rootRevision);
    }

    void detach()
    {
        if (savedKey == null && cursor.isPositioned())
        {
            savedKey = cursor.keyCopy();
        }
        cursor.reset(tree.root, tree.rootRevision); // the path may point at pages about to change
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
        savedView.wrap(savedKey);
        return cursor.seek(savedView, 0, savedKey.length) && cursor.compareKey(savedView, 0, savedKey.length) == 0;
    }

    @Override
    public boolean first()
    {
        fresh();
        try
        {
            return cursor.first();
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
            return cursor.last();
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
        savedView.wrap(key);
        return seek(savedView, 0, key.length);
    }

    @Override
    public boolean seek(final DirectBuffer key, final int offset, final int length)
    {
        Objects.requireNonNull(key, "key");
        TreeHandle.checkKeyRange(key, offset, length);
        fresh();
        try
        {
            return cursor.seek(key, offset, length);
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    @Override
    public boolean next()
    {
        checkUsable();
        try
        {
            return moveNext();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    private boolean moveNext()
    {
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
        try
        {
            return movePrev();
        }
        catch (final CorruptDatabaseException e)
        {
            throw tree.located(e);
        }
    }

    private boolean movePrev()
    {
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
        }
    }
}
