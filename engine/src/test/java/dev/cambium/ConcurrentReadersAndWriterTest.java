package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Three snapshot readers and one writer run together for a bounded time
 * ({@code -Dcambium.concurrency.seconds}, default 8). The writer moves amounts between random keys of
 * trees "a", "b" and "c" so the sum of all values stays constant; it also inserts and deletes keys
 * holding 0 (forcing splits and merges at 1 KiB pages) and sometimes rolls a transaction back after
 * changing it. Readers check, per read transaction: the constant sum (by cursor scans and by gets),
 * that the revision never goes backwards, that a second scan equals the first, and that the content
 * equals what the writer committed as that revision.
 */
class ConcurrentReadersAndWriterTest
{
    private static final String[] TREES = {"a", "b", "c"};
    private static final int READERS = 3;
    private static final int INITIAL_KEYS = 300;
    private static final long INITIAL_VALUE = 1_000;
    private static final long TOTAL = TREES.length * INITIAL_KEYS * INITIAL_VALUE;
    private static final int KEY_SPACE = 4_000;
    private static final int KEY_LENGTH = 24;

    @TempDir
    Path dir;

    private static byte[] key(final int n)
    {
        final byte[] k = new byte[KEY_LENGTH];
        ByteBuffer.wrap(k).putInt(n).putInt(~n).putLong(n * 0x9E3779B97F4A7C15L);
        return k;
    }

