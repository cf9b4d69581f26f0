package dev.cambium.engine.txn;

import dev.cambium.engine.store.Meta;
import dev.cambium.revision.RevisionNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What a read transaction must release, kept apart from the transaction so that the transaction
 * can become unreachable while this is still referenced: by {@link ForgottenReaderRelease}, which releases a
 * forgotten transaction (this object is its registration there: a phantom reference to the transaction, and the
 * cleaning action) and by the engine's registry of open read transactions. It must therefore never refer to its
 * {@link ReadTxn} other than through the phantom reference.
 *
 * <p>Threads: created by the thread that begins the read transaction. {@link #released} is called exactly once,
 * by whoever unlinks the registration under its stripe's lock: the thread that calls {@link ReadTxn#close()}
 * (through {@link ForgottenReaderRelease.Registration#clean()}) or the release daemon thread after the transaction
 * became unreachable; so the revision is unpinned once, with no flag of the pin's own to compare-and-set. The
 * accessors may be called from any thread.
 */
public class ReaderPin extends ForgottenReaderRelease.Registration
{
    /**
     * Creates the pin of a read transaction being begun.
     */
    @FunctionalInterface
    public interface Opener
    {
        /**
         * Called by the transaction's constructor, last.
         *
         * @param txn    the transaction, to be referenced only through the pin's phantom reference.
         * @param node   the pinned revision.
         * @param stripe the refcount stripe it was pinned on.
         * @return the new pin, not yet registered with {@link ForgottenReaderRelease}.
         */
        ReaderPin opened(ReadTxn txn, RevisionNode<Meta> node, int stripe);
    }

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

    /**
     * {@link #openedNanos()} of a transaction whose open time was not recorded (neither ages nor origins are
     * tracked, so nothing reads it but the leak warning, which then leaves the age out).
     */
    public static final long UNTIMED = Long.MIN_VALUE;

    private static final VarHandle RELEASED;
    private static final VarHandle AGE_REPORTED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            RELEASED = lookup.findVarHandle(ReaderPin.class, "released", boolean.class);
            AGE_REPORTED = lookup.findVarHandle(ReaderPin.class, "ageReported", boolean.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RevisionNode<Meta> node;
    private final int stripe;
    private final Listener listener;
    // Flags in this object rather than AtomicBooleans: two objects fewer per read transaction.
    /** Set once with a releasing write (a plain store on x86, where a volatile one is a full fence), read with an acquiring one. */
    @SuppressWarnings("unused")
    private boolean released;
    private volatile boolean ageReported;

    private ReaderPin(final ReadTxn txn, final RevisionNode<Meta> node, final int stripe, final Listener listener)
    {
        super(txn, ForgottenReaderRelease.SHARED);
        this.node = node;
        this.stripe = stripe;
        this.listener = listener;
    }

    /**
     * Creates the pin of a transaction being begun. Its open time and origin are kept only when given: an
     * untracked pin is 16 bytes smaller (56 bytes), and one is allocated per read transaction.
     *
     * @param txn         the transaction; referenced only through the phantom reference.
     * @param node        the pinned revision; unpinned once by {@link #released}.
     * @param stripe      the refcount stripe the node was pinned on ({@link dev.cambium.revision.RevisionList#pin(int)}).
     * @param openedNanos {@link System#nanoTime()} when the transaction began, or {@link #UNTIMED}.
     * @param origin      where the transaction began, or {@code null} if not tracked.
     * @param listener    told once when the pin is released.
     * @return the pin, not yet registered.
     */
    public static ReaderPin of(final ReadTxn txn, final RevisionNode<Meta> node, final int stripe,
        final long openedNanos, final Throwable origin, final Listener listener)
    {
        return openedNanos == UNTIMED && origin == null
            ? new ReaderPin(txn, node, stripe, listener)
            : new Tracked(txn, node, stripe, openedNanos, origin, listener);
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
     * @return {@link System#nanoTime()} when the transaction began, or {@link #UNTIMED} if not recorded.
     */
    public long openedNanos()
    {
        return UNTIMED;
    }

    /**
     * @return where the transaction began, or {@code null} if origins are not tracked.
     */
    public Throwable origin()
    {
        return null;
    }

    /**
     * @return {@link #origin()}'s stack trace as text, or {@code null}.
     */
    public String originText()
    {
        final Throwable origin = origin();
        if (origin == null)
        {
            return null;
        }
        final StringWriter out = new StringWriter();
        origin.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * @return true once the revision has been unpinned and the listener told.
     */
    public boolean isReleased()
    {
        return (boolean)RELEASED.getAcquire(this);
    }

    /**
     * Claims the one age warning of this transaction. Any thread.
     *
     * @return true for the first caller only.
     */
    public boolean claimAgeReport()
    {
        return !ageReported && AGE_REPORTED.compareAndSet(this, false, true);
    }

    /**
     * Unpins the revision and tells the listener. Called once (see the class comment).
     *
     * @param leaked true if the transaction became unreachable while open, false for {@link ReadTxn#close()}.
     */
    @Override
    void released(final boolean leaked)
    {
        node.unpin(stripe);
        try
        {
            listener.released(this, leaked);
        }
        finally
        {
            // Last: whoever sees the pin released also sees what the listener did (the count of leaks).
            RELEASED.setRelease(this, true);
        }
    }

    @Override
    public String toString()
    {
        return "ReaderPin{revision=" + node.revision() + (isReleased() ? ", released" : "") + '}';
    }

    /** A pin that keeps its transaction's open time and origin, for the age report and the leak warning. */
    private static final class Tracked extends ReaderPin
    {
        private final long openedNanos;
        private final Throwable origin;

        Tracked(final ReadTxn txn, final RevisionNode<Meta> node, final int stripe, final long openedNanos,
            final Throwable origin, final Listener listener)
        {
            super(txn, node, stripe, listener);
            this.openedNanos = openedNanos;
            this.origin = origin;
        }

        @Override
        public long openedNanos()
        {
            return openedNanos;
        }

        @Override
        public Throwable origin()
        {
            return origin;
        }
    }
}
