package dev.cambium.engine;

import dev.cambium.CheckReport;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.StorageException;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.StoreFixtures.RecordingStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A commit abandoned between any two of its steps (an I/O error on its n-th write, for every n) must
 * neither leak a page nor hand one out twice: the process either carries on from the previous revision
 * (failure before the meta write) or refuses writes until reopened (failure from the meta write on), and
 * a reopen of the file always passes {@code check()} with the data of a committed revision.
 */
class AbandonedCommitTest
{
    @TempDir
    Path dir;

    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder()
        .pageSize(1024).durability(Durability.NO_SYNC).backgroundCleaner(false)
        .growth(1024, 64 * 1024).build();

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(8).putLong(i).array();
    }

    private static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[40];
        Arrays.fill(v, (byte)(i + version));
        return v;
    }

    private static void update(final Engine engine, final int version, final int from, final int to)
    {
        final WriteTransaction w = engine.beginWrite();
        try
        {
            final Tree t = w.openOrCreateTree("t");
            for (int i = from; i < to; i++)
            {
                t.put(key(i), value(i, version));
            }
            w.commit();
        }
        finally
        {
            w.close();
        }
    }

    private static void assertVersion(final Engine engine, final int version, final int n)
    {
        try (ReadTransaction r = engine.beginRead())
        {
            final Tree t = r.tree("t");
            for (int i = 0; i < n; i++)
            {
                assertArrayEquals(value(i, version), t.get(key(i)), "key " + i);
            }
        }
    }

    private static void assertClean(final Engine engine)
    {
        final CheckReport report = engine.check();
        assertTrue(report.ok(), () -> String.join("\n", report.problems()));
    }

    @Test
    void shouldNeitherLeakNorDoubleAllocateWhenACommitFailsAtAnyWrite()
    {
        final int n = 600;
        int failuresBeforeMeta = 0;
        int failuresAtOrAfterMeta = 0;
        for (int failAt = 0;; failAt++)
        {
            final Path file = dir.resolve("abandon-" + failAt + ".cambium");
            final RecordingStorage storage = new RecordingStorage(FileStorage.open(file));
            final Engine engine = Engine.open(storage, OPTIONS);
            boolean failed;
            try
            {
                update(engine, 0, 0, n);
                update(engine, 1, 0, n); // obsolete pages, pending
                engine.runCleaner(); // now free: the next commit reuses them
                final long revision = engine.revision();
                storage.failWriteAfter(failAt);
                try
                {
                    update(engine, 2, 0, n);
                    failed = false;
                }
                catch (final StorageException e)
                {
                    failed = true;
                }
                storage.failWriteAfter(-1);
                if (!failed)
                {
                    assertVersion(engine, 2, n);
                    assertClean(engine);
                    break; // the commit has fewer writes than failAt: every write position was covered
                }
                assertEquals(revision, engine.revision(), "a failed commit publishes nothing");
                assertVersion(engine, 1, n);
                if (engine.store().writesRefused())
                {
                    failuresAtOrAfterMeta++;
                    assertThrows(StorageException.class, () -> update(engine, 3, 0, 10));
                }
                else
                {
                    failuresBeforeMeta++;
                    // The same process carries on: pages the failed commit took are free again.
                    assertClean(engine);
                    update(engine, 3, 0, n);
                    assertVersion(engine, 3, n);
                    assertClean(engine);
                }
            }
            finally
            {
                engine.close();
            }
            // A restart over what reached the file: the previous or the failed revision, consistent.
            final Engine reopened = Engine.open(file, OPTIONS);
            try
            {
                assertClean(reopened);
                final long r = reopened.revision();
                assertTrue(r >= 2, "opened at revision " + r);
                update(reopened, 4, 0, n);
                reopened.runCleaner();
                update(reopened, 5, 0, n);
                assertVersion(reopened, 5, n);
                assertClean(reopened);
            }
            finally
            {
                reopened.close();
            }
        }
        assertTrue(failuresBeforeMeta > 0, "no failure was injected before the meta write");
        assertTrue(failuresAtOrAfterMeta > 0, "no failure was injected at the meta write");
    }
}
