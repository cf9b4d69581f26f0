package dev.cambium.engine.space;

import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The free-space contract on its own (docs/design.md section 6): allocate, rollback, commit (used, pending,
 * free at once) and release from the cleaner's hand-off.
 */
class FreeSpaceTest
{
    private final ArrayDeque<long[]> handOff = new ArrayDeque<>();

    private FreeSpace freeSpace(final int... unusedPages)
    {
        final BitSet unused = new BitSet();
        for (final int p : unusedPages)
        {
            unused.set(p);
        }
        return new FreeSpace(unused, new FreeSpaceRoot(0, 0, 0), this::drainHandOff);
    }

    /** The cleaner's hand-off as the tests fill it: every batch queued in {@link #handOff}. */
    private int drainHandOff(final LongConsumer reusable)
    {
        int n = 0;
        for (long[] batch; (batch = handOff.poll()) != null;)
        {
            for (final long id : batch)
            {
                reusable.accept(id);
                n++;
            }
        }
        return n;
    }

    /** One transaction's pages, as the working memory would report them. */
    private static final class Txn implements FreeSpace.Changes
    {
        final LongArrayList written = new LongArrayList();
        final LongArrayList obsolete = new LongArrayList();
        final LongArrayList neverVisible = new LongArrayList();

        @Override
        public void forEachWritten(final LongConsumer action)
        {
            written.forEachOrderedLong(action::accept);
        }

        @Override
        public void forEachObsolete(final LongConsumer action)
        {
            obsolete.forEachOrderedLong(action::accept);
        }

        @Override
        public void forEachNeverVisible(final LongConsumer action)
        {
            neverVisible.forEachOrderedLong(action::accept);
        }
    }

    @Test
    void shouldAllocateTheLowestFreePageFirst()
    {
        final FreeSpace fs = freeSpace(9, 4, 7);
        assertEquals(4, fs.allocate());
        assertEquals(7, fs.allocate());
        assertEquals(9, fs.allocate());
        assertEquals(-1, fs.allocate(), "nothing free: the caller grows the file");
        assertEquals(0, fs.freeCount());
        assertEquals(3, fs.unusedCount(), "allocation alone does not change the committed revision's pages");
    }

    @Test
    void shouldFreeEveryAllocatedPageAgainOnRollback()
    {
        final FreeSpace fs = freeSpace(4, 7);
        assertEquals(4, fs.allocate());
        assertEquals(7, fs.allocate());
        fs.rollback();
        assertEquals(2, fs.freeCount());
        assertEquals(4, fs.allocate(), "the lowest page is handed out again");
    }

    @Test
    void shouldKeepObsoletePagesPendingUntilTheCleanerReleasesThem()
    {
        final FreeSpace fs = freeSpace(4);
        final Txn txn = new Txn();
        txn.written.addLong(fs.allocate());
        txn.obsolete.addLong(10);
        txn.neverVisible.addLong(11);
        assertEquals(1 - 1 + 1 + 1, fs.unusedAfter(txn));
        fs.commit(txn, new FreeSpaceRoot(3, 5, 1));

        assertFalse(fs.isUnused(4), "a written page is used");
        assertTrue(fs.isUnused(10));
        assertEquals(2, fs.unusedCount());
        assertEquals(1, fs.freeCount(), "only the never-visible page is free at once");
        assertEquals(1, fs.pendingCount());
        assertEquals(new FreeSpaceRoot(3, 5, 1), fs.persisted());
        fs.rollback();
        assertEquals(1, fs.freeCount(), "a rollback after commit gives nothing back");

        handOff.add(new long[]{10});
        assertEquals(1, fs.release());
        assertEquals(0, fs.pendingCount(), "the cleaner found the obsolete page invisible to every live revision");
        assertEquals(2, fs.freeCount());
        assertEquals(10, fs.allocate());
        assertEquals(11, fs.allocate());
        assertEquals(-1, fs.allocate());
        handOff.add(new long[]{10});
        fs.rollback();
        assertEquals(2, fs.freeCount());
    }

    @Test
    void shouldTakeTheCleanersHandOffWhenNothingIsFree()
    {
        final FreeSpace fs = freeSpace(4, 6);
        final Txn txn = new Txn();
        txn.obsolete.addLong(5);
        fs.commit(txn, new FreeSpaceRoot(0, 0, 0));
        assertEquals(4, fs.allocate());
        assertEquals(6, fs.allocate());
        handOff.add(new long[]{5});
        assertEquals(5, fs.allocate(), "an empty free set drains the hand-off before giving up");
        assertEquals(-1, fs.allocate());
    }

    @Test
    void shouldRefuseAReleasedPageThatIsInUse()
    {
        final FreeSpace fs = freeSpace(4);
        handOff.add(new long[]{5});
        assertThrows(IllegalStateException.class, fs::release);
    }
    /**
     * A cleaner that hands over {@code onWait} when the writer waits for it, as a cleaner that catches up would.
     */
    private final class WaitingCleaner implements FreeSpace.Reclaimed
    {
        final ArrayDeque<long[]> onWait = new ArrayDeque<>();
        int waits;