    private static byte[] value(final long v)
    {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private static long value(final byte[] v)
    {
        if (v.length != 8)
        {
            throw new AssertionError("value of " + v.length + " bytes");
        }
        return ByteBuffer.wrap(v).getLong();
    }

    /** Order-dependent hash of a whole database state, computed identically by the writer and the readers. */
    private static long mix(final long h, final int tree, final byte[] key, final long value)
    {
        return (h * 31 + tree) * 1_000_003L + Arrays.hashCode(key) * 7919L + value;
    }

    @Test
    void shouldKeepSumConstantAndSnapshotsStableUnderConcurrentCommits() throws Exception
    {
        final long seed = TestSeeds.seed();
        final long seconds = Long.getLong("cambium.concurrency.seconds", 8);
        final Path file = dir.resolve("concurrent.cambium");
        final DatabaseOptions options = DatabaseOptions.builder()
            .pageSize(1024).durability(Durability.NO_SYNC).build();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong rollbacks = new AtomicLong();
        final AtomicLong scans = new AtomicLong();
        final AtomicLong hashChecks = new AtomicLong();
        final Map<Long, Long> committedHash = new ConcurrentHashMap<>();

        try (Database db = Database.open(file, options))
        {
            // initial state: every tree holds INITIAL_KEYS keys of INITIAL_VALUE
            final List<NavigableMap<byte[], Long>> committed = new ArrayList<>();
            final Random init = new Random(seed);
            db.write(txn ->
            {
                for (final String name : TREES)
                {
                    final Tree t = txn.createTree(name);
                    final NavigableMap<byte[], Long> m = new TreeMap<>(Arrays::compareUnsigned);
                    while (m.size() < INITIAL_KEYS)
                    {
                        final byte[] k = key(init.nextInt(KEY_SPACE));
                        if (m.put(k, INITIAL_VALUE) == null)
                        {
                            t.put(k, value(INITIAL_VALUE));
                        }
                    }
                    committed.add(m);
                }
                committedHash.put(txn.revision(), hash(committed));
            });

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            final List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(
                () -> guard(failures, stop,
                    () -> writer(db, new Random(seed ^ 0x5DEECE66DL), committed, deadline, stop, commits, rollbacks,
                        committedHash)),
                "writer"));
            for (int r = 0; r < READERS; r++)
            {
                final long readerSeed = seed + 1 + r;
                threads
                    .add(
                        new Thread(
                            () -> guard(failures, stop,
                                () -> reader(db, new Random(readerSeed), deadline, stop, scans, hashChecks,
                                    committedHash)),
                            "reader-" + r));
            }
            threads.forEach(Thread::start);
            for (final Thread t : threads)
            {
                t.join(TimeUnit.SECONDS.toMillis(seconds + 120));
                if (t.isAlive())
                {
                    stop.set(true);
                    failures.add(new AssertionError(t.getName() + " did not finish (hang?)"));
                }
            }
            if (!failures.isEmpty())
            {
                final AssertionError e = new AssertionError("seed " + seed + " (rerun with -Dtest.seed=" + seed +
                    "): " + failures.size() + " thread failure(s); first: " + failures.peek(), failures.peek());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            System.out.printf("ConcurrentReadersAndWriterTest seed %d: %d s, %d commits, %d rollbacks, %d reader " +
                "scans, %d snapshot hash checks, final revision %d, pages %d%n",
                seed, seconds, commits.get(), rollbacks.get(), scans.get(), hashChecks.get(), db.revision(),
                db.stats().pageCount());
            assertTrue(commits.get() > 0, "seed " + seed + ": no commits");
            assertTrue(scans.get() > 0, "seed " + seed + ": no reader scans");
            assertTrue(hashChecks.get() > 0, "seed " + seed + ": no snapshot compared with the writer's record");
            // the final state still holds the total, and all read transactions were released
            assertEquals(TOTAL, db.read(ConcurrentReadersAndWriterTest::sumByScan), "seed " + seed);
            assertEquals(0, db.stats().openReadTransactions(), "seed " + seed);
            // every thread is joined: no read transaction begins or ends during the check
            Checks.assertConsistent(db);
        }
        // and after reopening
        try (Database db = Database.open(file, options))
        {
            assertEquals(TOTAL, db.read(ConcurrentReadersAndWriterTest::sumByScan), "seed " + seed + " after reopen");
            assertEquals(committedHash.get(db.revision()), db.read(r -> hashOf(scan(r))),
                "seed " + seed + " after reopen");
            Checks.assertConsistent(db);
        }
    }

    private interface Body
    {
        void run() throws Exception;
    }

    private static void guard(final ConcurrentLinkedQueue<Throwable> failures, final AtomicBoolean stop,
        final Body body)
    {
        try
        {
            body.run();
        }
        catch (final Throwable t)
        {
            failures.add(new AssertionError(Thread.currentThread().getName() + ": " + t, t));
            stop.set(true);
        }
    }

    private static long hash(final List<NavigableMap<byte[], Long>> state)
    {
        long h = 17;
        for (int t = 0; t < state.size(); t++)
        {
            for (final Map.Entry<byte[], Long> e : state.get(t).entrySet())
            {
                h = mix(h, t, e.getKey(), e.getValue());
            }
        }
        return h;
    }

    // --------------------------------------------------------------------------------------------- writer

    private static void writer(final Database db, final Random rnd, final List<NavigableMap<byte[], Long>> committed,
        final long deadline, final AtomicBoolean stop, final AtomicLong commits, final AtomicLong rollbacks,
        final Map<Long, Long> committedHash)
    {
        while (!stop.get() && System.nanoTime() < deadline)
        {
            final List<NavigableMap<byte[], Long>> model = new ArrayList<>();
            for (final NavigableMap<byte[], Long> m : committed)
            {
                final NavigableMap<byte[], Long> copy = new TreeMap<>(Arrays::compareUnsigned);
                copy.putAll(m);
                model.add(copy);
            }
            final WriteTransaction w = db.beginWrite();
            try
            {
                final long before = db.revision();
                if (w.revision() != before + 1)
                {
                    throw new AssertionError("write txn revision " + w.revision() + " on head " + before);
                }
                final Tree[] trees = new Tree[TREES.length];
                for (int i = 0; i < TREES.length; i++)
                {
                    trees[i] = w.tree(TREES[i]);
                }
                final int ops = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 200 : 20);
                for (int op = 0; op < ops; op++)
                {
                    final int what = rnd.nextInt(100);
                    if (what < 60)
                    {
                        transfer(rnd, trees, model);
                    }
                    else if (what < 80)
                    {
                        // insert keys carrying 0, sometimes a burst (splits)
                        final int n = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(100) : 1;
                        final int ti = rnd.nextInt(trees.length);
                        for (int i = 0; i < n; i++)
                        {
                            final byte[] k = key(rnd.nextInt(KEY_SPACE));
                            if (!model.get(ti).containsKey(k))
                            {
                                model.get(ti).put(k, 0L);
                                trees[ti].put(k, value(0));
                            }
                        }
                    }
                    else
                    {
                        // delete keys carrying 0, sometimes all of a range of them (merges)
                        final int ti = rnd.nextInt(trees.length);
                        final boolean burst = rnd.nextInt(4) == 0;
                        final byte[] from = key(rnd.nextInt(KEY_SPACE));
                        final List<byte[]> zeros = new ArrayList<>();
                        for (final Map.Entry<byte[], Long> e : model.get(ti).tailMap(from, true).entrySet())
                        {
                            if (e.getValue() == 0)
                            {
                                zeros.add(e.getKey());
                                if (!burst || zeros.size() >= 150)
                                {
                                    break;
                                }
                            }
                        }
                        for (final byte[] k : zeros)
                        {
                            model.get(ti).remove(k);
                            if (!trees[ti].delete(k))
                            {
                                throw new AssertionError("delete of a present key returned false");
                            }
                        }
                    }
                }
                if (rnd.nextInt(20) == 0)
                {
                    // the writer sees its own changes, and the invariant holds inside the transaction too
                    final long sum = sumByScan(w);
                    if (sum != TOTAL)
                    {
                        throw new AssertionError("sum inside the write transaction is " + sum);
                    }
                    for (int i = 0; i < TREES.length; i++)
                    {
                        assertEquals(model.get(i).size(), trees[i].size(), "size of " + TREES[i] + " in the writer");
                    }
                }
                if (rnd.nextInt(8) == 0)
                {
                    w.rollback();
                    rollbacks.incrementAndGet();
                    if (db.revision() != before)
                    {
                        throw new AssertionError(
                            "a rollback moved the revision from " + before + " to " + db.revision());
                    }
                }
                else
                {
                    committedHash.put(w.revision(), hash(model));
                    w.commit();
                    if (db.revision() == w.revision())
                    {
                        commits.incrementAndGet(); // published (a transaction that changed nothing publishes none)
                    }
                    committed.clear();
                    committed.addAll(model);
                }
            }
            finally
            {
                w.close();
            }
        }
    }

