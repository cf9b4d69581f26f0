package dev.cambium.crash;

import dev.cambium.CambiumException;
import dev.cambium.CheckReport;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.TestSeeds;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.crash.CrashModel.Tx;
import dev.cambium.crash.PowerLossStorage.FateMix;
import dev.cambium.engine.Engine;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageChecksum;
import dev.cambium.engine.txn.ReadPages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

import static dev.cambium.crash.CrashModel.key;
import static dev.cambium.crash.CrashModel.read;
import static dev.cambium.crash.CrashModel.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Durability#NO_SYNC} against its documented promise after a power loss (crash-safety issue, item 2).
 *
 * <p>Each scenario commits a fixed sequence of transactions in {@code NO_SYNC} mode on a {@link PowerLossStorage}:
 * nothing is forced after the file's creation, so every later write stays unsynced and a power loss may apply,
 * drop, tear or garble each of them, in any order, and lose the file's growth. The cleaner runs by hand after each
 * commit, so later commits write into pages earlier ones freed: the file holds several versions of those page ids
 * over time, and a lost write can leave an older, valid-looking version in place. Scenario {@code mixed} inserts,
 * updates, deletes, creates and drops trees, writes an overflow value and grows the file; {@code steady-updates}
 * rewrites the values of one small tree in every commit, the pattern (a counter, a hot entry) in which a leaf
 * alternates between two page ids.
 *
 * <p>Every write of a scenario is a crash point (and one more after its last commit). At each, images of the
 * {@link Kind}s are made (the process crash, single lost writes, three seeded {@link FateMix}es), opened, checked,
 * read, and classified:
 * <ul>
 *     <li><b>committed</b>: open succeeds, {@code check()} is clean, and the revision and the content of every tree
 *     equal those of one committed revision (never one whose meta write was not yet issued); a further commit is
 *     then tried;</li>
 *     <li><b>detected</b>: a {@link CambiumException} from open, {@code check()} or a read, or problems reported by
 *     {@code check()};</li>
 *     <li><b>silent</b>: {@code check()} is clean but the content differs from the opened revision's. There must be
 *     none: with file format 2 every pointer records the revision that wrote its page, so a reachable page holding an
 *     <em>older</em> version of itself (its newest write was lost; checksum, page id and written revision all
 *     plausible) or a version written <em>after</em> the opened revision is rejected by the read path and by
 *     {@code check()}. A silent image is explained (which page holds which version), printed, and fails the
 *     test.</li>
 * </ul>
 * Anything else (an exception that is not a {@link CambiumException}, an opened revision beyond the last meta write)
 * fails the test. The process-crash image (every write applied in issue order: the kernel writes its page cache back
 * when only the process dies) must always open at the newest revision whose meta write was issued, with exactly its
 * content.
 *
 * <p>Properties: {@code -Dtest.seed=N} fixes the outcome seeds (the data is fixed); {@code -Dcambium.crash.seeds=N}
 * sets the seeded images per crash point and kind (default 1).
 */
class NoSyncPowerLossTest
{
    private static final long BASE_SEED = TestSeeds.seed();
    private static final int SEEDS = Math.max(1, Integer.getInteger("cambium.crash.seeds", 1));
    private static final int PAGE = 1024;

    /** The kinds of crash image made at each crash point. */
    enum Kind
    {
        /** Every write applied in issue order ({@link PowerLossStorage#processCrashImage}): a crash of the process. */
        PROCESS_CRASH(null),
        /**
         * Right after a meta write only: for each write that overwrote an older version of a page, the image that
         * lost just that write ({@link PowerLossStorage#imageDropping}); the page keeps its older version.
         */
        LOST_OVERWRITE(null),
        /** One write, chosen at random, lost; all others applied in order. */
        ONE_LOST(null),
        /** {@link FateMix#UNIFORM}. */
        UNIFORM(FateMix.UNIFORM),
        /** {@link FateMix#MOSTLY_APPLIED}. */
        MOSTLY_APPLIED(FateMix.MOSTLY_APPLIED),
        /** {@link FateMix#HALF_DROPPED}. */
        HALF_DROPPED(FateMix.HALF_DROPPED);

