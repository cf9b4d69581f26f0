package dev.cambium.revision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RevisionListTest
{
    private final RevisionList<String> list = new RevisionList<>(1, "r1");
    private final List<Long> retired = new ArrayList<>();

    private int retire()
    {
        return list.retire(node -> retired.add(node.revision()));
    }

    @Test
    void shouldStartWithInitialRevisionAsUnpinnedHead()
    {
        assertEquals(1, list.head().revision());
        assertEquals("r1", list.head().state());
        assertEquals(0, list.head().refCount());
        assertTrue(list.head().obsolete().isEmpty());
        assertEquals(1, list.size());
    }

    @Test
    void shouldPinTheHead()
    {
        list.publish(2, "r2", null);
        final RevisionNode<String> pinned = list.pin();
        assertSame(list.head(), pinned);
        assertEquals(1, pinned.refCount());
        assertEquals(1, list.pinnedCount());
    }

    @Test
    void shouldReportOldestPinnedRevisionOrMinusOneWhenNoneIsPinned()
    {
        assertEquals(-1, list.oldestPinnedRevision());
        final RevisionNode<String> r1 = list.pin();
        list.publish(2, "r2", null);
        final RevisionNode<String> r2 = list.pin();
        list.publish(3, "r3", null);
        assertEquals(1, list.oldestPinnedRevision());
        r1.unpin();
        assertEquals(2, list.oldestPinnedRevision(), "an unpinned older node awaiting the cleaner is not pinned");
        r2.unpin();
        assertEquals(-1, list.oldestPinnedRevision());
        final RevisionNode<String> head = list.pin();
        assertEquals(3, list.oldestPinnedRevision(), "a pinned head counts");
        head.unpin();
    }

    @Test
    void shouldNeverLetAReaderPinAStagedRevision()
    {
        list.stage(2, "r2", null);
        list.stage(3, "r3", null);
        final RevisionNode<String> before = list.pin();
        assertEquals(1, before.revision(), "staged revisions are not the head");
        before.unpin();
        list.publish(4, "r4", null);
        final RevisionNode<String> after = list.pin();
        assertEquals(4, after.revision());
        assertEquals(3, after.older.revision(), "staged revisions are linked behind the published one");
        assertEquals(2, after.older.older.revision());
        after.unpin();
        assertEquals(3, retire());
        assertEquals(List.of(1L, 2L, 3L), retired, "retired oldest first, staged ones too");
    }

    @Test
    void shouldRefuseAStagedRevisionThatDoesNotIncrease()
    {
        list.stage(2, "r2", null);
        assertThrows(IllegalArgumentException.class, () -> list.stage(2, "again", null));
        assertThrows(IllegalArgumentException.class, () -> list.publish(2, "again", null));
    }

    @Test
    void shouldNotRetireHead()
    {
        assertEquals(0, retire());
        list.publish(2, "r2", null);
        retire();
        assertEquals(2, list.head().revision());
        assertFalse(list.head().isRetired());
        assertEquals(0, retire());
    }

    @Test
    void shouldNotRetirePinnedNode()
    {
        final RevisionNode<String> old = list.pin();
        list.publish(2, "r2", null);
        assertEquals(0, retire());
        assertFalse(old.isRetired());
        assertArrayEquals(new long[]{2, 1}, list.liveRevisions());
    }

    @Test
    void shouldRetireNodeOnceItsLastPinIsReleased()
    {
        final RevisionNode<String> a = list.pin();
        final RevisionNode<String> b = list.pin();
        list.publish(2, "r2", null);
        a.unpin();
        assertEquals(0, retire());
        b.unpin();
        assertEquals(1, retire());
        assertTrue(a.isRetired());
        assertEquals(List.of(1L), retired);
    }

    @Test
    void shouldRetireUnpinnedOldNodesOldestFirst()
    {
        list.publish(2, "r2", null);
        list.publish(3, "r3", null);
        list.publish(4, "r4", null);
        assertEquals(3, retire());
        assertEquals(List.of(1L, 2L, 3L), retired);
        assertEquals(1, list.size());
        assertArrayEquals(new long[]{4}, list.liveRevisions());
    }

    @Test
    void shouldUnlinkRetiredNodesButKeepPinnedOnesInTheMiddle()
    {
        list.publish(2, "r2", null);
        final RevisionNode<String> two = list.pin();
        list.publish(3, "r3", null);
        list.publish(4, "r4", null);
        assertEquals(2, retire());
        assertEquals(List.of(1L, 3L), retired);
        assertArrayEquals(new long[]{4, 2}, list.liveRevisions());
        assertEquals(2, list.oldestLiveRevision());
        two.unpin();
        assertEquals(1, retire());
        assertEquals(4, list.oldestLiveRevision());
    }

    @Test
    void shouldNeverPinARetiredNode()
    {
        final RevisionNode<String> old = list.head();
        list.publish(2, "r2", null);
        retire();
        assertTrue(old.isRetired());
        final RevisionNode<String> pinned = list.pin();
        assertEquals(2, pinned.revision());
        assertFalse(pinned.isRetired());
    }

    @Test
    void shouldPinANodeThatIsNoLongerHeadButNotRetired()
    {
        final RevisionNode<String> old = list.head();
        list.publish(2, "r2", null);
        // A reader that read the old head before the publish may still pin it; it is intact.
        assertTrue(old.tryPin(0));
        assertEquals(0, retire());
        old.unpin();
        assertEquals(1, retire());
    }

    @Test
    void shouldKeepANodePinnedOnAnyStripeAndGiveBackTheStripesOfAFailedRetirement()
    {
        final RevisionNode<String> old = list.head();
        list.publish(2, "r2", null);
        final int last = RevisionNode.STRIPES - 1;
        assertTrue(old.tryPin(last));
        assertTrue(old.tryPin(last));
        assertEquals(2, old.refCount());
        // The retirement takes every stripe before the last, then finds the last pinned and gives them back.
        assertEquals(0, retire());
        assertFalse(old.isRetired());
        assertTrue(old.tryPin(0), "a failed retirement leaves stripe 0 pinnable");
        assertEquals(3, old.refCount());
        old.unpin(0);
        old.unpin(last);
        assertEquals(0, retire(), "still pinned once on the last stripe");
        old.unpin(last);
        assertEquals(1, retire());
        assertTrue(old.isRetired());
        assertEquals(Integer.MIN_VALUE, old.refCount());
        for (int stripe = 0; stripe < RevisionNode.STRIPES; stripe++)
        {
            assertFalse(old.tryPin(stripe), "stripe " + stripe + " of a retired node");
        }
    }

    @Test
    void shouldRefuseAnUnpinOnAStripeThatHoldsNoPin()
    {
        final RevisionNode<String> node = list.pin(RevisionNode.STRIPES - 1);
        assertThrows(IllegalStateException.class, () -> node.unpin(0));
        node.unpin(RevisionNode.STRIPES - 1);
        assertEquals(0, node.refCount());
    }

    @Test
    void shouldGiveEachThreadAStripeInRange()
    {
        final int stripe = RevisionNode.stripeOfCurrentThread();
        assertTrue(stripe >= 0 && stripe < RevisionNode.STRIPES);
        assertEquals(stripe, RevisionNode.stripeOfCurrentThread());
        assertEquals(0, RevisionNode.STRIPES & (RevisionNode.STRIPES - 1), "a power of two");
    }

    @Test
    void shouldRejectNonIncreasingRevision()
    {
        list.publish(5, "r5", null);
        assertThrows(IllegalArgumentException.class, () -> list.publish(5, "again", null));
        assertThrows(IllegalArgumentException.class, () -> list.publish(4, "older", null));
    }

    @Test
    void shouldRejectAnOddNumberOfLongsForObsoletePages()
    {
        assertThrows(IllegalArgumentException.class, () -> ObsoletePages.of(7));
    }

    @Test
    void shouldExposeObsoletePagesOfTheCommit()
    {
        final RevisionNode<String> node = list.publish(2, "r2", ObsoletePages.of(10, 1, 11, 1));
        assertEquals(ObsoletePages.of(10, 1, 11, 1), node.obsolete());
        assertEquals(2, node.obsolete().count());
        assertEquals(11, node.obsolete().page(1));
        assertEquals(1, node.obsolete().writtenRevision(1));
    }

    @Test
    void shouldThrowOnUnpinUnderflow()
    {
        final RevisionNode<String> node = list.pin();
        node.unpin();
        assertThrows(IllegalStateException.class, node::unpin);
        assertEquals(0, node.refCount());
    }

    @Test
    void shouldThrowOnUnpinOfRetiredNode()
    {
        final RevisionNode<String> old = list.head();
        list.publish(2, "r2", null);
        retire();
        assertThrows(IllegalStateException.class, old::unpin);
        assertTrue(old.isRetired());
    }

    @Test
    void shouldCountPinsAcrossNodes()
    {
        list.pin();
        list.publish(2, "r2", null);
        list.pin();
        list.pin();
        assertEquals(3, list.pinnedCount());
        assertEquals(2, list.size());
    }
}
