package dev.cambium.engine.txn;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Lincheck scenarios of this package share: how many invocations to explore, the negative controls' check,
 * and joining their threads.
 */
final class ModelChecks
{
    /** Invocations each scenario explores: {@code -Dcambium.lincheck.invocations}, 2,000 by default. */
    static final int INVOCATIONS = Integer.getInteger("cambium.lincheck.invocations", 2_000);
    /**
     * Invocations a negative control explores at most: five times {@link #INVOCATIONS}. A control stops at the first
     * violation it finds, so this costs time only when it fails; its violation hides in one narrow interleaving, which
     * the budget of the scenarios themselves found or missed with small changes of the code around it (the leader's
     * steps between its data force and its meta write, for one).
     */
    static final int CONTROL_INVOCATIONS = 5 * INVOCATIONS;

    private ModelChecks()
    {
    }

    /**
     * Asserts that Lincheck finds the scenario's violation: a {@link LincheckAssertionError} whose message names it,
     * or a failure thrown while Lincheck 3.7 renders the trace of one it found (engineering notes), which cannot carry
     * the message.
     *
     * @param scenario the broken scenario; throws an {@link AssertionError} naming the violation.
     * @param expected a part of the violation's message.
     */
    static void assertCaught(final Runnable scenario, final String expected)
    {
        final Throwable thrown = assertThrows(Throwable.class,
            () -> Lincheck.runConcurrentTest(CONTROL_INVOCATIONS, scenario));
        if (thrown instanceof LincheckAssertionError)
        {
            assertTrue(String.valueOf(thrown.getMessage()).contains(expected), thrown.getMessage());
            return;
        }
        final boolean whileReporting = Arrays.stream(thrown.getStackTrace())
            .anyMatch(frame -> frame.getClassName().equals(LincheckAssertionError.class.getName())
                && frame.getMethodName().equals("<init>"));
        if (!whileReporting)
        {
            throw new AssertionError("expected Lincheck to report a failure, got " + thrown, thrown);
        }
    }

    /**
     * Joins a scenario's thread.
     *
     * @param t the thread.
     */
    static void join(final Thread t)
    {
        try
        {
            t.join();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