        final FateMix mix;

        Kind(final FateMix mix)
        {
            this.mix = mix;
        }
    }

    private static final DatabaseOptions OPTIONS = DatabaseOptions.builder()
        .durability(Durability.NO_SYNC)
        .pageSize(PAGE)
        .growth(4096, 16 * 1024)
        .backgroundCleaner(false)
        .build();

    @TempDir
    Path dir;

    /** How an image ended. */
    enum Outcome
    {
        COMMITTED, DETECTED_AT_OPEN, DETECTED_BY_CHECK, DETECTED_AT_READ, SILENT_OLDER_PAGE, SILENT_NEWER_PAGE
    }

    /** State of the run, shared with the event listener. */
    private final class Study
    {
        final PowerLossStorage storage;
        final List<Model> committed = new ArrayList<>();
        /** The model of the commit in progress (its meta write may already be issued). */
        Model inFlight;
        /** pendingWrites() at the end of each committed revision (index = revision). */
        final List<Integer> pendingAtRevision = new ArrayList<>();
        /** Meta writes issued so far: the newest revision a crash image may legitimately show. */
        long issuedRevision;
        final Map<Kind, Map<Outcome, Integer>> outcomes = new EnumMap<>(Kind.class);
        final Map<Long, Integer> lag = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        final List<String> silentExamples = new ArrayList<>();
        int points;
        int images;
        int afterRecoveryFailures;

