package dev.cambium.hostile;

import dev.cambium.Checks;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.btree.BTreeReader;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.Meta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A real database file for the hostile-file corpus, built by seeded random commits, with the content of
 * every committed revision kept as a model. Several trees, small, empty and overflow values, trees created
 * and dropped, and enough commits (each followed by a cleaner run) that later revisions reuse pages freed by
 * earlier ones: the file then holds pages in use, free pages, pages of the previous revision only, and
 * zero-filled pages past the high-water mark.
 *
 * <p>{@link #newest} and {@link #previous} describe the two revisions whose meta pages the file holds:
 * which pages each one uses, which the newest lists as unused, and where its meta record is.
 */
final class CorpusDatabase
{
    /** What one revision of the file uses. */
    record Layout(long revision, int metaSlot, long highWater, BitSet used, BitSet unused)
    {
    }

    final int pageSize;
    final long seed;
    final byte[] image;
    final Map<Long, Content> models;
    final Layout newest;
    final Layout previous;

    private CorpusDatabase(final int pageSize, final long seed, final byte[] image, final Map<Long, Content> models,
        final Layout newest, final Layout previous)
    {
        this.pageSize = pageSize;
        this.seed = seed;
        this.image = image;
        this.models = models;
        this.newest = newest;
        this.previous = previous;
    }

    static DatabaseOptions.Builder options(final int pageSize)
    {
        return DatabaseOptions.builder().pageSize(pageSize).durability(Durability.NO_SYNC)
            .backgroundCleaner(false).growth(4L * pageSize, 16L * pageSize);
    }

    long pages()
    {
        return image.length / pageSize;
    }

    /**
     * Builds the database in {@code dir}.
     *
     * @param entries  roughly how many entries the trees hold together.
     * @param commits  how many commits after the first.
     */
    static CorpusDatabase build(final Path dir, final int pageSize, final long seed, final int entries,
        final int commits)
    {
        final Path file = dir.resolve("corpus-" + pageSize + ".cambium");
        final Random rnd = new Random(seed);
        final Map<Long, Content> models = new HashMap<>();
        final Map<String, TreeMap<byte[], byte[]>> live = new TreeMap<>();
        final String[] names = {"alpha", "beta", "gamma", "delta", "epsilon"};
        try (Database db = Database.open(file, options(pageSize).checkEveryCommit(true).build()))
        {
            models.put(db.revision(), Content.of(live));
            for (int c = 0; c <= commits; c++)
            {
                final boolean first = c == 0;
                db.write(txn ->
                {
                    if (first)
                    {
                        for (int t = 0; t < 3; t++)
                        {
                            txn.createTree(names[t]);
                            live.put(names[t], Content.newEntries());
                        }
                        for (int i = 0; i < entries; i++)
                        {
                            put(txn, live, names[rnd.nextInt(3)], rnd, pageSize, entries);
                        }
                        return;
                    }
                    // Churn of about a tenth of the entries per commit: the size stays near `entries`, and every
                    // commit frees pages that the next one reuses.
                    final int ops = Math.max(4, entries / 10 + rnd.nextInt(Math.max(1, entries / 10)));
                    for (int o = 0; o < ops; o++)
                    {
                        final List<String> present = new ArrayList<>(live.keySet());
                        final int choice = rnd.nextInt(100);
                        final String small = present.stream().filter(n -> live.get(n).size() <= entries / 8)
                            .findFirst().orElse(null);
                        if (choice < 1 && present.size() > 2 && small != null)
                        {
                            txn.dropTree(small);
                            live.remove(small);
                        }
                        else if (choice < 3 && present.size() < names.length)
                        {
                            String name;
                            do
                            {
                                name = names[rnd.nextInt(names.length)];
                            }
                            while (live.containsKey(name));
                            txn.createTree(name);
                            live.put(name, Content.newEntries());
                        }
                        else if (choice < 75)
                        {
                            put(txn, live, present.get(rnd.nextInt(present.size())), rnd, pageSize, entries);
                        }
                        else
                        {
                            final String name = present.get(rnd.nextInt(present.size()));
                            final TreeMap<byte[], byte[]> t = live.get(name);
                            final byte[] k = t.isEmpty() ? null : t.ceilingKey(key(rnd, entries));
                            if (k != null)
                            {
                                txn.tree(name).delete(k);
                                t.remove(k);
                            }
                        }
                    }
                });
                db.runCleaner();
                models.put(db.revision(), Content.of(live));
            }
            Checks.assertConsistent(db);
        }
        try
        {
            final byte[] image = Files.readAllBytes(file);
            final long newestRevision = models.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            final Layout newest = layout(dir, image, pageSize, newestRevision);
            final Layout previous = layout(dir, image, pageSize, newestRevision - 1);
            Files.delete(file);
            return new CorpusDatabase(pageSize, seed, image, Map.copyOf(models), newest, previous);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static void put(final WriteTransaction txn, final Map<String, TreeMap<byte[], byte[]>> live,
        final String name, final Random rnd, final int pageSize, final int entries)
    {
        final byte[] k = key(rnd, entries);
        final int kind = rnd.nextInt(40);
        final int length = kind == 0
            ? pageSize / 3 + rnd.nextInt(2 * pageSize) // overflow, 1 to 3 pages
            : kind == 1 ? 0 : rnd.nextInt(Math.min(60, pageSize / 8));
        final byte[] v = new byte[length];
        rnd.nextBytes(v);
        final Tree tree = txn.tree(name);
        tree.put(k, v);
        live.get(name).put(k, v);
    }

    private static byte[] key(final Random rnd, final int entries)
    {
        // Shared prefixes and varied lengths, so that key heads tie and separators are short prefixes.
        final int n = rnd.nextInt(entries * 2);
        final String s = (n % 5 == 0 ? "user/" : n % 5 == 1 ? "group/" : "") + Integer.toString(n, 36) +
            (n % 7 == 0 ? "-" + "x".repeat(n % 23) : "");
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Opens a copy of the image at one revision and records what it uses. */
    private static Layout layout(final Path dir, final byte[] image, final int pageSize, final long revision)
        throws IOException
    {
        final Path copy = dir.resolve("layout-" + pageSize + "-" + revision + ".cambium");
        Files.write(copy, image);
        try (Engine engine = Engine.open(copy, options(pageSize).openRevision(revision).build()))
        {
            final Meta meta = engine.revisions().head().state();
            final BitSet unused = engine.freeSpace().unusedSnapshot();
            final BitSet used = new BitSet();
            used.set(2, (int)meta.highWater());
            used.andNot(unused);
            // Sanity: the used set is exactly what a walk of the revision reaches.
            final BitSet walked = walk(engine, meta);
            if (!walked.equals(used))
            {
                throw new IllegalStateException("revision " + revision + ": walked pages " + walked +
                    " differ from high-water minus unused " + used);
            }
            Checks.assertConsistent(engine);
            return new Layout(revision, meta.slot(), meta.highWater(), used, unused);
        }
        finally
        {
            Files.delete(copy);
        }
    }

    private static BitSet walk(final Engine engine, final Meta meta)
    {
        final BitSet walked = new BitSet();
        final dev.cambium.engine.txn.ReadPages pages = new dev.cambium.engine.txn.ReadPages(engine.store(), meta);
        final BTreeReader reader = new BTreeReader(pages);
        reader.forEachPage(meta.catalogRoot(), meta.catalogRootRevision(), id -> walked.set((int)id));
        reader.forEachPage(meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), id -> walked.set((int)id));
        final dev.cambium.btree.BTreeCursor catalog = new dev.cambium.btree.BTreeCursor(pages);
        catalog.reset(meta.catalogRoot(), meta.catalogRootRevision());
        for (boolean ok = catalog.first(); ok; ok = catalog.next())
        {
            reader.forEachPage(dev.cambium.engine.catalog.CatalogEntry.root(catalog.value()),
                dev.cambium.engine.catalog.CatalogEntry.rootRevision(catalog.value()), id -> walked.set((int)id));
        }
        return walked;
    }
}
