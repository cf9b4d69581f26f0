package dev.cambium.engine.txn;

import dev.cambium.engine.store.Meta;
import dev.cambium.revision.RevisionNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a read transaction must release, kept apart from the transaction so that the transaction
 * can become unreachable while this is still referenced: by the {@link java.lang.ref.Cleaner} that
 * releases a forgotten transaction (this object is the cleaning action) and by the engine's registry
 * of open read transactions. It must therefore never refer to its {@link ReadTxn}.
 *
 * <p>Threads: created by the thread that begins the read transaction. {@link #run()} is called
 * exactly once in practice, either by the thread that calls {@link ReadTxn#close()} (through
 * {@link java.lang.ref.Cleaner.Cleanable#clean()}) or by the cleaner's daemon thread after the
 * transaction became unreachable; it is idempotent anyway ({@link AtomicBoolean}), so the revision is
 * unpinned once. The accessors may be called from any thread.
 */
public final class ReaderPin implements Runnable
{
    /**
     * Told once when a pin is released.
     */
    @FunctionalInterface
    public interface Listener
    {
        /**
         * Called once per pin, after its revision was unpinned: on the closing thread for a normal
         * close, on the cleaner's thread for a leak.
         *
         * @param pin    the released pin.
         * @param leaked true if the transaction became unreachable without being closed.
         */
        void released(ReaderPin pin, boolean leaked);
    }

    private final RevisionNode<Meta> node;
    private final long openedNanos;
    private final Throwable origin;
    private final Listener listener;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean ageReported = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param node        the pinned revision; unpinned once by {@link #run()}.
     * @param openedNanos {@link System#nanoTime()} when the transaction began.
     * @param origin      where the transaction began, or {@code null} if not tracked.
     * @param listener    told once when the pin is released.
     */
    public ReaderPin(final RevisionNode<Meta> node, final long openedNanos, final Throwable origin,
        final Listener listener)
    {
        this.node = node;
        this.openedNanos = openedNanos;
        this.origin = origin;
        this.listener = listener;
    }

    /**
     * @return the pinned revision node.
     */
    public RevisionNode<Meta> node()
    {
        return node;
    }

    /**
     * @return the pinned revision.
     */
    public long revision()
    {
        return node.revision();
    }

    /**
     * @return {@link System#nanoTime()} when the transaction began.
     */
    public long openedNanos()
    {
        return openedNanos;
    }

    /**
     * @return where the transaction began, or {@code null} if origins are not tracked.
     */
    public Throwable origin()
    {
        return origin;
    }

    /**
     * @return {@link #origin()}'s stack trace as text, or {@code null}.
     */
    public String originText()
    {
        if (origin == null)
        {
            return null;
        }
        final StringWriter out = new StringWriter();
        origin.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * @return true once the revision has been unpinned.
     */
    public boolean isReleased()
    {
        return released.get();
    }

    /**
     * Claims the one age warning of this transaction. Any thread.
     *
     * @return true for the first caller only.
     */
    public boolean claimAgeReport()
    {
        return !ageReported.get() && ageReported.compareAndSet(false, true);
    }

    /**
     * Releases a pin whose transaction was never handed out (its construction failed). The calling
     * thread.
     */
    public void releaseUnused()
    {
        closed = true;
        run();
    }

    /** Called by {@link ReadTxn#close()} before it runs the cleanable: this release is not a leak. */
    void markClosed()
    {
        closed = true;
    }

    /**
     * Unpins the revision and tells the listener, the first time only. A call that {@link ReadTxn#close()}
     * did not announce is a leak: the transaction became unreachable while open.
     */
    @Override
    public void run()
    {
        if (released.compareAndSet(false, true))
        {
            node.unpin();
            listener.released(this, !closed);
        }
    }

    @Override
    public String toString()
    {
        return "ReaderPin{revision=" + node.revision() + (released.get() ? ", released" : "") + '}';
    }
}