        Study(final PowerLossStorage storage)
        {
            this.storage = storage;
            for (final Kind k : Kind.values())
            {
                outcomes.put(k, new EnumMap<>(Outcome.class));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mixed", "steady-updates"})
    void shouldOpenAtACommittedRevisionOrFailCleanlyAfterAPowerLossInNoSyncMode(final String scenario)
        throws IOException
    {
        final long started = System.nanoTime();
        final PowerLossStorage storage = new PowerLossStorage(dir.resolve("live.cambium"), OPTIONS.pageSize());
        final Engine engine = Engine.open(storage, OPTIONS);
        final Study study = new Study(storage);
        try
        {
            final Harness h = new Harness(engine);
            study.committed.add(h.acknowledged);
            study.pendingAtRevision.add(storage.pendingWrites());
            assertEquals(0, storage.pendingWrites(), "creation must leave nothing unsynced");
            storage.clock().listener(event -> crashPoint(study, event));
            final Random r = new Random(7);
            if (scenario.equals("mixed"))
            {
                mixed(h, study, r);
            }
            else
            {
                steadyUpdates(h, study, r);
            }
            crashPoint(study, storage.events()); // after the last event
        }
        finally
        {
            storage.clock().listener(null);
            storage.crashNow();
            try
            {
                engine.close();
            }
            catch (final RuntimeException e)
            {
                // the crash image is all that matters
            }
        }
        final double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[crash] NO_SYNC power loss, " + scenario + ": %d commits, %d unsynced writes, %d crash " +
            "points, %d images (%d per point and seeded kind); outcomes by kind of image: %s; committed revisions by lag "
            +
            "behind the last meta write %s; commits after recovery failed %d; base seed %d; %.1f s%n",
            study.committed.size() - 1, storage.pendingWrites(), study.points, study.images, SEEDS,
            study.outcomes, study.lag, study.afterRecoveryFailures, BASE_SEED, seconds);
        final long silent = total(study, Outcome.SILENT_OLDER_PAGE) + total(study, Outcome.SILENT_NEWER_PAGE);
        final long atOpen = total(study, Outcome.DETECTED_AT_OPEN);
        final long byCheck = total(study, Outcome.DETECTED_BY_CHECK);
        final long atRead = total(study, Outcome.DETECTED_AT_READ);
        System.out.printf("[crash] NO_SYNC power loss, %s: %d images: %d committed, %d detected as corrupt (%d at " +
            "open, %d by check(), %d at read), %d silent wrong-content (%d older, %d newer page versions)%n",
            scenario, study.images, total(study, Outcome.COMMITTED), atOpen + byCheck + atRead, atOpen, byCheck,
            atRead, silent, total(study, Outcome.SILENT_OLDER_PAGE), total(study, Outcome.SILENT_NEWER_PAGE));
        study.silentExamples.forEach(e -> System.out.println("[crash]   silent: " + e));
        if (!study.failures.isEmpty())
        {
            fail(study.failures.size() + " NO_SYNC crash images break the documented promise (base seed " + BASE_SEED +
                "):\n" + String.join("\n", study.failures.subList(0, Math.min(20, study.failures.size()))));
        }
        assertEquals(0, study.afterRecoveryFailures, "a file that opened at a committed revision with a clean " +
            "check() must accept a further commit and stay clean");
        final Map<Outcome, Integer> applied = study.outcomes.get(Kind.PROCESS_CRASH);
        assertEquals(study.points, applied.getOrDefault(Outcome.COMMITTED, 0),
            "the all-applied image (a process crash) must always open at the newest revision written: " + applied);
        final Map<Outcome, Integer> uniform = study.outcomes.get(Kind.UNIFORM);
        assertTrue(uniform.getOrDefault(Outcome.DETECTED_AT_OPEN, 0) + uniform.getOrDefault(
            Outcome.DETECTED_BY_CHECK, 0) > 0, "the harsh mix must produce detected damage, or it tests nothing");
        assertEquals(0, silent, "no image may open, pass check() and read wrong content: " + study.silentExamples);
        final Map<Outcome, Integer> lost = study.outcomes.get(Kind.LOST_OVERWRITE);
        assertTrue(lost.getOrDefault(Outcome.DETECTED_BY_CHECK, 0) + lost.getOrDefault(Outcome.DETECTED_AT_OPEN, 0) > 0,
            "a lost overwrite of a reachable page must be reported, or the study tests nothing: " + lost);
    }

    private static long total(final Study study, final Outcome outcome)
    {
        return study.outcomes.values().stream().mapToLong(m -> m.getOrDefault(outcome, 0)).sum();
    }

    /**
     * The commits: inserts into two trees, updates that copy most pages, deletes, a tree created and one dropped,
     * an overflow value, growth; the cleaner runs after each commit so the next ones reuse freed pages.
     */
    /**
     * Ten commits that each rewrite the values (not the keys) of one small tree: its leaf then alternates between
     * two page ids, so a lost write of the leaf leaves the same leaf's version of two commits earlier in place.
     */
    private static void steadyUpdates(final Harness h, final Study study, final Random r)
    {
        for (int c = 0; c < 10; c++)
        {
            commit(h, study, tx ->
            {
                for (int i = 0; i < 12; i++)
                {
                    tx.put("counters", key(i), value(r, 32));
                }
            });
        }
    }

    private static void mixed(final Harness h, final Study study, final Random r)
    {
        commit(h, study, tx ->
        {
            for (int i = 0; i < 300; i++)
            {
                tx.put("t", key(i), value(r, 40));
            }
            for (int i = 0; i < 100; i++)
            {
                tx.put("u", key(i), value(r, 24));
            }
        });
        commit(h, study, tx ->
        {
            for (int i = 0; i < 300; i += 2)
            {
                tx.put("t", key(i), value(r, 40));
            }
        });
        commit(h, study, tx ->
        {
            for (int i = 1; i < 300; i += 3)
            {
                tx.put("t", key(i), value(r, 48));
            }
            for (int i = 0; i < 50; i++)
            {
                tx.delete("u", key(i));
            }
        });
        commit(h, study, tx ->
        {
            tx.create("v");
            for (int i = 0; i < 150; i++)
            {
                tx.put("v", key(i * 7), value(r, 32));
            }
            tx.drop("u");
        });
        commit(h, study, tx ->
        {
            for (int i = 0; i < 300; i++)
            {
                tx.put("t", key(i), value(r, 40));
            }
        });
        commit(h, study, tx ->
        {
            tx.put("t", key(5000), value(r, 5000));
            for (int i = 100; i < 200; i++)
            {
                tx.delete("t", key(i));
            }
        });
        commit(h, study, tx ->
        {
            for (int i = 0; i < 150; i += 5)
            {
                tx.put("v", key(i * 7), value(r, 32));
            }
            for (int i = 300; i < 420; i++)
            {
                tx.put("t", key(i), value(r, 40));
            }
        });
    }

    private static void commit(final Harness h, final Study study, final Consumer<Tx> body)
    {
        h.commit(tx ->
        {
            study.inFlight = tx.model;
            tx.model.revision = study.committed.size();
            body.accept(tx);
            // A counter-like tree updated by every commit: its leaf alternates between two page ids once the
            // cleaner frees the older copy, the pattern in which a lost write leaves an older version in place.
            for (int i = 0; i < 4; i++)
            {
                tx.put("hot", key(i), value(new Random(tx.model.revision * 31 + i), 16));
            }
        });
        study.inFlight = null;
        study.committed.add(h.acknowledged);
        study.pendingAtRevision.add(study.storage.pendingWrites());
        assertEquals(study.committed.size() - 1, h.acknowledged.revision, "revisions are numbered from 0 here");
        h.engine.runCleaner();
    }

    private void crashPoint(final Study study, final long event)
    {
        study.points++;
        // The newest meta write issued so far: the last write of each commit is its meta write (no forces).
        final int pending = study.storage.pendingWrites();
        long issued = study.committed.size() - 1;
        if (pending > 0 && study.inFlight != null)
        {
            final PowerLossStorage.PendingWrite last = study.storage.pendingWrite(pending - 1);
            if (last.position() < 2L * PAGE)
            {
                issued = study.committed.size(); // the meta write of the commit in progress was just issued
            }
        }
        study.issuedRevision = issued;
        image(study, event, Kind.PROCESS_CRASH, 0);
        if (issued == study.committed.size())
        {
            // Just after a meta write: lose, one at a time, each write that overwrote an older version of a page.
            final Set<Long> written = new HashSet<>();
            for (int i = 0; i < pending; i++)
            {
                final long position = study.storage.pendingWrite(i).position();
                if (!written.add(position) && position >= 2L * PAGE)
                {
                    image(study, event, Kind.LOST_OVERWRITE, i);
                }
            }
        }
        for (int s = 0; s < SEEDS && pending > 0; s++)
        {
            image(study, event, Kind.ONE_LOST, CrashModel.seed(BASE_SEED, event, Kind.ONE_LOST.ordinal(), s));
        }
        for (final Kind kind : Kind.values())
        {
            for (int s = 0; s < SEEDS && kind.mix != null; s++)
            {
                image(study, event, kind, CrashModel.seed(BASE_SEED, event, kind.ordinal(), s));
            }
        }
    }

    private void image(final Study study, final long event, final Kind kind, final long seed)
    {
        study.images++;
        final List<PowerLossStorage.Fate> fates = new ArrayList<>();
        final byte[] image;
        String lostWhat = "";
        if (kind == Kind.PROCESS_CRASH)
        {
            image = study.storage.processCrashImage();
        }
        else if (kind.mix == null)
        {
            final int lost = kind == Kind.LOST_OVERWRITE
                ? (int)seed
                : new Random(seed).nextInt(study.storage.pendingWrites());
            image = study.storage.imageDropping(lost);
            final PowerLossStorage.PendingWrite w = study.storage.pendingWrite(lost);
            lostWhat = ", lost write #" + lost + " only (" + w.bytes().length + " bytes at page " +
                w.position() / PAGE + ")";
        }
        else
        {
            image = study.storage.crashImage(new Random(seed), fates, kind.mix);
        }
        final Path file = dir.resolve("image.cambium");
        try
        {
            Files.write(file, image);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        final String where = "crash point at event " + event + ", " + kind + " image, seed " + seed + " (base seed " +
            BASE_SEED + "), " + study.storage.pendingWrites() + " unsynced writes" + lostWhat + ", image " +
            image.length + " bytes, newest meta write issued: revision " + study.issuedRevision;
        final Outcome outcome;
        try
        {
            outcome = classify(study, file, image, kind == Kind.PROCESS_CRASH, where);
        }
        catch (final RuntimeException | Error e)
        {
            study.failures.add(where + ": " + e);
            return;
        }
        finally
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException e)
            {
                study.failures.add(where + ": cannot delete the image: " + e);
            }
        }
        if (outcome != null)
        {
            study.outcomes.get(kind).merge(outcome, 1, Integer::sum);
        }
    }

