package dev.cambium.engine.txn;

import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.lang.ref.ReferenceQueue;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Lincheck model check of the lock of {@link ForgottenReaderRelease}'s stripes (a compare-and-set and a releasing
 * store): two threads link and unlink registrations of one stripe at once, as a closing thread unlinks from the
 * stripe of the thread that began the transaction while that thread links its next one. After the joins the list
 * must hold exactly the registrations flagged linked, with consistent links, and every registration that was
 * linked must have been unlinked by exactly one caller. Invocations: {@code -Dcambium.lincheck.invocations}.
 */
@Isolated("Lincheck tests must not run in parallel")
class ReleaseStripeModelCheckTest
{
    private static final int INVOCATIONS = Integer.getInteger("cambium.lincheck.invocations", 2_000);

    /** A registration with no transaction, whose release only counts. */
    private static final class Counted extends ForgottenReaderRelease.Registration
    {
        int released;

        Counted(final ForgottenReaderRelease.Stripe stripe)
        {
            super(null, new ReferenceQueue<>(), stripe);
        }

        @Override
        void released(final boolean leaked)
        {
            released++;
        }
    }

    @Test
    void shouldKeepTheListAndTheLinkedFlagsConsistentWhenTwoThreadsLinkAndUnlinkAtOnce()
    {
        Lincheck.runConcurrentTest(INVOCATIONS, ReleaseStripeModelCheckTest::runRace);
    }

    private static void runRace()
    {
        final ForgottenReaderRelease.Stripe stripe = new ForgottenReaderRelease.Stripe();
        final Counted old = new Counted(stripe);
        final Counted a1 = new Counted(stripe);
        final Counted b1 = new Counted(stripe);
        stripe.link(old);
        final Thread a = new Thread(() ->
        {
            stripe.link(a1); // a transaction begun on this thread
            old.clean(); // closes one begun earlier on this stripe
        });
        final Thread b = new Thread(() ->
        {
            stripe.link(b1); // begun on another thread, registered on the same stripe
            a1.clean(); // and closes a's, which may not be linked yet: then nothing happens
        });
        a.start();
        b.start();
        try
        {
            a.join();
            b.join();
        }
        catch (final InterruptedException e)
        {
            throw new AssertionError(e);
        }
        check(old.released == 1, "the old registration was released " + old.released + " times");
        check(a1.released <= 1, "a1 released " + a1.released + " times");
        check(b1.released == 0 && b1.isLinkedForTest(), "b1 is still linked");
        check(a1.isLinkedForTest() == (a1.released == 0), "a1 is linked unless its close unlinked it");
        final Map<ForgottenReaderRelease.Registration, Boolean> seen = new IdentityHashMap<>();
        ForgottenReaderRelease.Registration prev = null;
        for (ForgottenReaderRelease.Registration r = stripe.headForTest(); r != null; r = r.nextForTest())
        {
            check(seen.put(r, true) == null, "a cycle in the list");
            check(r.isLinkedForTest(), "an unlinked registration is still in the list");
            check(r.prevForTest() == prev, "a broken back link");
            prev = r;
        }
        for (final Counted r : new Counted[]{old, a1, b1})
        {
            check(seen.containsKey(r) == r.isLinkedForTest(), "a registration flagged linked is not in the list");
        }
    }

    private static void check(final boolean ok, final String what)
    {
        if (!ok)
        {
            throw new AssertionError(what);
        }
    }
}
