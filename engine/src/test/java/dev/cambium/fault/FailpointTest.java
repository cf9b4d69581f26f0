package dev.cambium.fault;

import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;
import dev.cambium.failpoint.InjectedFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failpoint mechanism itself, in the engine's test JVM where the surefire configuration enables it (the cleaner
 * module's {@code FailpointDisabledTest} covers the disabled JVM). Uses {@link Failpoint#BEFORE_DATA_WRITE}, hit here
 * directly: no engine runs in this test, and no background thread ever hits a commit point.
 */
@ExtendWith(FaultFixtures.DisarmFailpoints.class)
class FailpointTest
{
    private static final Failpoint POINT = Failpoint.BEFORE_DATA_WRITE;

    @Test
    void shouldBeEnabledByTheTestConfiguration()
    {
        assertTrue(Failpoint.ENABLED, "engine tests run with -D" + Failpoint.PROPERTY + "=true (engine/pom.xml)");
    }

    @Test
    void shouldCountHitsAndPassWhenNotArmed()
    {
        final long hits = POINT.hits();
        POINT.hit();
        POINT.hit();
        assertEquals(hits + 2, POINT.hits());
    }

    @Test
    void shouldThrowOnTheChosenHitsOnly()
    {
        POINT.arm(Action.throwing(), 2, 2);
        POINT.hit();
        POINT.hit();
        final InjectedFailureException e = assertThrows(InjectedFailureException.class, POINT::hit);
        assertEquals(POINT, e.failpoint());
        assertEquals("injected failure at failpoint BEFORE_DATA_WRITE", e.getMessage());
        assertThrows(InjectedFailureException.class, POINT::hit);
        POINT.hit(); // times exhausted
        POINT.arm(Action.throwing());
        assertThrows(InjectedFailureException.class, POINT::hit);
        POINT.disarm();
        POINT.hit();
        assertThrows(IllegalArgumentException.class, () -> POINT.arm(Action.throwing(), -1, 1));
        assertThrows(IllegalArgumentException.class, () -> POINT.arm(Action.throwing(), 0, 0));
    }

    @Test
    void shouldHoldTheHittingThreadUntilReleased() throws Exception
    {
        final Hold hold = Action.hold();
        POINT.arm(hold, 0, 1);
        final CompletableFuture<Void> held = CompletableFuture.runAsync(POINT::hit);
        assertTrue(hold.awaitReached(Duration.ofSeconds(60)));
        assertTrue(hold.reached());
        assertFalse(held.isDone(), "the thread went past the hold");
        POINT.hit(); // the arming fired once: this hit passes
        hold.release();
        held.get(60, TimeUnit.SECONDS);
    }

    @Test
    void shouldDelayForTheGivenDuration()
    {
        POINT.arm(Action.delay(Duration.ofMillis(30)), 0, 1);
        final long start = System.nanoTime();
        POINT.hit();
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "a delay at least as long as asked");
    }
}