    /**
     * @return the outcome, or null after recording a failure.
     */
    private static Outcome classify(final Study study, final Path file, final byte[] image, final boolean allApplied,
        final String where)
    {
        final Engine engine;
        try
        {
            engine = Engine.open(file, OPTIONS);
        }
        catch (final CambiumException e)
        {
            return Outcome.DETECTED_AT_OPEN;
        }
        try
        {
            try
            {
                final CheckReport report = engine.check();
                if (!report.ok())
                {
                    return Outcome.DETECTED_BY_CHECK;
                }
            }
            catch (final CambiumException e)
            {
                return Outcome.DETECTED_BY_CHECK;
            }
            final Model actual;
            try
            {
                actual = read(engine);
            }
            catch (final CambiumException e)
            {
                return Outcome.DETECTED_AT_READ;
            }
            final long revision = actual.revision;
            if (revision > study.issuedRevision)
            {
                study.failures.add(where + ": opened at revision " + revision + ", beyond the last meta write");
                return null;
            }
            if (allApplied && revision != study.issuedRevision)
            {
                study.failures.add(where + ": with every write applied (a process crash) the file opened at revision " +
                    revision + ", not at the newest one written");
                return null;
            }
            final String difference = model(study, revision).difference(actual);
            if (difference == null)
            {
                if (!allApplied)
                {
                    study.lag.merge(study.issuedRevision - revision, 1, Integer::sum);
                }
                if (!commitsAfterRecovery(engine))
                {
                    study.afterRecoveryFailures++;
                }
                return Outcome.COMMITTED;
            }
            return explainSilent(study, image, reachable(engine), revision, difference, where);
        }
        finally
        {
            try
            {
                engine.close();
            }
            catch (final RuntimeException e)
            {
                // the verdict is what matters
            }
        }
    }

