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
 * <p>Refcount states, per stripe: {@code >= 0} live (that many pins), {@link #RETIRED} retired. The count is
 * split into {@link #STRIPES} stripes, each on its own pair of cache lines, and a reader pins the stripe of its thread
 * ({@link #stripeOfCurrentThread()}): reader threads beginning and ending transactions on the same revision then
 * do not pass one cache line back and forth (with one shared word, the compare-and-set on it was a quarter of
 * the samples of a begin and end with two threads). A pin records its stripe and is released on that stripe, by
 * whichever thread releases it.
 *
 * <p>A retired node can never be pinned again, and a pinned node can never be retired: retirement turns the
 * stripes from 0 into the tombstone one after the other, and if one of them is pinned it gives up and turns the
 * ones it took back into 0. A pin is a CAS on its stripe that refuses the tombstone. So a pin that succeeds on a
 * stripe before the cleaner reaches it makes the retirement fail; a pin that comes after it fails (for good once
 * every stripe is taken, or for a moment if the retirement gives up, which only sends the reader back to the
 * head: the node is no longer the head, since the head is never retired). The node is retired once the last
 * stripe is taken, and that one is never given back.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class RevisionNode<S>
{
    /** Tombstone refcount value; far from 0 so that a stray unpin cannot bring it back to a live count. */
    static final int RETIRED = Integer.MIN_VALUE;

    /**
     * Stripes of the refcount: a power of two, twice the processors (so that a few more reader threads than
     * cores mostly land on distinct stripes), between 2 and 16.
     */
    public static final int STRIPES = Math.max(2, Math.min(16,
        Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors())) * 2));

    /**
     * Ints between two stripes: 128 bytes, two cache lines, because x86 cores fetch lines in adjacent pairs (the
     * spatial prefetcher), which makes neighbouring 64-byte lines share writes as one line would; the JDK's
     * {@code @Contended} pads by 128 bytes for the same reason.
     */
    private static final int STRIDE = 32;

    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final long revision;
    private final S state;
    private final ObsoletePages obsolete;

    /** Cleaner thread only: set once the obsolete pages were taken by {@link #harvestObsolete()}. */
    private boolean harvested;

    /**
     * The stripes at {@code (1 + i) * STRIDE}, with a stride of padding before the first one (the array header
     * shares its line with other objects). Accessed only through {@link #COUNTS} (volatile semantics for every
     * read and CAS).
     */
    private final int[] counts = new int[(STRIPES + 1) * STRIDE];

    /**
     * Link to the next older live node. Written by the writer once before publication (through the
     * constructor) and afterwards only by the cleaner thread when it unlinks retired nodes.
     */
    volatile RevisionNode<S> older;

    RevisionNode(long revision, S state, ObsoletePages obsolete, RevisionNode<S> older)
    {
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
    public long revision()
    {
        return revision;
    }

    /**
     * The engine's immutable state of this revision. Any thread holding a pin (or the writer/cleaner).
     *
     * @return the state given to {@link RevisionList#publish}
     */
    public S state()
    {
        return state;
    }

    /**
     * Pages this revision's commit made obsolete, each with the revision at which it had been written. May be
     * empty, never {@code null}.
     *
     * @return the obsolete pages
     */
    public ObsoletePages obsolete()
    {
        return obsolete;
    }

    /**
     * Hands this node's obsolete pages to the cleaner exactly once: the first call returns them, every
     * later call returns null. Once per node is what keeps a page from being reclaimed (and handed to
     * the writer) twice. The single cleaner thread only.
     *
     * @return the obsolete pages on the first call, then null
     */
    public ObsoletePages harvestObsolete()
    {
        if (harvested)
        {
            return null;
        }
        harvested = true;
        return obsolete;
    }

    /**
     * The stripe a reader on the calling thread pins. Any thread; the same thread always gets the same stripe.
     * Thread ids are handed out in sequence, so the threads of a pool land on distinct stripes.
     *
     * @return a stripe in {@code [0, STRIPES)}
     */
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    public static int stripeOfCurrentThread()
    {
        return (int)Thread.currentThread().getId() & (STRIPES - 1);
    }

    private static int index(int stripe)
    {
        return (1 + stripe) * STRIDE;
    }

    private int count(int stripe)
    {
        return (int)COUNTS.getVolatile(counts, index(stripe));
    }

    /**
     * The current number of pins, or {@link Integer#MIN_VALUE} once retired. Any thread; a snapshot only (a
     * racy sum over the stripes).
     *
     * @return the number of pins, or the tombstone value
     */
    public int refCount()
    {
        if (isRetired())
        {
            return RETIRED;
        }
        int sum = 0;
        for (int i = 0; i < STRIPES; i++)
        {
            sum += Math.max(0, count(i));
        }
        return sum;
    }

    /**
     * Whether the cleaner has retired this node. Any thread; once true, stays true.
     *
     * @return true if retired
     */
    public boolean isRetired()
    {
        // The last stripe is taken only after all the others, and never given back.
        return count(STRIPES - 1) < 0;
    }

    /**
     * Releases one pin taken by {@link RevisionList#pin()}, on stripe 0.
     *
     * @throws IllegalStateException if the node is not pinned (underflow) or is retired
     */
    public void unpin()
    {
        unpin(0);
    }

    /**
     * Releases one pin taken by {@link RevisionList#pin(int)} on the same stripe. Any thread, once per
     * successful pin. The CAS that decrements the count happens-before the cleaner's successful retire CAS of
     * that stripe, which reads the value it wrote.
     *
     * @param stripe the stripe the pin was taken on
     * @throws IllegalStateException if that stripe is not pinned (underflow) or the node is retired
     */
    public void unpin(int stripe)
    {
        final int i = index(stripe);
        for (;;)
        {
            final int count = (int)COUNTS.getVolatile(counts, i);
            if (count <= 0)
            {
                throw new IllegalStateException(count < 0
                    ? "unpin of retired revision " + revision
                    : "unpin of unpinned revision " + revision + " (stripe " + stripe + ")");
            }
            if (COUNTS.compareAndSet(counts, i, count, count - 1))
            {
                return;
            }
        }
    }

    /**
     * Takes a pin on a stripe unless that stripe is retired. Reader threads.
     *
     * @param stripe the stripe
     * @return true if pinned; false if the node is (being) retired and the caller must look at the head again
     */
    boolean tryPin(int stripe)
    {
        final int i = index(stripe);
        for (;;)
        {
            final int count = (int)COUNTS.getVolatile(counts, i);
            if (count < 0)
            {
                return false;
            }
            // A failed CAS here means another reader of this stripe pinned/unpinned, or the cleaner retired: re-read.
            if (COUNTS.compareAndSet(counts, i, count, count + 1))
            {
                return true;
            }
        }
    }

    /**
     * Retires the node if nobody holds a pin. Cleaner thread only, never on the head.
     *
     * @return true if this call turned every stripe from 0 into the tombstone
     */
    boolean tryRetire()
    {
        for (int s = 0; s < STRIPES; s++)
        {
            if (!COUNTS.compareAndSet(counts, index(s), 0, RETIRED))
            {
                // Pinned: give back the stripes taken so far (no pin can have changed them: a pin refuses the
                // tombstone and an unpin of a stripe at the tombstone throws).
                for (int r = s - 1; r >= 0; r--)
                {
                    COUNTS.setVolatile(counts, index(r), 0);
                }
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString()
    {
        final int count = refCount();
        return "RevisionNode{revision=" + revision + (count < 0 ? ", retired" : ", pins=" + count) + '}';
    }
}
