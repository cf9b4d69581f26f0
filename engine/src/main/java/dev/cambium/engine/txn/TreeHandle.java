package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.Cursor;
import dev.cambium.LimitExceededException;
import dev.cambium.NoSuchTreeException;
import dev.cambium.ReadOnlyTransactionException;
import dev.cambium.Tree;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.codec.KeyRange;
import dev.cambium.engine.store.PageDamage;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named tree as one transaction sees it: the tree's root and entry count, plus, in a write
 * transaction, the cursors to notify before a change (so they can keep their position by key).
 *
 * <p>Threads: the transaction's thread.
 */
final class TreeHandle implements Tree
{
    private final AbstractTxn txn;
    private final String name;
    final byte[] encodedName;
    /** The open cursors of a write transaction's tree (read-transaction cursors never detach); null until one. */
    private List<CursorImpl> cursors;
    long root;
    /** The revision that wrote the root page (0 for an empty tree), as its catalog entry records. */
    long rootRevision;
    long size;
    boolean dirty;
    boolean dropped;

    TreeHandle(final AbstractTxn txn, final String name, final byte[] encodedName, final long root,
        final long rootRevision, final long size)
    {
        this.txn = txn;
        this.name = name;
        this.encodedName = encodedName;
        this.root = root;
        this.rootRevision = rootRevision;
        this.size = size;
    }

    @Override
    public String name()
    {
        return name;
    }

    void checkUsable()
    {
        txn.checkOpen();
        if (dropped)
        {
            throw new NoSuchTreeException("tree '" + name + "' was dropped in this transaction");
        }
    }

    private void checkKey(final int length)
    {
        if (length < 1)
        {
            throw new IllegalArgumentException("a key must not be empty");
        }
        if (length > txn.maxKeyLength)
        {
            throw new LimitExceededException("key is " + length + " bytes; the limit at page size " +
                txn.pages.pageSize() + " is " + txn.maxKeyLength);
        }
    }

    /**
     * Rejects a key range outside its buffer as a bad argument (the lookups read the key's bytes without
     * further checks).
     */
    static void checkKeyRange(final DirectBuffer key, final int offset, final int length)
    {
        if (offset < 0 || length < 0 || (long)offset + length > key.capacity())
        {
            throw new IllegalArgumentException("key range [" + offset + ", " + ((long)offset + length) +
                ") lies outside its buffer of " + key.capacity() + " bytes");
        }
    }

    /**
     * @return the transaction this handle belongs to.
     */
    AbstractTxn txn()
    {
        return txn;
    }

    private WriteTxn writer()
    {
        if (!txn.writable())
        {
            throw new ReadOnlyTransactionException("tree '" + name + "' belongs to a read transaction");
        }
        return (WriteTxn)txn;
    }

