package dev.cambium.engine.txn;

import dev.cambium.Checks;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.ReadTransaction;
import dev.cambium.TestSeeds;
import dev.cambium.Tree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The working memory copies each committed page at most once per transaction, and a commit writes
 * exactly the pages that are new in the resulting revision (nothing is reused yet, so the file's
 * high-water mark grows by exactly the pages written).
 *
 * <p>In this package to reach the transactions' roots and walk every page of a revision.
 */
class WorkingMemoryTest
{
    private static final int PAGE_SIZE = 1024;

    @TempDir
    Path dir;

    private Database open(final String name)
    {
        return Database.open(dir.resolve(name), DatabaseOptions.builder()
            .pageSize(PAGE_SIZE).durability(Durability.NO_SYNC).build());
    }

    private static byte[] key(final int n)
    {
        return ByteBuffer.allocate(12).putInt(n).putLong(n * 0x9E3779B97F4A7C15L).array();
    }

    private static byte[] value(final Random rnd)
    {
        final byte[] v = new byte[16 + rnd.nextInt(24)];
        rnd.nextBytes(v);
        return v;
    }

    /**
     * Every page of the newest revision: the catalog's, every tree's and the free-space map's (each
     * exactly once). Also checks that every page below the high-water mark is either reachable or listed
     * as unused by the revision's free-space map, never both.
     */
    private static Set<Long> reachablePages(final Database db)
    {
        try (ReadTransaction r = db.beginRead())
        {
            final ReadTxn txn = (ReadTxn)r;
            final Set<Long> ids = new HashSet<>();
            txn.reader.forEachPage(txn.catalogRoot, txn.catalogRootRevision, id -> add(ids, id));
            for (final String name : txn.treeNames())
            {
                final TreeHandle tree = (TreeHandle)txn.tree(name);
                txn.reader.forEachPage(tree.root, tree.rootRevision, id -> add(ids, id));
            }
            txn.reader.forEachPage(txn.meta().freeSpaceRoot(), txn.meta().freeSpaceRootRevision(), id -> add(ids, id));
            final java.util.BitSet unused = new java.util.BitSet();
            dev.cambium.engine.space.FreeSpaceMap.load(txn.pages, txn.meta().freeSpaceRoot(),
                txn.meta().freeSpaceRootRevision(), txn.meta().highWater(), unused);
            for (final long id : ids)
            {
                assertTrue(!unused.get((int)id), "page " + id + " is reachable and listed as unused");
            }
            assertEquals(txn.meta().highWater() - 2, ids.size() + unused.cardinality(),
                "every page below the high-water mark is reachable or unused");
            return ids;
        }
    }

    private static void add(final Set<Long> ids, final long id)
    {
        if (!ids.add(id))
        {
            fail("page " + id + " is reachable twice");
        }
    }

    @Test
    void shouldCopyEachTouchedPageOnceAndWriteExactlyTheNewPages()
    {
        final long seed = TestSeeds.seed();
        try
        {
            run(seed);
        }
        catch (final Throwable t)
        {
            fail("seed " + seed + " (rerun with -Dtest.seed=" + seed + "): " + t, t);
        }
    }

