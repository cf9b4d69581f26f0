package dev.cambium;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProgressListener} as {@link Database#backup(Path, boolean, ProgressListener)} and
 * {@link Database#check(ProgressListener)} call it: on the calling thread, from 0, never backwards, with one total,
 * ending at the total; and an exception it throws cancels the operation cleanly.
 */
class ProgressListenerTest
{
    /** Enough entries for several steps of each operation: about 1,500 pages, 12,000 entries. */
    private static final int ENTRIES = 12_000;

    @TempDir
    Path dir;

    private Database db;

    @BeforeEach
    void fill()
    {
        db = Database.open(dir.resolve("source.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).registerMBean(false).build());
        db.write(txn ->
        {
            final Tree big = txn.createTree("big");
            final Tree small = txn.createTree("small");
            for (int i = 0; i < ENTRIES; i++)
            {
                final byte[] key = ByteBuffer.allocate(4).putInt(i).array();
                (i % 4 == 0 ? small : big).put(key, new byte[400]);
            }
        });
    }

    @AfterEach
    void close()
    {
        db.close();
    }

    /** Records every call, and on which thread it came. */
    private static final class Recorder implements ProgressListener
    {
        final List<long[]> calls = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        @Override
        public void progress(final long done, final long total)
        {
            calls.add(new long[]{done, total});
            threads.add(Thread.currentThread());
        }

        /** Asserts the listener's contract and returns the total. */
        long assertContract()
        {
            assertTrue(calls.size() >= 3, "expected a first, intermediate and last report, got " + calls.size());
            final long total = calls.get(0)[1];
            assertEquals(0, calls.get(0)[0], "the first report is 0");
            long previous = -1;
            for (final long[] c : calls)
            {
                assertEquals(total, c[1], "the total changed");
                assertTrue(c[0] > previous, "done went backwards or repeated: " + c[0] + " after " + previous);
                assertTrue(c[0] <= total, "done " + c[0] + " passed the total " + total);
                previous = c[0];
            }
            assertEquals(total, previous, "the last report is the total");
            for (final Thread t : threads)
            {
                assertSame(Thread.currentThread(), t, "reports come on the calling thread");
            }
            return total;
        }
    }

    @Test
    void shouldReportFullBackupInPagesUpToTheHighWaterMark()
    {
        final Recorder recorder = new Recorder();
        final Path copy = dir.resolve("full.cambium");
        db.backup(copy, false, recorder);
        final long total = recorder.assertContract();
        try (Database c = Database.open(copy))
        {
            assertEquals(c.check().pageCount(), total, "a full copy's pages are the revision's high-water mark");
        }
        assertTrue(recorder.calls.size() > 3, "a copy of " + total + " pages should report more than one step");
    }

    @Test
    void shouldReportCompactBackupInEntries()
    {
        final Recorder recorder = new Recorder();
        db.backup(dir.resolve("compact.cambium"), true, recorder);
        assertEquals(ENTRIES, recorder.assertContract(), "a compact copy counts the entries of every tree");
        assertTrue(recorder.calls.size() > 3, "12,000 entries should be reported in several steps");
    }

    @Test
    void shouldReportCheckInPagesUpToThePageCount()
    {
        final Recorder recorder = new Recorder();
        final CheckReport report = db.check(recorder);
        assertTrue(report.ok(), report.problems().toString());
        assertEquals(report.pageCount(), recorder.assertContract());
        assertTrue(recorder.calls.size() > 3, "a check of " + report.pageCount() + " pages should report steps");
    }

    @Test
    void shouldCancelBackupWhenTheListenerThrows() throws IOException
    {
        for (final boolean compact : new boolean[]{false, true})
        {
            final Path target = dir.resolve("cancelled-" + compact + ".cambium");
            final CambiumException stop = new CambiumException("stop");
            final Recorder recorder = new Recorder();
            final ProgressListener cancelling = (done, total) ->
            {
                recorder.progress(done, total);
                if (done > 0)
                {
                    throw stop;
                }
            };
            assertSame(stop, assertThrows(CambiumException.class, () -> db.backup(target, compact, cancelling)));
            assertEquals(2, recorder.calls.size(), "no report after the listener threw");
            assertFalse(Files.exists(target), "a cancelled backup creates no target");
            try (Stream<Path> files = Files.list(dir))
            {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
                    "a cancelled backup leaves no temporary file");
            }
        }
    }

    @Test
    void shouldCancelCheckWhenTheListenerThrowsAndLetWritersIn()
    {
        // Types the check records as problems when its own walk throws them: a listener's must still end it.
        for (final RuntimeException stop : new RuntimeException[]{new IllegalStateException("stop"),
            new CorruptDatabaseException("stop")})
        {
            final Recorder recorder = new Recorder();
            assertSame(stop, assertThrows(RuntimeException.class, () -> db.check((done, total) ->
            {
                recorder.progress(done, total);
                if (done > 0)
                {
                    throw stop;
                }
            })));
            assertEquals(2, recorder.calls.size(), "no report after the listener threw: the check ended");
        }
        db.write(txn -> txn.tree("small").put(new byte[]{1}, new byte[]{2}));
        assertTrue(db.check().ok(), "the write gate was released and the file is sound");
    }

    @Test
    void shouldRejectNullListener()
    {
        assertThrows(NullPointerException.class, () -> db.check(null));
        assertThrows(NullPointerException.class, () -> db.backup(dir.resolve("x.cambium"), false, null));
    }
}