    private static void transfer(final Random rnd, final Tree[] trees, final List<NavigableMap<byte[], Long>> model)
    {
        final int from = rnd.nextInt(trees.length);
        final int to = rnd.nextInt(trees.length);
        final byte[] kf = randomPresentKey(rnd, model.get(from));
        final byte[] kt = randomPresentKey(rnd, model.get(to));
        if (kf == null || kt == null)
        {
            return;
        }
        final long amount = rnd.nextInt(2_000) - 500;
        final long vf = model.get(from).get(kf) - amount;
        model.get(from).put(kf, vf);
        trees[from].put(kf, value(vf));
        // read back through the tree (not the model) so that from == to, kf == kt stays correct
        final long vt = value(trees[to].get(kt)) + amount;
        model.get(to).put(kt, vt);
        trees[to].put(kt, value(vt));
    }

    private static byte[] randomPresentKey(final Random rnd, final NavigableMap<byte[], Long> m)
    {
        if (m.isEmpty())
        {
            return null;
        }
        final byte[] probe = key(rnd.nextInt(KEY_SPACE));
        final byte[] k = m.ceilingKey(probe);
        return k != null ? k : m.firstKey();
    }

    // --------------------------------------------------------------------------------------------- readers

    /** One scan: per tree, the keys and values in cursor order. */
    private static final class Scan
    {
        final List<List<byte[]>> keys = new ArrayList<>();
        final List<long[]> values = new ArrayList<>();

        long sum()
        {
            long s = 0;
            for (final long[] vs : values)
            {
                for (final long v : vs)
                {
                    s += v;
                }
            }
            return s;
        }