    private static Model model(final Study study, final long revision)
    {
        return revision < study.committed.size() ? study.committed.get((int)revision) : study.inFlight;
    }

    /**
     * A further commit on a recovered file, then {@code check()}.
     *
     * @return false if either reported damage with a {@link CambiumException} (anything else propagates).
     */
    private static boolean commitsAfterRecovery(final Engine engine)
    {
        try
        {
            try (WriteTransaction w = engine.beginWrite())
            {
                final Tree t = w.openOrCreateTree("after-recovery");
                final Random r = new Random(99);
                for (int i = 0; i < 50; i++)
                {
                    t.put(key(r.nextLong()), value(r, 64));
                }
                w.commit();
            }
            return engine.check().ok();
        }
        catch (final CambiumException e)
        {
            return false;
        }
    }

    /**
     * A clean {@code check()} but content that matches no revision: find the pages that hold another version than
     * the one the opened revision wrote, and say which kind they are.
     */
    private static Outcome explainSilent(final Study study, final byte[] image, final BitSet reachable,
        final long revision, final String difference, final String where)
    {
        final int end = revision < study.pendingAtRevision.size()
            ? study.pendingAtRevision.get((int)revision)
            : study.storage.pendingWrites();
        final int pages = image.length / PAGE;
        int older = 0;
        int newer = 0;
        final List<String> shown = new ArrayList<>();
        for (int id = reachable.nextSetBit(2); id >= 2 && id < pages; id = reachable.nextSetBit(id + 1))
        {
            final long at = (long)id * PAGE;
            final byte[] expected = contentAt(study.storage, at, end);
            if (expected == null)
            {
                continue; // never written as a page (zeros of growth only): not part of any revision
            }
            final byte[] actual = Arrays.copyOfRange(image, (int)at, (int)at + PAGE);
            if (Arrays.equals(expected, actual) || !plausible(actual, id))
            {
                continue;
            }
            final long written = header(actual, PageHeader.REVISION_OFFSET);
            final long version = header(expected, PageHeader.REVISION_OFFSET);
            if (written < version && isEarlierVersion(study.storage, at, end, actual))
            {
                older++;
                if (shown.size() < 3)
                {
                    shown.add("page " + id + " holds its revision-" + written + " version instead of revision " +
                        version);
                }
            }
            else if (written > revision)
            {
                newer++;
                if (shown.size() < 3)
                {
                    shown.add("page " + id + " holds a version written by revision " + written);
                }
            }
        }
        final String explanation = "opened at revision " + revision + " (" + difference + "); " + shown;
        if (newer > 0)
        {
            study.failures.add(where + ": silent wrong data from a page written after the opened revision: " +
                explanation);
            return Outcome.SILENT_NEWER_PAGE;
        }
        if (older == 0)
        {
            study.failures.add(where + ": unexplained silent wrong data: " + explanation);
            return null;
        }
        // Format 2 records each page's revision in the pointer to it: an older version must not read silently.
        study.failures.add(where + ": silent wrong data from an older version of a reachable page: " + explanation);
        if (study.silentExamples.size() < 5)
        {
            study.silentExamples.add(where + ": " + explanation);
        }
        return Outcome.SILENT_OLDER_PAGE;
    }

