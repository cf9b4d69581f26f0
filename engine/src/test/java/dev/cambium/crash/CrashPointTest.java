package dev.cambium.crash;

import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.TestSeeds;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.engine.Engine;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.txn.ReadPages;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.crash.CrashModel.Tx;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.cambium.crash.CrashModel.key;
import static dev.cambium.crash.CrashModel.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Exhaustive simulated power loss at every write and every force of a commit (issue 4, item 2).
 *
 * <p>For each scenario: a counting run learns the events (writes and forces) of the scenario's final commit. Then,
 * for every event index k of that commit, and one more point after its last event, the scenario is rerun on a
 * fresh {@link PowerLossStorage} that dies during event k; for several seeds the crash image is written to a file,
 * opened with {@link Engine#open(Path, DatabaseOptions)}, checked, and its full content compared with a model of
 * each acknowledged revision.
 *
 * <p>Oracle (default {@link Durability#SYNC}):
 * <ul>
 *     <li>the file opens, and {@code check()} reports no problem;</li>
 *     <li>its revision and the content of every tree equal exactly one revision: the previous one (the last
 *     whose {@code commit()} returned) if the final commit's meta write was not yet issued; the previous or the
 *     new one if the meta write was issued but not forced (an unforced write may or may not reach the device, and
 *     the caller got an exception, so the outcome is unknown, as after any failed fsync; the new revision is
 *     complete because its pages were forced first); the new one if the crash came after the meta force (commit
 *     returned: an acknowledged commit must never be lost);</li>
 *     <li>never a mix of two revisions.</li>
 * </ul>
 *
 * <p>Seeds: {@code -Dtest.seed=N} fixes the base seed of the crash outcomes (the scenarios' own data is fixed);
 * {@code -Dcambium.crash.seeds=N} sets the number of seeded outcomes per crash point (default 3; the long profile
 * uses more).
 */
class CrashPointTest
{
    private static final long BASE_SEED = TestSeeds.seed();
    /** Seeded outcomes per crash point; {@code -Dcambium.crash.seeds=N} overrides every scenario's own count. */
    private static final int SEEDS_OVERRIDE = Integer.getInteger("cambium.crash.seeds", 0);

    @TempDir
    Path dir;

    // --------------------------------------------------------------------------------------------- scenarios

    /**
     * A scenario: commits that build a state ({@link #prepare}), then the commit under test ({@link #last}).
     * Everything is deterministic (fixed data seeds, cleaner run by hand) so every rerun issues the same events.
     */
    record Scenario(String name, DatabaseOptions options, int seeds, Consumer<Harness> prepare, Consumer<Tx> last,
        Consumer<Check> expectations)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    /** What the counting run saw, for scenario-specific expectations (e.g. "the commit grew the file"). */
    record Check(long sizeBefore, long sizeAfter, List<PowerLossStorage.Event> events, Engine engine)
    {
    }

    /** Deterministic options: SYNC (the default) and the cleaner run by hand. A new builder each time. */
    private static DatabaseOptions.Builder manual()
    {
        return DatabaseOptions.builder().durability(Durability.SYNC).backgroundCleaner(false);
    }

    static Stream<Scenario> scenarios()
    {
        return Stream.of(
            // (a) First commit into an empty file, default options (page 4 KiB, 1 MiB growth).
            new Scenario("a-first-commit", DatabaseOptions.builder().durability(Durability.SYNC).build(), 3,
                h ->
                {
                },
                tx ->
                {
                    final Random r = new Random(1);
                    for (int i = 0; i < 300; i++)
                    {
                        tx.put("t", key(r.nextLong()), value(r, 8 + r.nextInt(40)));
                    }
                },
                c -> assertEquals(2 * 4096, c.sizeBefore(), "scenario a must start from a new file (two meta pages)")),

            // (b) 512-byte pages, a tree of 3+ levels, then a commit inserting keys all across it.
            new Scenario("b-multi-level-splits", manual().pageSize(512).growth(4096, 64 * 1024).build(), 3,
                h ->
                {
                    final Random r = new Random(2);
                    for (int c = 0; c < 4; c++)
                    {
                        h.commit(tx ->
                        {
                            for (int i = 0; i < 1000; i++)
                            {
                                tx.put("t", key(r.nextLong()), value(r, 16));
                            }
                        });
                    }
                },
                tx ->
                {
                    final Random r = new Random(22);
                    for (int i = 0; i < 400; i++)
                    {
                        tx.put("t", key(r.nextLong()), value(r, 16));
                    }
                },
                c ->
                {
                    final int[] shape = treeShape(c.engine(), "t");
                    System.out.printf("[crash] b-multi-level-splits: tree t has %d branch pages, %d leaves, " +
                        "%d levels after the final commit%n", shape[0], shape[1], shape[2]);
                    assertTrue(shape[2] >= 3, "scenario b needs a tree of 3+ levels: " + Arrays.toString(shape));
                }),

            // (c) Create a tree and drop another (whose pages become obsolete) in one commit.
            new Scenario("c-create-and-drop-tree", manual().pageSize(1024).growth(4096, 64 * 1024).build(), 3,
                h ->
                {
                    final Random r = new Random(3);
                    h.commit(tx ->
                    {
                        for (int i = 0; i < 300; i++)
                        {
                            tx.put("keep", key(r.nextLong()), value(r, 24));
                            tx.put("doomed", key(r.nextLong()), value(r, 24));
                        }
                    });
                },
                tx ->
                {
                    final Random r = new Random(33);
                    tx.drop("doomed");
                    tx.create("fresh");
                    for (int i = 0; i < 200; i++)
                    {
                        tx.put("fresh", key(r.nextLong()), value(r, 24));
                    }
                    tx.put("keep", key(7), value(r, 24));
                },
                c ->
                {
                }),

            // (d) A 200 KiB overflow value (and a 50 KiB one replaced) at 4 KiB pages.
            new Scenario("d-large-overflow-value", manual().pageSize(4096).growth(16 * 1024, 64 * 1024).build(), 3,
                h ->
                {
                    final Random r = new Random(4);
                    h.commit(tx ->
                    {
                        for (int i = 0; i < 50; i++)
                        {
                            tx.put("t", key(i), value(r, 32));
                        }
                        tx.put("t", key(1000), value(r, 50 * 1024));
                    });
                },
                tx ->
                {
                    final Random r = new Random(44);
                    tx.put("t", key(2000), value(r, 200 * 1024));
                    tx.put("t", key(1000), value(r, 10 * 1024));
                },
                c ->
                {
                }),

            // (e) A commit that writes into pages the cleaner reclaimed.
            new Scenario("e-reuse-reclaimed-pages", manual().pageSize(1024).growth(4096, 64 * 1024).build(), 3,
                h ->
                {
                    final Random r = new Random(5);
                    h.commit(tx ->
                    {
                        for (int i = 0; i < 800; i++)
                        {
                            tx.put("t", key(i), value(r, 40));
                        }
                    });
                    for (int v = 0; v < 2; v++)
                    {
                        h.commit(tx ->
                        {
                            for (int i = 0; i < 800; i++)
                            {
                                tx.put("t", key(i), value(r, 40));
                            }
                        });
                        h.engine.runCleaner();
                    }
                },
                tx ->
                {
                    final Random r = new Random(55);
                    for (int i = 0; i < 800; i += 2)
                    {
                        tx.put("t", key(i), value(r, 40));
                    }
                },
                c ->
                {
                    assertEquals(c.sizeBefore(), c.sizeAfter(), "scenario e must not grow the file");
                    // Pages, not writes: adjacent pages may go out as one write (PageRuns).
                    final long pages = c.events().stream().filter(e -> !e.force() && e.position() >= 2048)
                        .mapToLong(e -> e.length() / 1024).sum();
                    assertTrue(pages > 10, "scenario e must write pages into reclaimed space: " + pages);
                }),

            // (f) A commit that grows the file past the first 64 KiB mapping segment.
            new Scenario("f-grow-past-map-segment",
                manual().pageSize(1024).mapSegmentSize(65536).growth(2048, 4096).build(), 3,
                h ->
                {
                    final Random r = new Random(6);
                    h.commit(tx ->
                    {
                        for (int i = 0; i < 500; i++)
                        {
                            tx.put("t", key(r.nextLong()), value(r, 40));
                        }
                    });
                },
                tx ->
                {
                    final Random r = new Random(66);
                    for (int i = 0; i < 400; i++)
                    {
                        tx.put("t", key(r.nextLong()), value(r, 40));
                    }
                },
                c -> assertTrue(c.sizeBefore() <= 65536 && c.sizeAfter() > 65536,
                    "scenario f must grow the file from at most 64 KiB past it: " + c.sizeBefore() + " -> " +
                        c.sizeAfter())));
    }

    /**
     * @return {branch pages, leaf pages, levels} of the newest revision's tree {@code name} (levels: the length of
     * the leftmost path, found by counting branch pages that are the first page visited below a branch).
     */
    static int[] treeShape(final Engine engine, final String name)
    {
        final Meta meta = engine.revisions().head().state();
        final ReadPages pages = new ReadPages(engine.store(), meta);
        final BTreeReader reader = new BTreeReader(pages);
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final byte[] entry = reader.getCopy(meta.catalogRoot(), meta.catalogRootRevision(), new UnsafeBuffer(nameBytes),
            0,
            nameBytes.length);
        final long root = CatalogEntry.root(new UnsafeBuffer(entry));
        final long rootRevision = CatalogEntry.rootRevision(new UnsafeBuffer(entry));
        final UnsafeBuffer view = new UnsafeBuffer(new byte[1]);
        final int[] shape = new int[3];
        final boolean[] leafSeen = {false};
        reader.walkPages(root, rootRevision, (id, revision) ->
        {
            pages.wrap(id, revision, view);
            final byte type = PageHeader.type(view);
            if (type == PageHeader.TYPE_BRANCH)
            {
                shape[0]++;
                if (!leafSeen[0])
                {
                    shape[2]++; // depth-first: branches before the first leaf form the leftmost path
                }
            }
            else if (type == PageHeader.TYPE_LEAF)
            {
                shape[1]++;
                if (!leafSeen[0])
                {
                    leafSeen[0] = true;
                    shape[2]++;
                }
            }
            return true;
        }, null);
        return shape;
    }

    // ------------------------------------------------------------------------------------------------- runs

    /** One run of a scenario on a fresh storage, with the file's size before and after the final commit. */
    private static final class Run extends CrashPoints.CommitRun
    {
        long sizeBefore;
        long sizeAfter;
    }

    private Run run(final Scenario s, final Path file, final long crashAtRelative, final long expectedEventsBefore)
    {
        return CrashPoints.runFinalCommit(new Run(), file, s.options(), s.prepare(), s.last(), crashAtRelative,
            (engine, run) ->
            {
                run.sizeBefore = run.storage.size();
                if (expectedEventsBefore >= 0)
                {
                    assertEquals(expectedEventsBefore, run.eventsBefore, s + ": the scenario is not deterministic");
                }
            },
            (engine, run) ->
            {
                if (run.returned)
                {
                    assertEquals(run.next.revision, engine.revision());
                }
                run.sizeAfter = run.storage.size();
                if (crashAtRelative < 0)
                {
                    s.expectations().accept(new Check(run.sizeBefore, run.sizeAfter, run.finalEvents, engine));
                }
            });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyCrashPointOpensAtAnAcknowledgedRevision(final Scenario s) throws IOException
    {
        final long started = System.nanoTime();
        final int seeds = SEEDS_OVERRIDE > 0 ? SEEDS_OVERRIDE : s.seeds();
        final int scenarioIndex = s.name().charAt(0);

        // 1. Counting run: the final commit's events.
        final Run counting = run(s, dir.resolve("count.cambium"), -1, -1);
        assertTrue(counting.returned);
        final List<PowerLossStorage.Event> events = counting.finalEvents;
        final int total = events.size();
        // The commit ends: ..., write (meta), force. Its pages were forced before the meta write only if they did not
        // fit in the meta page's list (MetaCodec, "The page list").
        assertTrue(total >= 3, s + ": too few events " + events);
        final PowerLossStorage.Event metaWrite = events.get(total - 2);
        assertTrue(events.get(total - 1).force() && !metaWrite.force(),
            s + ": unexpected commit tail " + events.subList(total - 3, total));
        final boolean dataForced = events.get(total - 3).force();
        final int pageSize = s.options().pageSize();
        assertTrue(metaWrite.position() == 0 || metaWrite.position() == pageSize, "meta write at " + metaWrite);
        final int metaWriteIndex = total - 2;
        final long writes = events.stream().filter(e -> !e.force()).count();
        final long zeroWrites = events.stream().filter(e -> !e.force() && e.length() != pageSize).count();
        Files.deleteIfExists(dir.resolve("count.cambium"));

        // 2. Every crash point: during event k for k < total, and after the last event (k == total).
        int previousOutcomes = 0;
        int newOutcomes = 0;
        int images = 0;
        final Map<PowerLossStorage.Fate, Integer> fates = new EnumMap<>(PowerLossStorage.Fate.class);
        final List<String> failures = new ArrayList<>();
        final StringBuilder perPoint = new StringBuilder();
        for (int k = 0; k <= total; k++)
        {
            final Path live = dir.resolve("live-" + k + ".cambium");
            final Run run = run(s, live, k, counting.eventsBefore);
            if (k < total && run.returned)
            {
                fail(s + ": commit returned although the storage died during event " + k);
            }
            if (k == total && !run.returned)
            {
                fail(s + ": commit failed without a crash");
            }
            int pointPrevious = 0;
            int pointNew = 0;
            for (int seed = 0; seed < seeds; seed++)
            {
                final long outcomeSeed = CrashModel.seed(BASE_SEED, scenarioIndex, k, seed);
                final List<PowerLossStorage.Fate> chosen = new ArrayList<>();
                final byte[] image = run.storage.crashImage(new Random(outcomeSeed), chosen);
                chosen.forEach(f -> fates.merge(f, 1, Integer::sum));
                images++;
                final String where = s + " " + CrashPoints.where(k, events) + ", outcome seed " + outcomeSeed +
                    " (base seed " + BASE_SEED + "), pending writes " + run.storage.pendingWrites() +
                    " with fates " + chosen + ", image " + image.length + " bytes";
                final String verdict = verdict(CrashPoints.recoverImage(dir, k, seed, image, s.options()), run, k,
                    metaWriteIndex, total);
                if (verdict.equals("previous"))
                {
                    pointPrevious++;
                }
                else if (verdict.equals("new"))
                {
                    pointNew++;
                }
                else
                {
                    failures.add(where + ": " + verdict);
                }
            }
            previousOutcomes += pointPrevious;
            newOutcomes += pointNew;
            if (k >= metaWriteIndex)
            {
                perPoint.append(String.format("    point %d (%s): previous %d, new %d%n", k,
                    k < total ? events.get(k) : "after last event", pointPrevious, pointNew));
            }
            Files.deleteIfExists(live);
        }
        final double seconds = (System.nanoTime() - started) / 1e9;
        // Page-sized: a data page (PowerLossStorage takes a run of adjacent pages page by page), or the growth's new
        // last page (FileLength.grow). Other lengths: zero-fill of a file whose length is not a multiple of the page.
        System.out.printf("[crash] %s: final commit has %d events (%d other-length writes, %d page-sized writes " +
            "including growth, 1 meta " +
            "write, %d forces, %s; file %d -> %d bytes); " +
            "%d crash points x %d seeds = %d images; opened at previous revision %d, at new revision %d, " +
            "failed %d; fates of unsynced writes %s; %d+%d entries; base seed %d; %.1f s%n%s",
            s, total, zeroWrites, writes - zeroWrites - 1, total - writes,
            dataForced ? "data forced before the meta" : "the meta lists the unforced pages", counting.sizeBefore,
            counting.sizeAfter,
            total + 1, seeds, images,
            previousOutcomes, newOutcomes, failures.size(), fates, counting.previous.entries(),
            counting.next.entries(), BASE_SEED, seconds, perPoint);
        CrashPoints.assertNoFailures(failures,
            "crash images violate the oracle in " + s + " (base seed " + BASE_SEED + ")");
        assertTrue(previousOutcomes > 0);
        assertTrue(newOutcomes >= seeds, "the point after the meta force must open at the new revision");
    }

    /**
     * The oracle: the previous revision up to the final commit's return, the new one from its meta write on, never
     * a mix.
     *
     * @return "previous" or "new" if the oracle holds, else a description of the violation.
     */
    private static String verdict(final CrashPoints.Recovered recovered, final Run run, final int k,
        final int metaWriteIndex, final int total)
    {
        if (recovered.problem() != null)
        {
            return recovered.problem();
        }
        final boolean previousAllowed = k < total; // the commit did not return
        final boolean newAllowed = k >= metaWriteIndex; // the meta write was issued
        final Model actual = recovered.content();
        final String vsPrevious = run.previous.difference(actual);
        final String vsNew = run.next.difference(actual);
        if (actual.revision == run.previous.revision && vsPrevious == null)
        {
            return previousAllowed
                ? "previous"
                : "LOST ACKNOWLEDGED COMMIT: opened at the previous revision " + actual.revision +
                    " after commit() returned";
        }
        if (actual.revision == run.next.revision && vsNew == null)
        {
            return newAllowed
                ? "new"
                : "opened at the new revision " + actual.revision + " although its meta write was never issued";
        }
        return "opened at revision " + actual.revision + " (previous " + run.previous.revision + ", new " +
            run.next.revision + ") with content matching neither: vs previous: " + vsPrevious + "; vs new: " + vsNew;
    }
}
