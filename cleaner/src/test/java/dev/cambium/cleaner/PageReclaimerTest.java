package dev.cambium.cleaner;

import dev.cambium.revision.ObsoletePages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reuse rule: a page written at revision A and made obsolete by revision R is visible to A..R-1,
 * and is reclaimed once no live revision lies in that interval. Each test drives the cleaner's steps
 * by hand on the calling thread.
 */
class PageReclaimerTest
{
    private static final long PAGE = 77;

    private final RevisionList<String> list = new RevisionList<>(0, "r0");
    private final PageReclaimer<String> reclaimer = new PageReclaimer<>(list, 4, PageReclaimer.Policy.INTERVAL);

    /** Publishes revisions up to {@code to}; revision {@code obsoletedBy} obsoletes PAGE written at {@code written}. */
    private void publishUpTo(long to, long written, long obsoletedBy)
    {
        for (long r = list.head().revision() + 1; r <= to; r++)
        {
            list.publish(r, "r" + r, r == obsoletedBy ? ObsoletePages.of(PAGE, written) : null);
        }
    }

    /** One duty cycle as the cleaner agent runs it; returns the pages the writer receives. */
    private List<Long> cycle()
    {
        reclaimer.harvest();
        list.retire(reclaimer::harvest);
        reclaimer.release();
        final List<Long> got = new ArrayList<>();
        reclaimer.drain(got::add);
        return got;
    }

    @Test
    void shouldGroupOneCommitsPagesByTheRevisionThatWroteEach()
    {
        publishUpTo(5, 0, -1);
        final RevisionNode<String> reader = list.pin(); // revision 5: sees the pages written at 3, not those at 7 or 9
        for (long r = 6; r < 10; r++)
        {
            list.publish(r, "r" + r, null);
        }
        list.publish(10, "r10", ObsoletePages.of(100, 3, 101, 7, 102, 3, 103, 9, 104, 7));
        assertEquals(List.of(101L, 103L, 104L), sorted(cycle()));
        reader.unpin();
        assertEquals(List.of(100L, 102L), sorted(cycle()));
        assertEquals(List.of(), cycle(), "each page is handed out once");
    }

    @Test
    void shouldGroupPagesWrittenMoreThanTwoBillionRevisionsApart()
    {
        final long base = 5_000_000_000L;
        final RevisionList<String> far = new RevisionList<>(base, "base");
        final PageReclaimer<String> farReclaimer = new PageReclaimer<>(far, 4, PageReclaimer.Policy.INTERVAL);
        final RevisionNode<String> reader = far.pin(); // revision base: sees every page below
        far.publish(base + 1, "next", ObsoletePages.of(200, 1, 201, base, 202, 1));
        final List<Long> got = new ArrayList<>();
        farReclaimer.harvest();
        far.retire(farReclaimer::harvest);
        farReclaimer.release();
        farReclaimer.drain(got::add);
        assertEquals(List.of(), got, "held by the reader at " + base);
        reader.unpin();
        far.retire(farReclaimer::harvest);
        farReclaimer.release();
        farReclaimer.drain(got::add);
        assertEquals(List.of(200L, 201L, 202L), sorted(got));
    }

    private static List<Long> sorted(final List<Long> pages)
    {
        final List<Long> copy = new ArrayList<>(pages);
        copy.sort(null);
        return copy;
    }

    @Test
    void shouldReclaimAtOnceWhenNoReaderIsPinned()
    {
        publishUpTo(10, 5, 10);
        assertEquals(List.of(PAGE), cycle());
        assertEquals(List.of(), cycle(), "a page is handed out once");
    }

    @Test
    void shouldHoldPageWhileReaderPinsLastRevisionThatSeesIt()
    {
        publishUpTo(9, 5, 10);
        final RevisionNode<String> reader = list.pin(); // revision 9 = R - 1: the upper end of the interval
        publishUpTo(10, 5, 10);
        assertEquals(List.of(), cycle());
        reader.unpin();
        assertEquals(List.of(PAGE), cycle());
    }

    @Test
    void shouldHoldPageWhileReaderPinsRevisionThatWroteIt()
    {
        publishUpTo(5, 5, 10);
        final RevisionNode<String> reader = list.pin(); // revision 5 = A: the lower end of the interval
        publishUpTo(10, 5, 10);
        assertEquals(List.of(), cycle());
        reader.unpin();
        assertEquals(List.of(PAGE), cycle());
    }