        boolean sameAs(final Scan o)
        {
            if (keys.size() != o.keys.size())
            {
                return false;
            }
            for (int t = 0; t < keys.size(); t++)
            {
                if (!Arrays.equals(values.get(t), o.values.get(t)) || keys.get(t).size() != o.keys.get(t).size())
                {
                    return false;
                }
                for (int i = 0; i < keys.get(t).size(); i++)
                {
                    if (!Arrays.equals(keys.get(t).get(i), o.keys.get(t).get(i)))
                    {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private static Scan scan(final ReadTransaction txn)
    {
        final Scan s = new Scan();
        for (final String name : TREES)
        {
            final List<byte[]> ks = new ArrayList<>();
            final List<Long> vs = new ArrayList<>();
            try (Cursor c = txn.tree(name).cursor())
            {
                byte[] prev = null;
                for (boolean ok = c.first(); ok; ok = c.next())
                {
                    final byte[] k = c.key();
                    if (prev != null && Arrays.compareUnsigned(prev, k) >= 0)
                    {
                        throw new AssertionError("cursor order broken in " + name + " at revision " + txn.revision());
                    }
                    prev = k;
                    ks.add(k);
                    vs.add(value(c.value()));
                }
            }
            s.keys.add(ks);
            s.values.add(vs.stream().mapToLong(Long::longValue).toArray());
        }
        return s;
    }

    private static long hashOf(final Scan s)
    {
        long h = 17;
        for (int t = 0; t < s.keys.size(); t++)
        {
            for (int i = 0; i < s.keys.get(t).size(); i++)
            {
                h = mix(h, t, s.keys.get(t).get(i), s.values.get(t)[i]);
            }
        }
        return h;
    }

    private static long sumByScan(final ReadTransaction txn)
    {
        return scan(txn).sum();
    }

    private static void reader(final Database db, final Random rnd, final long deadline, final AtomicBoolean stop,
        final AtomicLong scans, final AtomicLong hashChecks, final Map<Long, Long> committedHash)
    {
        long lastRevision = -1;
        while (!stop.get() && System.nanoTime() < deadline)
        {
            try (ReadTransaction r = db.beginRead())
            {
                final long revision = r.revision();
                if (revision < lastRevision)
                {
                    throw new AssertionError("revision went backwards: " + lastRevision + " then " + revision);
                }
                lastRevision = revision;
                final Scan first = scan(r);
                final long sum = first.sum();
                if (sum != TOTAL)
                {
                    throw new AssertionError("sum at revision " + revision + " is " + sum + ", expected " + TOTAL);
                }
                final Long expectedHash = committedHash.get(revision);
                if (expectedHash != null)
                {
                    if (expectedHash != hashOf(first))
                    {
                        throw new AssertionError("content at revision " + revision + " differs from what the writer " +
                            "committed as that revision");
                    }
                    hashChecks.incrementAndGet();
                }
                // point reads agree with the scan, and sum to the total
                long byGets = 0;
                for (int t = 0; t < TREES.length; t++)
                {
                    final Tree tree = r.tree(TREES[t]);
                    final List<byte[]> ks = first.keys.get(t);
                    if (tree.size() != ks.size() || tree.count(null, null) != ks.size())
                    {
                        throw new AssertionError("size of " + TREES[t] + " at revision " + revision + " is " +
                            tree.size() + "/" + tree.count(null, null) + ", scan found " + ks.size());
                    }
                    for (int i = 0; i < ks.size(); i++)
                    {
                        final boolean check = rnd.nextInt(8) == 0;
                        final long v = check ? value(tree.get(ks.get(i))) : first.values.get(t)[i];
                        if (v != first.values.get(t)[i])
                        {
                            throw new AssertionError("get disagrees with the scan at revision " + revision);
                        }
                        byGets += v;
                    }
                    for (int i = 0; i < 10; i++)
                    {
                        // absent keys stay absent
                        final byte[] k = key(KEY_SPACE + rnd.nextInt(1000));
                        if (tree.get(k) != null)
                        {
                            throw new AssertionError("a never-written key is present at revision " + revision);
                        }
                    }
                }
                if (byGets != TOTAL)
                {
                    throw new AssertionError("sum by gets at revision " + revision + " is " + byGets);
                }
                // a second scan in the same transaction, after commits may have happened, is identical
                final Scan second = scan(r);
                if (!first.sameAs(second))
                {
                    throw new AssertionError("two scans in one read transaction (revision " + revision + ") differ; " +
                        "head is now " + db.revision());
                }
                if (r.revision() != revision)
                {
                    throw new AssertionError("revision of a read transaction changed");
                }
                scans.incrementAndGet();
            }
        }
    }
}
