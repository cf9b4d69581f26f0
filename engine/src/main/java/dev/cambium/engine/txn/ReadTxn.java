package dev.cambium.engine.txn;

import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;
import dev.cambium.revision.RevisionNode;

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