        @Override
        public int drain(final LongConsumer reusable)
        {
            return drainHandOff(reusable);
        }

        @Override
        public boolean awaitCaughtUp()
        {
            waits++;
            handOff.addAll(onWait);
            onWait.clear();
            return true;
        }
    }

    /** Commits one transaction that writes {@code written} and makes {@code obsolete} obsolete. */
    private static void commit(final FreeSpace fs, final long[] written, final long... obsolete)
    {
        final Txn txn = new Txn();
        for (final long w : written)
        {
            txn.written.addLong(w);
        }
        for (final long o : obsolete)
        {
            txn.obsolete.addLong(o);
        }
        fs.unusedAfter(txn);
        fs.commit(txn, new FreeSpaceRoot(0, 0, 0));
    }

    /** Pages 1000, 1001, ...: {@code n} of them. */
    private static long[] pages(final int n)
    {
        final long[] ids = new long[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = 1000 + i;
        }
        return ids;
    }

    @Test
    void shouldWaitForTheCleanerInsteadOfGrowingWhenPagesArePending()
    {
        final WaitingCleaner cleaner = new WaitingCleaner();
        final FreeSpace fs = new FreeSpace(new BitSet(), new FreeSpaceRoot(0, 0, 0), cleaner);
        final long[] obsolete = pages(FreeSpace.MIN_PENDING_TO_WAIT);
        commit(fs, new long[0], obsolete);
        assertEquals(obsolete.length, fs.pendingCount());
        cleaner.onWait.add(obsolete);

        assertEquals(1000, fs.allocate(), "a page the cleaner handed over while the writer waited");
        assertEquals(1, cleaner.waits);
        assertEquals(1001, fs.allocate(), "the rest of the hand-over, without another wait");
        assertEquals(1, cleaner.waits);
    }

    @Test
    void shouldGrowWithoutWaitingWhenOnlyAFewPagesArePending()
    {
        final WaitingCleaner cleaner = new WaitingCleaner();
        final FreeSpace fs = new FreeSpace(new BitSet(), new FreeSpaceRoot(0, 0, 0), cleaner);
        commit(fs, new long[0], pages(FreeSpace.MIN_PENDING_TO_WAIT - 1));
        assertEquals(-1, fs.allocate(), "a small commit's pages are not worth holding the write gate for");
        assertEquals(0, cleaner.waits);
    }

    @Test
    void shouldNotWaitWhenNothingIsPending()
    {
        final WaitingCleaner cleaner = new WaitingCleaner();
        final FreeSpace fs = new FreeSpace(new BitSet(), new FreeSpaceRoot(0, 0, 0), cleaner);
        assertEquals(-1, fs.allocate(), "nothing free or pending: the caller grows the file");
        assertEquals(0, cleaner.waits, "the cleaner has nothing that could help");
    }

    @Test
    void shouldWaitAtMostOncePerTransaction()
    {
        final WaitingCleaner cleaner = new WaitingCleaner();
        final FreeSpace fs = new FreeSpace(new BitSet(), new FreeSpaceRoot(0, 0, 0), cleaner);
        commit(fs, new long[0], pages(FreeSpace.MIN_PENDING_TO_WAIT));
        // A reader pins the pages: the cleaner catches up but hands over nothing.
        assertEquals(-1, fs.allocate());
        assertEquals(-1, fs.allocate());
        assertEquals(1, cleaner.waits, "a wait that brought nothing is not repeated in the same transaction");
        fs.rollback();
        assertEquals(-1, fs.allocate());
        assertEquals(2, cleaner.waits, "the next transaction may wait again");
    }

    @Test
    void shouldNotCountTheOpenTransactionsPagesAsPending()
    {
        final WaitingCleaner cleaner = new WaitingCleaner();
        final int[] unused = new int[FreeSpace.MIN_PENDING_TO_WAIT];
        for (int i = 0; i < unused.length; i++)
        {
            unused[i] = 10 + i;
        }
        final FreeSpace fs = freeSpaceWith(cleaner, unused);
        for (final int page : unused)
        {
            assertEquals(page, fs.allocate());
        }
        assertEquals(-1, fs.allocate(), "the pages are the transaction's own, not pending pages worth waiting for");
        assertEquals(0, cleaner.waits);
    }

    private static FreeSpace freeSpaceWith(final FreeSpace.Reclaimed cleaner, final int... unusedPages)
    {
        final BitSet unused = new BitSet();
        for (final int p : unusedPages)
        {
            unused.set(p);
        }
        return new FreeSpace(unused, new FreeSpaceRoot(0, 0, 0), cleaner);
    }
}
