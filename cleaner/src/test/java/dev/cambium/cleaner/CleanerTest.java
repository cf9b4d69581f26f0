package dev.cambium.cleaner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.agrona.concurrent.AgentInvoker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the cleaner deterministically on the test thread through an {@link AgentInvoker}. */
class CleanerTest
{
    private final RevisionList<String> list = new RevisionList<>(1, "r1");
    /** What the housekeeping task does on each duty cycle; a test makes it fail to exercise the error handler. */
    private Runnable housekeeping = () ->
    {
    };
    private int housekeepingRuns;
    private Cleaner<String> cleaner;
    private AgentInvoker invoker;

    @BeforeEach
    void setUp()
    {
        cleaner = Cleaner.builder(list).housekeeping(() ->
        {
            housekeepingRuns++;
            housekeeping.run();
        }).build();
        invoker = cleaner.invoker();
        invoker.start();
    }

    @AfterEach
    void tearDown()
    {
        cleaner.close();
    }

    @Test
    void shouldDoNoWorkWhenOnlyTheHeadExists()
    {
        assertEquals(0, invoker.invoke());
        assertEquals(1, cleaner.runs());
        assertEquals(0, cleaner.revisionsRetired());
        assertEquals(1, housekeepingRuns);
    }

    @Test
    void shouldRetireEveryUnpinnedRevisionOlderThanTheHead()
    {
        final RevisionNode<String> first = list.head();
        final RevisionNode<String> second = list.publish(2, "r2", null);
        final RevisionNode<String> head = list.publish(3, "r3", ObsoletePages.of(42, 1));
        assertEquals(2, invoker.invoke());
        assertTrue(first.isRetired());
        assertTrue(second.isRetired());
        assertFalse(head.isRetired(), "the head is never retired");
        assertEquals(2, cleaner.revisionsRetired());
        assertEquals(0, invoker.invoke());
        assertEquals(2, cleaner.runs());
    }

    @Test
    void shouldNotRetireAPinnedRevisionUntilItIsUnpinned()
    {
        final RevisionNode<String> pinned = list.pin();
        list.publish(2, "r2", null);
        assertEquals(0, invoker.invoke());
        assertFalse(pinned.isRetired());
        pinned.unpin();
        assertEquals(1, invoker.invoke());
        assertTrue(pinned.isRetired());
    }

    @Test
    void shouldCountErrorsAndKeepRunning()
    {
        housekeeping = () ->
        {
            throw new IllegalStateException("housekeeping down");
        };
        list.publish(2, "r2", null);
        invoker.invoke();
        list.publish(3, "r3", null);
        invoker.invoke();
        assertEquals(2, cleaner.errorCount());
        assertInstanceOf(IllegalStateException.class, cleaner.lastError());
        assertEquals(2, cleaner.revisionsRetired(), "a failing housekeeping task does not stop retirement");
        assertTrue(invoker.isRunning());
        assertFalse(cleaner.isClosed());

        housekeeping = () ->
        {
        };
        list.publish(4, "r4", null);
        assertEquals(1, invoker.invoke());
        assertEquals(2, cleaner.errorCount());
    }

    @Test
    void shouldStartWithNoErrors()
    {
        assertEquals(0, cleaner.errorCount());
        assertNull(cleaner.lastError());
    }

    @Test
    void shouldRefuseToStartTwice()
    {
        assertThrows(IllegalStateException.class, cleaner::start);
        assertThrows(IllegalStateException.class, cleaner::invoker);
    }

    @Test
    void shouldCloseTheInvoker()
    {
        cleaner.close();
        assertTrue(invoker.isClosed());
        assertTrue(cleaner.isClosed());
        cleaner.close();
    }

    @Test
    void shouldUseTheCleanerRoleName()
    {
        assertEquals("cambium-cleaner", cleaner.agent().roleName());
    }
}