    private void run(final long seed)
    {
        final Random rnd = new Random(seed);
        try (Database db = open("wm.cambium"))
        {
            final int loaded = 20_000;
            db.write(txn ->
            {
                final Tree t = txn.createTree("t");
                for (int i = 0; i < loaded; i++)
                {
                    t.put(key(i * 2), value(rnd));
                }
            });
            final Set<Long> before = reachablePages(db);
            final DatabaseStats statsBefore = db.stats();
            assertEquals(statsBefore.pageCount() - 2, before.size(),
                "after one load transaction into an empty file every page below the high-water mark is in use");

            // 1,000 puts: overwrites of random existing keys and inserts of new (odd) keys
            final List<byte[]> keys = new ArrayList<>();
            final List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 1_000; i++)
            {
                keys.add(rnd.nextBoolean() ? key(rnd.nextInt(loaded) * 2) : key(rnd.nextInt(loaded) * 2 + 1));
                values.add(value(rnd));
            }
            final java.util.Map<ByteBuffer, byte[]> model = new java.util.HashMap<>();
            final WriteTxn w = (WriteTxn)db.beginWrite();
            final long copies;
            final long copiesWithCatalog;
            try
            {
                final Tree t = w.tree("t");
                for (int i = 0; i < keys.size(); i++)
                {
                    t.put(keys.get(i), values.get(i));
                }
                copies = w.copies();
                assertTrue(copies > 0, "puts into a committed tree copy pages");
                assertTrue(copies <= before.size(), "copies " + copies + " > pages of the revision " + before.size());
                // the same puts again: every page they touch is already private
                for (int i = 0; i < keys.size(); i++)
                {
                    t.put(keys.get(i), values.get(i));
                }
                assertEquals(copies, w.copies(), "repeating the puts must not copy again");
                // and with new values of the same length, in reverse order
                for (int i = keys.size() - 1; i >= 0; i--)
                {
                    final byte[] v = values.get(i).clone();
                    v[0] ^= 0x55;
                    values.set(i, v);
                    t.put(keys.get(i), v);
                    model.put(ByteBuffer.wrap(keys.get(i)), v);
                }
                assertEquals(copies, w.copies(), "overwriting private pages must not copy again");
                // reads do not copy either
                for (final byte[] k : keys)
                {
                    t.get(k);
                }
                assertEquals(copies, w.copies());
                w.commit();
                copiesWithCatalog = w.copies();
                assertEquals(copies + 1, copiesWithCatalog,
                    "the commit records the new root in the catalog, copying its single page once");
            }
            finally
            {
                w.close();
            }

            final DatabaseStats statsAfter = db.stats();
            final Set<Long> after = reachablePages(db);
            final Set<Long> added = new HashSet<>(after);
            added.removeAll(before);
            final Set<Long> obsolete = new HashSet<>(before);
            obsolete.removeAll(after);
            assertEquals(added.size(), statsAfter.lastCommitPages(),
                "the commit writes exactly the pages that are new in the revision");
            assertEquals(statsAfter.pageCount() - statsBefore.pageCount(), statsAfter.lastCommitPages(),
                "nothing was reusable (the only obsolete pages are this commit's): the file grows by the pages written");
            for (final long id : added)
            {
                assertTrue(id >= statsBefore.pageCount(), "new page " + id + " below the old high-water mark");
            }
            assertEquals(obsolete.size(), copiesWithCatalog,
                "each copied page replaced exactly one page of the old revision (and no page was copied twice)");
            assertTrue(statsAfter.lastCommitPages() >= copies);

            try (ReadTransaction r = db.beginRead())
            {
                final Tree t = r.tree("t");
                assertEquals(20_000 + model.keySet().stream().filter(k -> k.getInt(0) % 2 == 1).count(), t.size());
                for (final java.util.Map.Entry<ByteBuffer, byte[]> e : model.entrySet())
                {
                    assertArrayEquals(e.getValue(), t.get(e.getKey().array()));
                }
            }
            Checks.assertConsistent(db);
        }
    }

    @Test
    void shouldWriteExactlyTheNewTreeAndCatalogPagesForSequentialPutsIntoEmptyTree()
    {
        try (Database db = open("sequential.cambium"))
        {
            // a first tree, so that the catalog already has a committed page to copy
            db.write(txn -> txn.createTree("first").put(key(1), new byte[]{1}));
            final DatabaseStats s0 = db.stats();
            final Set<Long> before = reachablePages(db);
            assertEquals(s0.pageCount() - 2, before.size());

            final WriteTxn w = (WriteTxn)db.beginWrite();
            final Random rnd = new Random(1);
            try
            {
                final Tree t = w.createTree("seq");
                for (int i = 0; i < 1_000; i++)
                {
                    t.put(key(i), value(rnd));
                }
                assertEquals(1, w.copies(), "only the catalog's (single) committed page is copied, by createTree");
                w.commit();
                assertEquals(1, w.copies(), "recording the tree's root at commit does not copy the catalog again");
            }
            finally
            {
                w.close();
            }
            final DatabaseStats s1 = db.stats();
            final Set<Long> after = reachablePages(db);
            final Set<Long> added = new HashSet<>(after);
            added.removeAll(before);
            final Set<Long> obsolete = new HashSet<>(before);
            obsolete.removeAll(after);
            assertEquals(1, obsolete.size(), "only the old catalog page became obsolete");
            assertEquals(s1.pageCount() - 2, after.size() + obsolete.size(),
                "every page below the high-water mark is live or an old version: nothing skipped");
            assertEquals(added.size(), s1.lastCommitPages());
            assertEquals(s1.pageCount() - s0.pageCount(), s1.lastCommitPages(),
                "the high-water mark grows by exactly the pages written");
            assertEquals(s1.lastCommitPages(), s1.pagesWritten() - s0.pagesWritten(),
                "the running count of pages written grows by the commit's pages");

            // the same in a brand-new database (first commit of the file)
            try (Database fresh = open("fresh.cambium"))
            {
                final long p0 = fresh.stats().pageCount();
                fresh.write(txn ->
                {
                    final Tree t = txn.createTree("seq");
                    for (int i = 0; i < 1_000; i++)
                    {
                        t.put(key(i), value(rnd));
                    }
                });
                final DatabaseStats f = fresh.stats();
                assertEquals(f.pageCount() - p0, f.lastCommitPages());
                assertEquals(f.lastCommitPages(), f.pagesWritten(), "one commit since open");
                assertEquals(f.pageCount() - 2, reachablePages(fresh).size());
                Checks.assertConsistent(fresh);
            }
            Checks.assertConsistent(db);
        }
    }
}
