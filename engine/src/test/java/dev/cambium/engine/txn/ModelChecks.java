package dev.cambium.engine.txn;

import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the Lincheck scenarios of this package share: the negative controls' check, and joining their threads. */
final class ModelChecks
{
    private ModelChecks()
    {
    }

    /**
     * Asserts that Lincheck finds the scenario's violation: a {@link LincheckAssertionError} whose message names it,
     * or a failure thrown while Lincheck 3.7 renders the trace of one it found (engineering notes), which cannot carry
     * the message.
     *
     * @param invocations the invocations to explore.
     * @param scenario    the broken scenario; throws an {@link AssertionError} naming the violation.
     * @param expected    a part of the violation's message.
     */
    static void assertCaught(final int invocations, final Runnable scenario, final String expected)
    {
        final Throwable thrown = assertThrows(Throwable.class, () -> Lincheck.runConcurrentTest(invocations, scenario));
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
