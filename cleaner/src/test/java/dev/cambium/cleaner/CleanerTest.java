package dev.cambium.cleaner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.AgentInvoker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the cleaner deterministically on the test thread through an {@link AgentInvoker}. */
class CleanerTest {
    private final RevisionList<String> list = new RevisionList<>(1, "r1");
    private final List<Long> delivered = new ArrayList<>();
    private RetiredRevisionSink<String> sink = node -> delivered.add(node.revision());
    private Cleaner<String> cleaner;
    private AgentInvoker invoker;

    @BeforeEach
    void setUp() {
        cleaner = new Cleaner<>(list, node -> sink.retired(node));
        invoker = cleaner.invoker();
        invoker.start();
    }

    @AfterEach
    void tearDown() {
        cleaner.close();
    }

    @Test
    void shouldDoNoWorkWhenOnlyTheHeadExists() {
        assertEquals(0, invoker.invoke());
        assertEquals(1, cleaner.runs());
        assertEquals(0, cleaner.revisionsRetired());
    }

    @Test
    void shouldHandRetiredRevisionsToTheSinkOldestFirst() {
        list.publish(2, "r2", null);
        list.publish(3, "r3", new long[] {42, 1});
        assertEquals(2, invoker.invoke());
        assertEquals(List.of(1L, 2L), delivered);
        assertEquals(2, cleaner.revisionsRetired());
        assertEquals(0, invoker.invoke());
        assertEquals(2, cleaner.runs());
    }

    @Test
    void shouldNotHandAPinnedRevisionToTheSinkUntilItIsUnpinned() {
        final RevisionNode<String> pinned = list.pin();
        list.publish(2, "r2", null);
        assertEquals(0, invoker.invoke());
        assertTrue(delivered.isEmpty());
        pinned.unpin();
        assertEquals(1, invoker.invoke());
        assertEquals(List.of(1L), delivered);
    }

    @Test
    void shouldDeliverEveryRetiredRevisionEvenWhenTheSinkThrows() {
        final IllegalStateException boom = new IllegalStateException("boom");
        sink = node -> {
            delivered.add(node.revision());
            if (node.revision() == 1) {
                throw boom;
            }
        };
        list.publish(2, "r2", null);
        list.publish(3, "r3", null);
        invoker.invoke();
        assertEquals(List.of(1L, 2L), delivered);
        assertEquals(2, cleaner.revisionsRetired());
        assertEquals(1, cleaner.errorCount());
        assertSame(boom, cleaner.lastError());
    }

    @Test
    void shouldCountErrorsAndKeepRunning() {
        sink = node -> {
            throw new IllegalStateException("sink down for " + node.revision());
        };
        list.publish(2, "r2", null);
        invoker.invoke();
        list.publish(3, "r3", null);
        invoker.invoke();
        assertEquals(2, cleaner.errorCount());
        assertInstanceOf(IllegalStateException.class, cleaner.lastError());
        assertTrue(invoker.isRunning());
        assertFalse(cleaner.isClosed());

        sink = node -> delivered.add(node.revision());
        list.publish(4, "r4", null);
        assertEquals(1, invoker.invoke());
        assertEquals(List.of(3L), delivered);
    }

    @Test
    void shouldStartWithNoErrors() {
        assertEquals(0, cleaner.errorCount());
        assertNull(cleaner.lastError());
    }

    @Test
    void shouldRefuseToStartTwice() {
        assertThrows(IllegalStateException.class, cleaner::start);
        assertThrows(IllegalStateException.class, cleaner::invoker);
    }

    @Test
    void shouldCloseTheInvoker() {
        cleaner.close();
        assertTrue(invoker.isClosed());
        assertTrue(cleaner.isClosed());
        cleaner.close();
    }

    @Test
    void shouldUseTheCleanerRoleName() {
        assertEquals("cambium-cleaner", cleaner.agent().roleName());
    }
}