    @Test
    void shouldNotLetReaderOlderThanThePageHoldItBack()
    {
        publishUpTo(4, 5, 10);
        final RevisionNode<String> reader = list.pin(); // revision 4 = A - 1: never saw the page
        publishUpTo(10, 5, 10);
        assertEquals(List.of(PAGE), cycle(), "a long reader must not stop reclamation of pages born after it");
        reader.unpin();
    }

    @Test
    void shouldNotLetReaderOfTheObsoletingRevisionHoldItBack()
    {
        publishUpTo(10, 5, 10);
        final RevisionNode<String> reader = list.pin(); // revision 10 = R: sees the page's replacement
        assertEquals(List.of(PAGE), cycle());
        reader.unpin();
    }

    @Test
    void shouldKeepPagesPendingWhenHandOffQueueIsFullAndDeliverThemLater()
    {
        // Capacity 4 batches; 10 commits each obsolete one page written at a distinct revision.
        for (long r = 1; r <= 10; r++)
        {
            list.publish(r, "r" + r, ObsoletePages.of(100 + r, r - 1));
        }
        reclaimer.harvest();
        list.retire(reclaimer::harvest);
        reclaimer.release();
        assertEquals(6, reclaimer.pendingPages(), "what did not fit stays pending");
        final List<Long> got = new ArrayList<>();
        reclaimer.drain(got::add);
        assertEquals(4, got.size());
        for (int i = 0; i < 3 && got.size() < 10; i++)
        {
            reclaimer.release();
            reclaimer.drain(got::add);
        }
        assertEquals(10, got.size(), "no page is lost when the queue fills");
        assertEquals(10, got.stream().distinct().count(), "and none is handed out twice");
        assertEquals(0, reclaimer.pendingPages());
    }

    @Test
    void shouldReclaimThroughTheAgentDutyCycle()
    {
        reclaimer.harvest();
        list.publish(1, "r1", ObsoletePages.of(PAGE, 0));
        list.publish(2, "r2", null);
        // The agent harvests, retires and releases in one duty cycle.
        final CleanerAgent<String> agent = new CleanerAgent<>(list, reclaimer, null);
        agent.doWork();
        final List<Long> got = new ArrayList<>();
        reclaimer.drain(got::add);
        assertEquals(List.of(PAGE), got);
    }

    @Test
    void shouldFindLiveRevisionWithinIntervalIncludingEnds()
    {
        final long[] live = {3, 7, 12};
        assertTrue(PageReclaimer.anyWithin(live, 7, 7));
        assertTrue(PageReclaimer.anyWithin(live, 4, 7));
        assertTrue(PageReclaimer.anyWithin(live, 7, 11));
        assertFalse(PageReclaimer.anyWithin(live, 8, 11));
        assertFalse(PageReclaimer.anyWithin(live, 13, 20));
        assertFalse(PageReclaimer.anyWithin(live, 5, 4), "an empty interval holds nothing back");
    }
    @Test
    void shouldReturnAtOnceWhenTheCleanerHasCaughtUp()
    {
        list.publish(1, "r1", ObsoletePages.of(PAGE, 0));
        assertFalse(reclaimer.awaitCaughtUp(1, 0), "no duty cycle has seen revision 1 yet");
        cycle();
        assertTrue(reclaimer.awaitCaughtUp(1, 0), "a duty cycle saw revision 1 and offered what it could");
        list.publish(2, "r2", null);
        assertFalse(reclaimer.awaitCaughtUp(2, TimeUnit.MILLISECONDS.toNanos(1)), "times out: no cycle ran");
    }

    @Test
    void shouldWakeTheWaitingWriterWhenACycleCatchesUp() throws Exception
    {
        list.publish(1, "r1", ObsoletePages.of(PAGE, 0));
        final CompletableFuture<Boolean> caughtUp = new CompletableFuture<>();
        final Thread writer = new Thread(
            () -> caughtUp.complete(reclaimer.awaitCaughtUp(1, TimeUnit.MINUTES.toNanos(2))));
        writer.start();
        // Run the cycle only once the writer is parked in the wait, so that only the cleaner's wake-up can end it.
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (LockSupport.getBlocker(writer) != reclaimer)
        {
            assertTrue(System.nanoTime() < deadline, "the writer never parked in awaitCaughtUp");
            Thread.onSpinWait();
        }
        final List<Long> got = cycle();
        assertTrue(caughtUp.get(1, TimeUnit.MINUTES), "woken by the cycle, not by the timeout");
        writer.join();
        assertEquals(List.of(PAGE), got);
    }
}
