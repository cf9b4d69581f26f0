package dev.cambium.revision;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One published revision: its immutable engine state, the pages its commit made obsolete, and a reader
 * refcount that the cleaner turns into a tombstone when it retires the node.
 *
 * <p>All fields but the refcount and the {@code older} link are final and written by the writer thread
 * before the node is published through {@link RevisionList}'s head; a reader that obtains the node from
 * the head therefore sees them fully constructed.
 *
 * <p>Refcount states: {@code >= 0} live (that many pins), {@link #RETIRED} retired for good. A retired node
 * can never be pinned again, and a pinned node can never be retired: both transitions are CASes on the
 * same word, so exactly one of "last unpin then retire" and "pin" wins.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class RevisionNode<S> {
    /** Tombstone refcount value; far from 0 so that a stray unpin cannot bring it back to a live count. */
    static final int RETIRED = Integer.MIN_VALUE;


    private static final VarHandle REF_COUNT;

    static {
        try {
            REF_COUNT = MethodHandles.lookup().findVarHandle(RevisionNode.class, "refCount", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long revision;
    private final S state;
    private final ObsoletePages obsolete;

    /** Cleaner thread only: set once the obsolete pages were taken by {@link #harvestObsolete()}. */
    private boolean harvested;

    /** Accessed only through {@link #REF_COUNT} (volatile semantics for every read and CAS). */
    private volatile int refCount;

    /**
     * Link to the next older live node. Written by the writer once before publication (through the
     * constructor) and afterwards only by the cleaner thread when it unlinks retired nodes.
     */
    volatile RevisionNode<S> older;

    RevisionNode(long revision, S state, ObsoletePages obsolete, RevisionNode<S> older) {
        this.revision = revision;
        this.state = state;
        this.obsolete = obsolete == null ? ObsoletePages.NONE : obsolete;
        this.older = older;
    }

    /**
     * The revision number. Any thread.
     *
     * @return the revision this node was published as
     */
    public long revision() {
        return revision;
    }

    /**
     * The engine's immutable state of this revision. Any thread holding a pin (or the writer/cleaner).
     *
     * @return the state given to {@link RevisionList#publish}
     */
    public S state() {
        return state;
    }

    /**
     * Pages this revision's commit made obsolete, each with the revision at which it had been written. May be
     * empty, never {@code null}.
     *
     * @return the obsolete pages
     */
    public ObsoletePages obsolete() {
        return obsolete;
    }

    /**
     * Hands this node's obsolete pages to the cleaner exactly once: the first call returns them, every
     * later call returns null. Once per node is what keeps a page from being reclaimed (and handed to
     * the writer) twice. The single cleaner thread only.
     *
     * @return the obsolete pages on the first call, then null
     */
    public ObsoletePages harvestObsolete() {
        if (harvested) {
            return null;
        }
        harvested = true;
        return obsolete;
    }

    /**
     * The current number of pins, or {@link Integer#MIN_VALUE} once retired. Any thread; a snapshot only.
     *
     * @return the raw refcount word
     */
    public int refCount() {
        return refCount;
    }

    /**
     * Whether the cleaner has retired this node. Any thread; once true, stays true.
     *
     * @return true if retired
     */
    public boolean isRetired() {
        return refCount < 0;
    }

    /**
     * Releases one pin taken by {@link RevisionList#pin()}. Reader threads only, once per successful pin.
     * The CAS that decrements the count happens-before the cleaner's successful retire CAS that reads 0.
     *
     * @throws IllegalStateException if the node is not pinned (underflow) or is retired
     */
    public void unpin() {
        for (;;) {
            final int count = refCount;
            if (count <= 0) {
                throw new IllegalStateException(count < 0
                        ? "unpin of retired revision " + revision
                        : "unpin of unpinned revision " + revision);
            }
            if (REF_COUNT.compareAndSet(this, count, count - 1)) {
                return;
            }
        }
    }

    /**
     * Takes a pin unless the node is retired. Reader threads.
     *
     * @return true if pinned; false if the node is retired and the caller must look at the head again
     */
    boolean tryPin() {
        for (;;) {
            final int count = refCount;
            if (count < 0) {
                return false;
            }
            // A failed CAS here means another reader pinned/unpinned, or the cleaner retired: re-read.
            if (REF_COUNT.compareAndSet(this, count, count + 1)) {
                return true;
            }
        }
    }

    /**
     * Retires the node if nobody holds a pin. Cleaner thread only, never on the head.
     *
     * @return true if this call turned the count from 0 into the tombstone
     */
    boolean tryRetire() {
        return REF_COUNT.compareAndSet(this, 0, RETIRED);
    }

    @Override
    public String toString() {
        final int count = refCount;
        return "RevisionNode{revision=" + revision + (count < 0 ? ", retired" : ", pins=" + count) + '}';
    }
}
