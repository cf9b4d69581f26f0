package dev.cambium.engine.txn;

import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageStore;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a read transaction uses besides its pin and its trees (its page reader, tree reader and scratch views),
 * kept from one read transaction to the next that its thread begins, so that a begin and end allocate only the
 * transaction's own small objects: before, a begin and end allocated about 840 bytes, most of it these objects,
 * and at that rate the fresh memory (cache misses and page faults on new young-generation regions) cost more than
 * the work of the transaction.
 *
 * <p>Nothing here refers to a transaction or a tree handle: a context stays in its thread's slot, and a reference
 * from there to a transaction that was never closed would keep it reachable, so {@link ForgottenReaderRelease}
 * would never release it. What a context holds between transactions is no data a later transaction could take for
 * its own revision's: the next transaction re-targets the page reader ({@link ReadPages#reset}) before its first
 * read, the views are re-wrapped by every call that uses them, the tree cursor is re-pointed at a root
 * ({@link BTreeCursor#reset}) before every positioning, and the catalog entries in {@link #trees} are used only by a
 * transaction of the revision they were read in.
 *
 * <p>Threads: {@link Pool#acquire} on the thread beginning a read transaction; {@link #release()} by the thread
 * that closes it (the same or another one, as a transaction may be handed from thread to thread). The context is
 * used by one transaction at a time: {@link Pool#acquire} takes the calling thread's context only if it is free
 * (an acquiring read of {@link #inUse}), and {@link #release()} frees it with a releasing write after the closing
 * thread's last use. So the closing thread's uses happen-before the next transaction's, even when they run on two
 * threads. A context that is in use (a transaction begun inside another on the same thread, or one that was never
 * closed) is replaced in the slot by a new one, so one forgotten transaction does not cost its thread the reuse
 * for good. A transaction released as forgotten never frees its context; the context is then garbage with it.
 */
public final class ReadContext
{
    private static final VarHandle IN_USE;

    static
    {
        try
        {
            IN_USE = MethodHandles.lookup().findVarHandle(ReadContext.class, "inUse", boolean.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ReadPages pages;
    final BTreeReader reader;
    final Scratch scratch = new Scratch();
    /**
     * The tree cursor and argument view behind the first open cursor of a transaction ({@link ReadTxn#takeCursor}):
     * a cursor and its per-level flyweights and cell array were about 1.2 KB of every scan. The public cursor
     * ({@link CursorImpl}) stays a new object per {@code Tree.cursor()} and checks that it and its transaction are
     * open before every use of these, so a closed cursor, or one of a closed transaction, never reaches them again.
     */
    final BTreeCursor cursor;
    final UnsafeBuffer cursorArg = new UnsafeBuffer(0, 0);
    /** False while a cursor of the context's transaction holds {@link #cursor}; the transaction's thread. */
    boolean cursorFree = true;
    /** The catalog entries this thread's transactions looked up, by revision. */
    final TreeCache trees = new TreeCache();
    /** Accessed through {@link #IN_USE} with acquire/release semantics. */
    @SuppressWarnings("unused")
    private boolean inUse;

    private ReadContext(final PageStore store, final Meta meta)
    {
        this.pages = new ReadPages(store, meta);
        this.reader = new BTreeReader(pages);
        this.cursor = new BTreeCursor(pages);
    }

    /**
     * Frees this context for the next read transaction of the thread whose slot holds it. The closing thread,
     * after its last use of the context.
     */
    void release()
    {
        // Cursors of the ended transaction that were never closed can no longer use it: they check the transaction.
        cursorFree = true;
        IN_USE.setRelease(this, false);
    }

    /**
     * The read contexts of one page store: one slot per thread.
     *
     * <p>Threads: {@link #acquire} from any thread; each thread only ever touches its own slot.
     */
    public static final class Pool
    {
        private final PageStore store;
        private final ThreadLocal<ReadContext> slots = new ThreadLocal<>();

        /**
         * @param store the page store whose revisions the contexts read.
         */
        public Pool(final PageStore store)
        {
            this.store = store;
        }

        /**
         * @param meta the revision the new read transaction reads.
         * @return the calling thread's context, now in use and reading {@code meta}; a new one if the thread's
         * context is still in use.
         */
        ReadContext acquire(final Meta meta)
        {
            final ReadContext c = slots.get();
            if (c != null && !(boolean)IN_USE.getAcquire(c))
            {
                IN_USE.setOpaque(c, true);
                c.pages.reset(meta);
                return c;
            }
            final ReadContext fresh = new ReadContext(store, meta);
            IN_USE.setOpaque(fresh, true);
            slots.set(fresh);
            return fresh;
        }
    }
}