    /** @return the pages the newest revision of {@code engine} reaches: catalog, trees, free-space map. */
    private static BitSet reachable(final Engine engine)
    {
        final Meta meta = engine.revisions().head().state();
        final ReadPages pages = new ReadPages(engine.store(), meta);
        final BTreeReader reader = new BTreeReader(pages);
        final BitSet reached = new BitSet();
        final LongConsumer add = id -> reached.set((int)id);
        reader.forEachPage(meta.catalogRoot(), meta.catalogRootRevision(), add);
        reader.forEachPage(meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), add);
        final BTreeCursor catalog = new BTreeCursor(pages);
        catalog.reset(meta.catalogRoot(), meta.catalogRootRevision());
        for (boolean ok = catalog.first(); ok; ok = catalog.next())
        {
            reader.forEachPage(CatalogEntry.root(catalog.value()), CatalogEntry.rootRevision(catalog.value()), add);
        }
        return reached;
    }

    /** A page with a matching checksum and its own id in its header: it passes the read path's verification. */
    private static boolean plausible(final byte[] page, final long id)
    {
        final UnsafeBuffer view = new UnsafeBuffer(page);
        return PageChecksum.matches(view, PAGE) && header(page, PageHeader.PAGE_ID_OFFSET) == id;
    }

    private static long header(final byte[] page, final int offset)
    {
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    /** @return the content of the page at {@code at} after the first {@code end} unsynced writes, or null. */
    private static byte[] contentAt(final PowerLossStorage storage, final long at, final int end)
    {
        for (int i = end - 1; i >= 0; i--)
        {
            final PowerLossStorage.PendingWrite w = storage.pendingWrite(i);
            if (w.position() == at && w.bytes().length == PAGE)
            {
                return w.bytes();
            }
            if (w.position() <= at && w.position() + w.bytes().length >= at + PAGE)
            {
                return null; // zero fill of growth
            }
        }
        return null;
    }

    private static boolean isEarlierVersion(final PowerLossStorage storage, final long at, final int end,
        final byte[] content)
    {
        for (int i = 0; i < storage.pendingWrites(); i++)
        {
            final PowerLossStorage.PendingWrite w = storage.pendingWrite(i);
            if (w.position() == at && Arrays.equals(w.bytes(), content))
            {
                return true;
            }
        }
        return false;
    }
}
