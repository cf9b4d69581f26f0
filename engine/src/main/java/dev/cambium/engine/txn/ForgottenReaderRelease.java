package dev.cambium.engine.txn;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * collector enqueues and releases them (a registration is the transaction's {@link ReaderPin}). A pin is released
 * exactly once: by whoever unlinks the registration (the closing thread or the daemon); a closed registration that
 * is enqueued later is found unlinked and ignored.
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
     * {@link #released} is what releasing the transaction means ({@link ReaderPin}: the pin is its own registration,
     * one object per transaction fewer). Whoever unlinks it calls {@link #released} (the unlink is under the stripe's
     * lock, so that is once), and the argument says who: so the release needs no flag of its own.
     */
    abstract static class Registration extends PhantomReference<ReadTxn>
    {
        private final Stripe stripe;
        /** Guarded by {@link #stripe}'s lock. */
        private Registration prev;
        /** Guarded by {@link #stripe}'s lock. */
        private Registration next;
        /** Guarded by {@link #stripe}'s lock: true while linked. */
        private boolean linked;

        /**
         * @param txn   the transaction, not referenced from this object (only through the phantom reference).
         * @param owner the registry that releases the transaction if it is forgotten.
         */
        Registration(final ReadTxn txn, final ForgottenReaderRelease owner)
        {
            // Thread ids are handed out in sequence, so the threads of a pool land on distinct stripes.
            this(txn, owner.queue, owner.stripes[(int)Thread.currentThread().getId() & (STRIPES - 1)]);
        }

        /**
         * @param txn    the transaction, not referenced from this object (only through the phantom reference).
         * @param queue  where the collector enqueues this registration.
         * @param stripe the stripe it is linked into.
         */
        Registration(final ReadTxn txn, final ReferenceQueue<ReadTxn> queue, final Stripe stripe)
        {
            super(txn, queue);
            this.stripe = stripe;
        }

        /** @return true while linked into its stripe; for tests, under the stripe's lock's visibility rules. */
        boolean isLinkedForTest()
        {
            return linked;
        }

        Registration nextForTest()
        {
            return next;
        }

        Registration prevForTest()
        {
            return prev;
        }

        /**
         * Releases the transaction: once, by the one caller that unlinks the registration.
         *
         * @param leaked true if the garbage collector found the transaction unreachable, false for a close.
         */
        abstract void released(boolean leaked);

        /**
         * Normal close: unlink and release on this thread. The reference is not cleared ({@code Reference.clear()}
         * is a native call in Java 17, about as costly as the rest of a close): once unlinked, it is reachable
         * only from its transaction, so it is not discovered while the transaction lives and dies with it; if a
         * collection enqueues it anyway (an old reference whose young transaction died), the daemon finds it
         * unlinked and does nothing.
         */
        final void clean()
        {
            if (stripe.unlink(this))
            {
                released(false);
            }
        }

        private void release()
        {
            if (stripe.unlink(this))
            {
                released(true);
            }
        }
    }

    /**
     * A doubly linked list of registrations under its own lock. The padding keeps two stripes' lock words and
     * heads off one cache line, so threads on different stripes do not slow each other.
     *
     * <p>The lock is a compare-and-set on {@link #lock} and a releasing store to free it: one locked instruction
     * per critical section, where a {@code synchronized} method takes two (a compare-and-set on the object's header
     * to enter and another to leave; biased locking is off from Java 15). A begin and end take the lock twice, so
     * this is two atomic instructions fewer per read transaction. The sections are a few stores long and the
     * stripes are chosen by thread, so the lock is nearly never contended; a waiter spins a little and then yields.
     */
    @SuppressWarnings("unused")
    static final class Stripe
    {
        private static final VarHandle LOCK;
        private static final int SPINS = 100;

        static
        {
            try
            {
                LOCK = MethodHandles.lookup().findVarHandle(Stripe.class, "lock", int.class);
            }
            catch (final ReflectiveOperationException e)
            {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long p1, p2, p3, p4, p5, p6, p7;
        /** 1 while held: taken by a compare-and-set, freed by a releasing store. */
        private int lock;
        /** Guarded by {@link #lock}. */
        private Registration head;
        private long q1, q2, q3, q4, q5, q6, q7;

        private void lock()
        {
            if (!LOCK.compareAndSet(this, 0, 1))
            {
                lockContended();
            }
        }

        private void lockContended()
        {
            int spins = 0;
            while ((int)LOCK.getOpaque(this) != 0 || !LOCK.compareAndSet(this, 0, 1))
            {
                if (++spins < SPINS)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    Thread.yield(); // the holder may have been descheduled inside its few stores
                }
            }
        }

        private void unlock()
        {
            LOCK.setRelease(this, 0);
        }

        /** @return the first registration in the list; for tests, after the threads that changed it were joined. */
        Registration headForTest()
        {
            return head;
        }

        void link(final Registration r)
        {
            lock();
            r.next = head;
            if (head != null)
            {
                head.prev = r;
            }
            head = r;
            r.linked = true;
            unlock();
        }

        /** @return true for the one caller that unlinks {@code r}. */
        boolean unlink(final Registration r)
        {
            lock();
            final boolean linked = r.linked;
            if (linked)
            {
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
            }
            unlock();
            return linked;
        }
    }
}
