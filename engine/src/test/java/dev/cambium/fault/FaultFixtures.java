package dev.cambium.fault;

import dev.cambium.CheckReport;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.engine.Engine;
import dev.cambium.failpoint.Failpoint;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workload shared by the fault tests: numbered versions of one tree {@code t}. Version {@code v} holds keys
 * {@code 0..size(v)-1}, each with a value derived from the key and {@code v}; from version 2 on the tree is larger,
 * so committing version 2 both reuses pages the cleaner reclaimed and grows the file. {@link #prepare} leaves a
 * database at revision {@link #BASE} (version 1) with reclaimed pages free: the commit of version 2 (revision
 * {@code BASE + 1}) is the one the tests break; {@link Shape#reopenAndContinue} checks a file after the break. Also
 * what every failpoint test needs: {@link DisarmFailpoints} and the {@link #TIMEOUT_S} bound on waits.
 */
final class FaultFixtures
{
    /** The revision {@link #prepare} leaves: version 1. */
    static final long BASE = 2;

    /** The failpoints a SYNC commit passes, in order. */
    static final List<Failpoint> COMMIT_POINTS = List.of(Failpoint.BEFORE_DATA_WRITE, Failpoint.AFTER_DATA_WRITE,
        Failpoint.BEFORE_DATA_FORCE, Failpoint.AFTER_DATA_FORCE, Failpoint.BEFORE_META_WRITE,
        Failpoint.AFTER_META_WRITE, Failpoint.BEFORE_META_FORCE, Failpoint.AFTER_META_FORCE, Failpoint.AFTER_PUBLISH);

    /**
     * How long a test waits for a thread it holds at, or releases from, a failpoint: a bound against a hang, never
     * reached in a passing run.
     */
    static final long TIMEOUT_S = 60;

    private FaultFixtures()
    {
    }

    /**
     * Disarms every failpoint after each test ({@code @ExtendWith(FaultFixtures.DisarmFailpoints.class)}), so that
     * a failing test leaves none armed for the next one in the same JVM.
     */
    static final class DisarmFailpoints implements AfterEachCallback
    {
        @Override
        public void afterEach(final ExtensionContext context)
        {
            Failpoint.disarmAll();
        }
    }

    /**
     * @param point a commit failpoint.
     * @return true if the commit has written its meta page when it reaches {@code point}: a failure there leaves
     * the new revision in the file (in the page cache at least), and the store refuses writes until reopened.
     */
    static boolean metaWritten(final Failpoint point)
    {
        return COMMIT_POINTS.indexOf(point) >= COMMIT_POINTS.indexOf(Failpoint.AFTER_META_WRITE);
    }

    /**
     * @param point a commit failpoint.
     * @return true if readers can see the new revision when the commit reaches {@code point}.
     */
    static boolean published(final Failpoint point)
    {
        return point == Failpoint.AFTER_PUBLISH;
    }

    /**
     * @param durability the durability mode.
     * @return 1 KiB pages (many pages from little data), a cleaner run by hand, small file growth.
     */
    static DatabaseOptions options(final Durability durability)
    {
        return options(durability, false);
    }

    /**
     * @param durability   the durability mode.
     * @param mappedWrites whether data pages are written through a mapping (the file then grows with real zeros).
     * @return as {@link #options(Durability)}, with that write mode.
     */
    static DatabaseOptions options(final Durability durability, final boolean mappedWrites)
    {
        return DatabaseOptions.builder().pageSize(1024).durability(durability).backgroundCleaner(false)
            .growth(1024, 64 * 1024).mappedWrites(mappedWrites).build();
    }

    /** Keys of the base versions; version 2 and later add a third as many again. */
    static final class Shape
    {
        final int keys;

        Shape(final int keys)
        {
            this.keys = keys;
        }

        int size(final int version)
        {
            return version >= 2 ? keys + keys / 3 : keys;
        }

        /** Commits version {@code version} (all keys rewritten). */
        void commit(final Engine engine, final int version)
        {
            final WriteTransaction w = engine.beginWrite();
            try
            {
                final Tree t = w.openOrCreateTree("t");
                for (int i = 0; i < size(version); i++)
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

        /** Asserts that {@code txn} sees exactly version {@code version}. */
        void assertVersion(final ReadTransaction txn, final int version, final String where)
        {
            final Tree t = txn.tree("t");
            assertEquals(size(version), t.size(), where + ": entries of version " + version);
            for (int i = 0; i < size(version); i++)
            {
                assertArrayEquals(value(i, version), t.get(key(i)), where + ": key " + i + " of version " + version);
            }
        }

        void assertVersion(final Engine engine, final int version, final String where)
        {
            try (ReadTransaction r = engine.beginRead())
            {
                assertVersion(r, version, where);
            }
        }

        /**
         * Opens {@code file} after a failure, expects it at {@code revision} holding {@code version}, checks it, then
         * shows it takes further commits: commits version {@code next}, runs the cleaner, commits {@code next + 1}
         * and checks again.
         */
        void reopenAndContinue(final Path file, final long revision, final int version, final int next,
            final String where)
        {
            try (Engine reopened = Engine.open(file, options(Durability.SYNC)))
            {
                assertEquals(revision, reopened.revision(), where + ": revision after reopen");
                assertVersion(reopened, version, where);
                assertClean(reopened, where);
                commit(reopened, next);
                reopened.runCleaner();
                commit(reopened, next + 1);
                assertVersion(reopened, next + 1, where + ", after two more commits");
                assertClean(reopened, where + ", after two more commits");
            }
        }

        /**
         * Commits versions 0 and 1 and runs the cleaner, so that pages made obsolete by version 1 are free.
         *
         * @return the engine, at revision {@link #BASE}.
         */
        Engine prepare(final Engine engine)
        {
            commit(engine, 0);
            commit(engine, 1);
            engine.runCleaner();
            assertEquals(BASE, engine.revision());
            return engine;
        }
    }

    static byte[] key(final int i)
    {
        return ByteBuffer.allocate(8).putLong(i).array();
    }

    static byte[] value(final int i, final int version)
    {
        final byte[] v = new byte[40];
        Arrays.fill(v, (byte)(i * 7 + version));
        v[0] = (byte)version;
        return v;
    }

    static void assertClean(final Engine engine, final String where)
    {
        assertClean(engine.check(), where);
    }

    static void assertClean(final CheckReport report, final String where)
    {
        assertTrue(report.ok(), () -> where + ": check() found:\n  " + String.join("\n  ", report.problems()));
    }
}
