package dev.cambium.failpoint;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * This module's tests run without {@code -Dcambium.failpoints=true}, as production does: failpoints are off,
 * cannot be armed, and hitting one does nothing.
 */
class FailpointDisabledTest
{
    @Test
    void shouldRefuseToArmAndIgnoreHitsWhenDisabled()
    {
        assertFalse(Failpoint.ENABLED, "this module's test JVM must run with failpoints disabled");
        for (final Failpoint f : Failpoint.values())
        {
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.arm(Action.throwing()));
            assertTrue(e.getMessage().contains("-Dcambium.failpoints=true"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> f.arm(Action.halt(3), 0, 1));
            f.hit(); // would throw or halt if the refused arming had taken effect
            assertEquals(0, f.hits(), "a disabled failpoint counts nothing");
            f.disarm();
        }
        Failpoint.disarmAll();
        System.out
            .println("failpoints disabled: " + Failpoint.values().length + " points refused arming, hits ignored");
    }
}
