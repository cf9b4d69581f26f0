package dev.cambium.engine.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/** The record of pages written since the last completed force, as a single-force commit's meta page lists them. */
class UnforcedPagesTest
{
    private static final long[] NONE = new long[0];

    private static long[] ids(final UnforcedPages u, final long[] leftOut)
    {
        final long[] ids = new long[8];
        final int n = u.copyTo(ids, new int[8], leftOut, Long.MAX_VALUE);
        return n < 0 ? null : Arrays.copyOf(ids, n);
    }

    @Test
    void shouldForgetOnlyTheWritesMadeBeforeTheForceStarted()
    {
        final UnforcedPages u = new UnforcedPages(8);
        u.add(5, 50, 1);
        u.add(7, 70, 1);
        final long mark = u.mark();
        u.add(9, 90, 2); // written while the force runs: it may not be covered
        u.forced(mark);
        assertArrayEquals(new long[]{9}, ids(u, NONE));
        final int[] checksums = new int[8];
        u.copyTo(new long[8], checksums, NONE, Long.MAX_VALUE);
        assertEquals(90, checksums[0], "each page keeps the checksum it was written with");
    }

    @Test
    void shouldLeaveOutThePagesTheCallerNames()
    {
        final UnforcedPages u = new UnforcedPages(8);
        for (final long id : new long[]{3, 4, 8, 11})
        {
            u.add(id, (int)id, 1);
        }
        assertArrayEquals(new long[]{3, 11}, ids(u, new long[]{4, 8, 10}));
    }

    @Test
    void shouldLeaveOutPagesOfRevisionsNewerThanTheMeta()
    {
        final UnforcedPages u = new UnforcedPages(8);
        u.add(3, 3, 10);
        u.add(4, 4, 11); // the next batch's page, written before this batch's meta
        final long[] ids = new long[8];
        assertEquals(1, u.copyTo(ids, new int[8], NONE, 10));
        assertEquals(3, ids[0]);
    }

    @Test
    void shouldReportIncompleteUntilAForceCoversEveryWriteItCouldNotHold()
    {
        final UnforcedPages u = new UnforcedPages(2);
        u.add(2, 2, 1);
        u.add(3, 3, 1);
        u.add(4, 4, 1); // no room: lost
        assertEquals(null, ids(u, NONE));
        final long before = u.mark();
        u.forced(u.mark() - 1); // a force that started before the lost write does not cover it
        assertEquals(null, ids(u, NONE));
        u.add(6, 6, 2);
        u.forced(before); // covers 2, 3 and the lost 4; 6 came after
        assertArrayEquals(new long[]{6}, ids(u, NONE));
    }
}
