package dev.cambium.engine.txn;

import dev.cambium.btree.BTreeReader;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.revision.RevisionNode;

/**
 * A read transaction: a pinned revision and a reader over its pages.
 *
 * <p>Threads: begun by any thread ({@link dev.cambium.engine.Engine#beginRead()}), then used by one
 * thread at a time. The pin (a refcount increment on the revision node) happens-before every page
 * read through it, and {@link #close()}'s unpin happens-before the cleaner may retire the node.
 */
public final class ReadTxn extends AbstractTxn
{
    private final RevisionNode<Meta> node;
    private final Runnable onClose;

    /**
     * @param store   the page store.
     * @param node    the pinned revision; unpinned by {@link #close()}.
     * @param onClose called once when the transaction closes (for statistics).
     */
    public ReadTxn(final PageStore store, final RevisionNode<Meta> node, final Runnable onClose)
    {
        this(new ReadPages(store, node.state().highWater()), node, onClose);
    }

    private ReadTxn(final ReadPages pages, final RevisionNode<Meta> node, final Runnable onClose)
    {
        super(pages, new BTreeReader(pages), node.state().catalogRoot(), node.state().treeCount(),
            node.state().highWater());
        this.node = node;
        this.onClose = onClose;
    }

    /**
     * @return the pinned revision's meta.
     */
    public Meta meta()
    {
        return node.state();
    }

    @Override
    boolean writable()
    {
        return false;
    }

    @Override
    public long revision()
    {
        return node.revision();
    }

    @Override
    public void close()
    {
        if (!ended)
        {
            ended = true;
            node.unpin();
            onClose.run();
        }
    }

    @Override
    public String toString()
    {
        return "ReadTransaction{revision=" + node.revision() + (ended ? ", ended" : "") + '}';
    }
}
