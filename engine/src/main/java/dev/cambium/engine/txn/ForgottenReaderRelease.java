package dev.cambium.engine.txn;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;

/**
 * Releases read transactions that become unreachable without {@link ReadTxn#close()}: what a
 * {@link java.lang.ref.Cleaner} does, with its registry split into stripes.
 *
 * <p>Why not the JDK {@code Cleaner}: every registration and every {@code clean()} enters one
 * {@code synchronized} list per cleaner, so reader threads that begin and end transactions at a high rate
 * contend on that lock (a third of the time of a begin/end pair with two threads). Here a registration links a
 * {@link PhantomReference} into the stripe chosen by the registering thread's id and a close unlinks it from
 * the same stripe: threads of one process mostly hold distinct stripes, so the lock is uncontended and costs a
 * compare-and-set. Each transaction is still registered, so every forgotten one is found (nothing is sampled).
 *
 * <p>One daemon thread per JVM ({@code cambium-read-transaction-cleaner}) takes the references the garbage
 * collector enqueues and runs them (a registration is the transaction's {@link ReaderPin}). A pin runs exactly
 * once: whoever unlinks the registration (the closing thread or the daemon) runs it, and a closed registration is
 * cleared so that it is never enqueued.
 *
 * <p>Threads: {@link #register} and {@link Registration#clean()} from any thread.
 */
public final class ForgottenReaderRelease
{
    /** The registry every engine of the JVM shares. */
    public static final ForgottenReaderRelease SHARED = new ForgottenReaderRelease("cambium-read-transaction-cleaner");

    /** A power of two; comfortably more than the cores of the machines this runs on. */
    private static final int STRIPES = 64;

    private final ReferenceQueue<ReadTxn> queue = new ReferenceQueue<>();
    private final Stripe[] stripes = new Stripe[STRIPES];

    private ForgottenReaderRelease(final String threadName)
    {
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Stripe();
        }
        final Thread t = new Thread(this::releaseEnqueued, threadName);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Links a registration into the stripe chosen when it was created: from now on, if its transaction becomes
     * phantom reachable without {@link Registration#clean()} having been called, the daemon thread runs it.
     *
     * @param r the registration of a transaction being begun, made on this thread.
     */
    void register(final Registration r)
    {
        r.stripe.link(r);
    }

    private void releaseEnqueued()
    {
        while (true)
        {
            try
            {
                final Registration r = (Registration)queue.remove();
                r.release();
            }
            catch (final InterruptedException e)
            {
                // A daemon that must outlive interrupts: the only way to end it is the JVM's exit.
                Thread.interrupted();
            }
            catch (final RuntimeException e)
            {
                // A failure in one release (the listener's logging) must not stop the release of later leaks.
                System.getLogger(ForgottenReaderRelease.class.getName()).log(System.Logger.Level.ERROR,
                    "releasing a forgotten read transaction failed", e);
            }
        }
    }

    /**
     * One transaction's registration: a phantom reference to it, linked into a stripe until released, whose
     * {@link #run()} is what releasing the transaction means ({@link ReaderPin}: the pin is its own registration,
     * one object per transaction fewer).
     */
    abstract static class Registration extends PhantomReference<ReadTxn> implements Runnable
    {
        private final Stripe stripe;
        /** Guarded by {@link #stripe}. */
        private Registration prev;
        /** Guarded by {@link #stripe}. */
        private Registration next;
        /** Guarded by {@link #stripe}: true while linked. */
        private boolean linked;

        /**
         * @param txn   the transaction, not referenced from this object (only through the phantom reference).
         * @param owner the registry that releases the transaction if it is forgotten.
         */
        Registration(final ReadTxn txn, final ForgottenReaderRelease owner)
        {
            super(txn, owner.queue);
            // Thread ids are handed out in sequence, so the threads of a pool land on distinct stripes.
            this.stripe = owner.stripes[(int)Thread.currentThread().getId() & (STRIPES - 1)];
        }

        /** Normal close: unlink, never enqueue, run the release on this thread. */
        final void clean()
        {
            if (stripe.unlink(this))
            {
                clear();
                run();
            }
        }

        private void release()
        {
            if (stripe.unlink(this))
            {
                run();
            }
        }
    }

    /**
     * A doubly linked list of registrations under its own lock. The padding keeps two stripes' lock words and
     * heads off one cache line, so threads on different stripes do not slow each other.
     */
    @SuppressWarnings("unused")
    private static final class Stripe
    {
        private long p1, p2, p3, p4, p5, p6, p7;
        private Registration head;
        private long q1, q2, q3, q4, q5, q6, q7;

        synchronized void link(final Registration r)
        {
            r.next = head;
            if (head != null)
            {
                head.prev = r;
            }
            head = r;
            r.linked = true;
        }

        /** @return true for the one caller that unlinks {@code r}. */
        synchronized boolean unlink(final Registration r)
        {
            if (!r.linked)
            {
                return false;
            }
            r.linked = false;
            if (r.prev != null)
            {
                r.prev.next = r.next;
            }
            else
            {
                head = r.next;
            }
            if (r.next != null)
            {
                r.next.prev = r.prev;
            }
            r.prev = null;
            r.next = null;
            return true;
        }
    }
}
