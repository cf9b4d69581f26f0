package dev.cambium.cleaner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cambium.revision.RevisionList;
import org.junit.jupiter.api.Test;

/**
 * Lifecycle of the real thread. Asserts nothing that depends on timing: close() joins the thread, so after
 * it returns the thread has ended whether or not it ever ran a duty cycle.
 */
class CleanerThreadTest
{
    @Test
    void shouldStopItsThreadOnClose()
    {
        final Cleaner<String> cleaner = Cleaner.builder(new RevisionList<>(1, "r1")).build();
        cleaner.start();
        cleaner.wakeUp();
        cleaner.close();
        assertTrue(cleaner.isClosed());
        cleaner.close();
    }

    @Test
    void shouldIgnoreWakeUpBeforeStart()
    {
        final Cleaner<String> cleaner = Cleaner.builder(new RevisionList<>(1, "r1")).build();
        cleaner.wakeUp();
        assertFalse(cleaner.isClosed());
        cleaner.close();
    }
}
