package dev.cambium.engine.txn;

import dev.cambium.btree.BTreeCursor;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.revision.RevisionNode;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.ref.Reference;

/**
 * A read transaction: a pinned revision and a reader over its pages.
 *
 * <p>Threads: begun by any thread ({@link dev.cambium.engine.Engine#beginRead()}), then used by one
 * thread at a time. The pin (a refcount increment on the revision node) happens-before every page
 * read through it, and {@link #close()}'s unpin happens-before the cleaner may retire the node.
 *
 * <p>Forgotten transactions: each transaction's {@link ReaderPin} is registered with
 * {@link ForgottenReaderRelease} (it refers to the transaction only as a phantom reference). If the transaction becomes
 * unreachable without {@link #close()}, its daemon thread unpins the revision and the engine logs
 * a warning. {@link #close()} deregisters the pin and releases it on the calling thread as a normal
 * close; the pin is released exactly once either way (by whoever deregisters it). A
 * transaction that is unreachable while one of its trees is still executing a read (for example
 * {@code db.beginRead().tree("t").get(k)}, never closed) may be released during that read: the
 * result is as undefined as for any read after close.
 */
public final class ReadTxn extends AbstractTxn
{
    private final RevisionNode<Meta> node;
    private final ReaderPin pin;
    /** Freed on close for the next read transaction of its thread; never by the release of a forgotten one. */
    private final ReadContext context;

    /**
     * @param store    the page store.
     * @param node     the revision, pinned on {@code stripe} by the caller; released by {@link #close()} or, if this
     *                 transaction becomes unreachable first, by {@code cleaner}. If this constructor throws, the
     *                 caller unpins it.
     * @param stripe   the refcount stripe {@code node} was pinned on.
     * @param opener   creates the transaction's pin, which {@link ForgottenReaderRelease#SHARED} releases if this
     *                 transaction is forgotten.
     * @param contexts where the page reader and scratch views come from: the calling thread's, reused.
     */
    public ReadTxn(final PageStore store, final RevisionNode<Meta> node, final int stripe,
        final ReaderPin.Opener opener, final ReadContext.Pool contexts)
    {
        this(store, contexts.acquire(node.state()), node, stripe, opener);
    }

    private ReadTxn(final PageStore store, final ReadContext context, final RevisionNode<Meta> node,
        final int stripe, final ReaderPin.Opener opener)
    {
        super(store, context.pages, context.reader, context.scratch, node.state().catalogRoot(),
            node.state().catalogRootRevision(), node.state().treeCount(), node.state().highWater());
        this.node = node;
        this.context = context;
        // Last: from here on the pin, not the caller, releases the revision. It refers to this transaction only
        // through its phantom reference, or this could never become phantom reachable.
        this.pin = opener.opened(this, node, stripe);
        ForgottenReaderRelease.SHARED.register(pin);
    }

    /**
     * @return the pinned revision's meta.
     */
    public Meta meta()
    {
        return node.state();
    }

    /**
     * @return the thread's read context this transaction uses.
     */
    ReadContext context()
    {
        return context;
    }

    /**
     * @return this transaction's pin (its registration for release if forgotten).
     */
    public ReaderPin pin()
    {
        return pin;
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

    /** From the thread's catalog entries of this revision if its last transactions opened the tree, else the catalog. */
    @Override
    TreeHandle openHandle(final String name)
    {
        final TreeCache trees = context.trees;
        final long revision = node.revision();
        final int slot = trees.find(name, revision);
        if (slot >= 0)
        {
            return new TreeHandle(this, name, trees.encoded(slot), trees.root(slot), trees.rootRevision(slot),
                trees.size(slot));
        }
        final TreeHandle h = super.openHandle(name);
        trees.put(name, h.encodedName, revision, h.root, h.rootRevision, h.size);
        return h;
    }

    /** The context's tree cursor while no other open cursor of this transaction holds it, else a new one. */
    @Override
    BTreeCursor takeCursor()
    {
        if (context.cursorFree)
        {
            context.cursorFree = false;
            final BTreeCursor c = context.cursor;
            c.renewViews(); // the last cursor's views stay where they were; see renewViews for the cost
            return c;
        }
        return super.takeCursor();
    }

    @Override
    UnsafeBuffer argViewFor(final BTreeCursor c)
    {
        return c == context.cursor ? context.cursorArg : super.argViewFor(c);
    }

    /**
     * Frees the context's tree cursor if {@code c} is it. A cursor closed after its transaction ended gives nothing
     * back: the context may already serve a later transaction, whose own cursor may hold it.
     */
    @Override
    void giveBack(final BTreeCursor c)
    {
        if (!ended && c == context.cursor)
        {
            context.cursorFree = true;
        }
    }

    @Override
    public void close()
    {
        if (!ended)
        {
            ended = true;
            pin.clean(); // releases the pin now, on this thread, and deregisters it
            context.release(); // after the last use of its reader and views by this transaction
        }
        // Keep this reachable until the pin is unlinked, so that the release daemon cannot report a
        // transaction being closed as a leak.
        Reference.reachabilityFence(this);
    }

    @Override
    public String toString()
    {
        return "ReadTransaction{revision=" + node.revision() + (ended ? ", ended" : "") + '}';
    }
}
