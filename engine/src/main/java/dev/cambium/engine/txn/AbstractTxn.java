package dev.cambium.engine.txn;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.DatabaseClosedException;
import dev.cambium.LimitExceededException;
import dev.cambium.NoSuchTreeException;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.TransactionClosedException;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.NodeLayout;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.store.PageDamage;
import dev.cambium.engine.store.PageStore;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What read and write transactions share: the catalog lookup and the tree handles.
 *
 * <p>Threads: one thread at a time, as documented on {@link ReadTransaction}.
 */
abstract class AbstractTxn implements ReadTransaction
{
    /** Consulted before every call, so that a transaction stops at its first call after the database closes. */
    private final PageStore store;
    final PageReader pages;
    final BTreeReader reader;
    /** The one tree handle while the transaction has opened one tree, so that a read transaction needs no map. */
    private TreeHandle onlyHandle;
    /** The tree handles by name once the transaction has opened a second tree; null before. */
    private Map<String, TreeHandle> handles;
    final Scratch scratch;
    final UnsafeBuffer keyScratch;
    final UnsafeBuffer valueScratch;
    final UnsafeBuffer entryView;
    final long highWaterForValidation;
    final int maxKeyLength;
    long catalogRoot;
    long catalogRootRevision;
    long treeCount;
    boolean ended;

    AbstractTxn(final PageStore store, final PageReader pages, final BTreeReader reader, final Scratch scratch,
        final long catalogRoot, final long catalogRootRevision, final long treeCount, final long highWater)
    {
        this.store = store;
        this.pages = pages;
        this.reader = reader;
        this.scratch = scratch;
        this.keyScratch = scratch.key;
        this.valueScratch = scratch.value;
        this.entryView = scratch.entry;
        this.catalogRoot = catalogRoot;
        this.catalogRootRevision = catalogRootRevision;
        this.treeCount = treeCount;
        this.highWaterForValidation = highWater;
        this.maxKeyLength = NodeLayout.maxKeyLength(pages.pageSize());
    }

    abstract boolean writable();

    /** The high-water mark that catalog entries are validated against. */
    long highWater()
    {
        return highWaterForValidation;
    }

    /**
     * Every call on a transaction, its trees and their cursors starts here. A cursor step inside one leaf reads no
     * new page, so without the store check it would go on returning entries after {@code Database.close()}; the
     * check costs one volatile read (a plain load on x86 and ARM64's load-acquire).
     *
     * @throws TransactionClosedException if the transaction has ended.
     * @throws DatabaseClosedException    if the database was closed.
     */
    /**
     * @return the page store, whose {@link PageStore#isClosed()} a cursor reads on each call.
     */
    final PageStore store()
    {
        return store;
    }

    final void checkOpen()
    {
        if (ended)
        {
            throw new TransactionClosedException("the transaction has ended (committed, rolled back or closed)");
        }
        if (store.isClosed())
        {
            throw new DatabaseClosedException("database " + store.path() + " is closed");
        }
    }