    @Override
    public byte[] get(final byte[] key)
    {
        checkUsable();
        Objects.requireNonNull(key, "key");
        checkKey(key.length);
        txn.keyScratch.wrap(key);
        try
        {
            return txn.reader.getCopy(root, rootRevision, txn.keyScratch, 0, key.length);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        finally
        {
            fence();
        }
    }

    @Override
    public boolean get(final DirectBuffer key, final int offset, final int length, final DirectBuffer valueView)
    {
        checkUsable();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(valueView, "valueView");
        checkKey(length);
        checkKeyRange(key, offset, length);
        try
        {
            return txn.reader.get(root, rootRevision, key, offset, length, valueView);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        finally
        {
            fence();
        }
    }

    @Override
    public boolean containsKey(final byte[] key)
    {
        // Checked before the scratch view is touched: a closed read transaction's views are a later one's.
        checkUsable();
        Objects.requireNonNull(key, "key");
        txn.keyScratch.wrap(key);
        return containsKey(txn.keyScratch, 0, key.length);
    }

    @Override
    public boolean containsKey(final DirectBuffer key, final int offset, final int length)
    {
        checkUsable();
        Objects.requireNonNull(key, "key");
        checkKey(length);
        checkKeyRange(key, offset, length);
        try
        {
            return txn.reader.contains(root, rootRevision, key, offset, length);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        finally
        {
            fence();
        }
    }

    @Override
    public void put(final byte[] key, final byte[] value)
    {
        checkUsable();
        writer();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        txn.keyScratch.wrap(key);
        txn.valueScratch.wrap(value);
        put(txn.keyScratch, 0, key.length, txn.valueScratch, 0, value.length);
    }

    @Override
    public void put(
        final DirectBuffer key, final int keyOffset, final int keyLength,
        final DirectBuffer value, final int valueOffset, final int valueLength)
    {
        checkUsable();
        final WriteTxn w = writer();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        checkKey(keyLength);
        if (valueLength < 0)
        {
            throw new IllegalArgumentException("negative value length " + valueLength);
        }
        beforeChange();
        try
        {
            root = w.writer.put(root, rootRevision, size, key, keyOffset, keyLength, value, valueOffset, valueLength);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        rootRevision = w.writer.rootRevision();
        if (w.writer.lastPutInserted())
        {
            size++;
        }
        dirty = true;
    }

    @Override
    public boolean delete(final byte[] key)
    {
        checkUsable();
        writer();
        Objects.requireNonNull(key, "key");
        txn.keyScratch.wrap(key);
        return delete(txn.keyScratch, 0, key.length);
    }

    @Override
    public boolean delete(final DirectBuffer key, final int offset, final int length)
    {
        checkUsable();
        final WriteTxn w = writer();
        Objects.requireNonNull(key, "key");
        checkKey(length);
        checkKeyRange(key, offset, length);
        try
        {
            if (!txn.reader.contains(root, rootRevision, key, offset, length))
            {
                return false; // nothing copied, cursors undisturbed
            }
            beforeChange();
            root = w.writer.delete(root, rootRevision, key, offset, length);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        rootRevision = w.writer.rootRevision();
        size--;
        dirty = true;
        return true;
    }

    @Override
    public long size()
    {
        checkUsable();
        return size;
    }

    @Override
    public long count(final byte[] fromInclusive, final byte[] toExclusive)
    {
        checkUsable();
        try
        {
            final long from = fromInclusive == null ? 0 : rank(fromInclusive);
            final long to = toExclusive == null ? size : rank(toExclusive);
            return Math.max(0, to - from);
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        finally
        {
            fence();
        }
    }

    private long rank(final byte[] key)
    {
        // Bounds are not stored keys: an empty or over-long bound is still a valid position.
        final UnsafeBuffer b = new UnsafeBuffer(key);
        return txn.reader.rank(root, rootRevision, b, 0, key.length);
    }

    @Override
    public long deleteRange(final byte[] fromInclusive, final byte[] toExclusive)
    {
        checkUsable();
        final WriteTxn w = writer();
        final long n = count(fromInclusive, toExclusive);
        if (n == 0)
        {
            return 0; // nothing copied, cursors undisturbed
        }
        // The count says how many entries follow the lower bound inside the range: delete the first
        // one at or after the bound n times, with no comparison against the upper bound.
        final BTreeCursor c = new BTreeCursor(txn.pages);
        final UnsafeBuffer from = fromInclusive == null ? null : new UnsafeBuffer(fromInclusive);
        final ExpandableArrayBuffer victim = new ExpandableArrayBuffer(64);
        beforeChange();
        try
        {
            for (long i = 0; i < n; i++)
            {
                c.reset(root, rootRevision);
                final boolean found = from == null ? c.first() : c.seek(from, 0, fromInclusive.length);
                if (!found)
                {
                    throw new IllegalStateException("tree '" + name + "': count said " + n + " entries, found " + i);
                }
                // The key view points into a page the delete may change in place: copy it first.
                final DirectBuffer key = c.key();
                final int length = key.capacity();
                victim.putBytes(0, key, 0, length);
                root = w.writer.delete(root, rootRevision, victim, 0, length);
                rootRevision = w.writer.rootRevision();
                size--;
            }
        }
        catch (final CorruptDatabaseException e)
        {
            throw located(e);
        }
        dirty = true;
        return n;
    }

    @Override
    public Cursor cursor()
    {
        checkUsable();
        return register(new CursorImpl(this, null, null));
    }

    @Override
    public Cursor cursor(final KeyRange range)
    {
        checkUsable();
        Objects.requireNonNull(range, "range");
        return register(new CursorImpl(this, range.from(), range.to()));
    }

    private Cursor register(final CursorImpl c)
    {
        if (txn.writable())
        {
            if (cursors == null)
            {
                cursors = new ArrayList<>(2);
            }
            cursors.add(c);
        }
        return c;
    }

    /**
     * Keeps the transaction reachable until a read through it has finished. A read transaction that
     * is never closed is released by {@link ForgottenReaderRelease} once unreachable; without this
     * fence, {@code db.beginRead().tree("t").get(k)} could see its transaction collected (and its
     * pages reclaimed) while the lookup is still reading them.
     */
    void fence()
    {
        java.lang.ref.Reference.reachabilityFence(txn);
    }

    /**
     * @param e a failure while reading this tree's pages.
     * @return the same failure, naming this tree (the page store names only the page).
     */
    CorruptDatabaseException located(final CorruptDatabaseException e)
    {
        return PageDamage.located("tree '" + name + "'", e);
    }

    void closed(final CursorImpl c)
    {
        if (cursors != null)
        {
            cursors.remove(c);
        }
    }

    /** Before the tree changes, every positioned cursor saves the key it stands on. */
    private void beforeChange()
    {
        if (cursors == null)
        {
            return;
        }
        for (int i = 0; i < cursors.size(); i++)
        {
            cursors.get(i).detach();
        }
    }

    void markDropped()
    {
        dropped = true;
        if (cursors != null)
        {
            cursors.clear();
        }
    }

    @Override
    public String toString()
    {
        return "Tree{" + name + ", size=" + size + '}';
    }
}