    final byte[] encodeName(final String name)
    {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("a tree name must not be empty");
        }
        final byte[] bytes = scratch.encode(name);
        if (bytes.length > maxKeyLength)
        {
            throw new LimitExceededException(
                "tree name is " + bytes.length + " bytes of UTF-8; the limit at page size " +
                    pages.pageSize() + " is " + maxKeyLength);
        }
        return bytes;
    }

    /**
     * Looks a tree up in the catalog.
     *
     * @return true if found; the entry is then in {@link #entryView}.
     */
    final boolean lookup(final byte[] name)
    {
        keyScratch.wrap(name);
        try
        {
            if (!reader.get(catalogRoot, catalogRootRevision, keyScratch, 0, name.length, entryView))
            {
                return false;
            }
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("catalog", e);
        }
        if (!CatalogEntry.isValid(entryView, highWater(), revision()))
        {
            throw pages.corrupt(catalogRoot, "catalog entry for tree '" +
                new String(name, StandardCharsets.UTF_8) + "' is malformed");
        }
        return true;
    }

    /**
     * @param name a tree name.
     * @return the handle this transaction opened for it, or null.
     */
    final TreeHandle handle(final String name)
    {
        if (handles != null)
        {
            return handles.get(name);
        }
        final TreeHandle h = onlyHandle;
        return h != null && h.name().equals(name) ? h : null;
    }

    /**
     * Records a handle this transaction opened (none for its name yet).
     *
     * @param h the handle.
     */
    final void addHandle(final TreeHandle h)
    {
        if (handles == null)
        {
            if (onlyHandle == null)
            {
                onlyHandle = h;
                return;
            }
            handles = new HashMap<>(4);
            handles.put(onlyHandle.name(), onlyHandle);
            onlyHandle = null;
        }
        handles.put(h.name(), h);
    }

    /**
     * Forgets the handle of a tree.
     *
     * @param name the tree's name.
     */
    final void removeHandle(final String name)
    {
        if (handles != null)
        {
            handles.remove(name);
        }
        else if (onlyHandle != null && onlyHandle.name().equals(name))
        {
            onlyHandle = null;
        }
    }

    /** Forgets every handle. */
    final void clearHandles()
    {
        handles = null;
        onlyHandle = null;
    }

    /**
     * @return the handles this transaction opened, in no particular order (a copy).
     */
    final List<TreeHandle> openedHandles()
    {
        if (handles != null)
        {
            return new ArrayList<>(handles.values());
        }
        return onlyHandle == null ? List.of() : List.of(onlyHandle);
    }

    @Override
    public Tree tree(final String name)
    {
        checkOpen();
        final TreeHandle h = handle(name);
        if (h != null)
        {
            return h;
        }
        final TreeHandle handle = openHandle(name);
        addHandle(handle);
        return handle;
    }

    /**
     * Looks a tree up in the catalog and makes a handle for it (not yet recorded). The transaction is open.
     *
     * @param name the tree's name.
     * @return a new handle.
     * @throws NoSuchTreeException if the catalog has no such tree.
     */
    TreeHandle openHandle(final String name)
    {
        final byte[] bytes = encodeName(name);
        if (!lookup(bytes))
        {
            throw new NoSuchTreeException("no tree named '" + name + "'");
        }
        return new TreeHandle(this, name, bytes, CatalogEntry.root(entryView), CatalogEntry.rootRevision(entryView),
            CatalogEntry.size(entryView));
    }

    /**
     * The tree cursor a new public cursor of this transaction moves. The transaction is open.
     *
     * @return a tree cursor no other open cursor uses.
     */
    BTreeCursor takeCursor()
    {
        return new BTreeCursor(pages);
    }

    /**
     * @param c a tree cursor {@link #takeCursor()} returned.
     * @return the view the public cursor over {@code c} wraps around its callers' keys; no other open cursor's.
     */
    UnsafeBuffer argViewFor(final BTreeCursor c)
    {
        return new UnsafeBuffer(0, 0);
    }

    /**
     * Called by a public cursor's first close with the tree cursor {@link #takeCursor()} gave it, which it never
     * uses again.
     *
     * @param c the tree cursor.
     */
    void giveBack(final BTreeCursor c)
    {
        // nothing to do: it was the cursor's own
    }

    @Override
    public boolean hasTree(final String name)
    {
        checkOpen();
        return handle(name) != null || lookup(encodeName(name));
    }

    @Override
    public List<String> treeNames()
    {
        checkOpen();
        final List<String> names = new ArrayList<>();
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(catalogRoot, catalogRootRevision);
        try
        {
            for (boolean ok = c.first(); ok; ok = c.next())
            {
                names.add(new String(c.keyCopy(), StandardCharsets.UTF_8));
            }
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("catalog", e);
        }
        return names;
    }
}
