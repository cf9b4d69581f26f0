package dev.cambium.engine.check;

import dev.cambium.CheckReport;
import dev.cambium.CambiumException;
import dev.cambium.ProgressListener;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.ProgressTracker;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.space.FreeSpace;
import dev.cambium.engine.space.FreeSpaceMap;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageChecksum;
import dev.cambium.engine.store.PageStore;
import dev.cambium.engine.txn.ReadPages;
import dev.cambium.revision.RevisionList;
import dev.cambium.revision.RevisionNode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The consistency check behind {@link dev.cambium.Database#check()}.
 *
 * <p>The caller holds the write gate, so the writer's free set is frozen and no page is written while
 * the check runs (only the writer writes pages): every linked revision's pages can be read safely,
 * even one the cleaner retires meanwhile.
 *
 * <p>Threads: the checking thread, holding the write gate.
 */
public final class Checker
{
    private static final int MAX_PROBLEMS = 100;
    /** Pages verified between two progress reports. */
    private static final int PROGRESS_PAGES = 256;

    private final PageStore store;
    private final RevisionList<Meta> revisions;
    private final FreeSpace freeSpace;
    private final List<String> problems = new ArrayList<>();
    private boolean incompleteWalk;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long verified;
    private ProgressTracker progress;

    /**
     * @param store     the page store.
     * @param revisions the revision list.
     * @param freeSpace the writer's free space (frozen by the caller), or null to check the published revision alone
     *                  (after a failed group commit the writer's free space describes a revision never published).
     */
    public Checker(final PageStore store, final RevisionList<Meta> revisions, final FreeSpace freeSpace)
    {
        this.store = store;
        this.revisions = revisions;
        this.freeSpace = freeSpace;
    }

    private void problem(final String p)
    {
        if (problems.size() < MAX_PROBLEMS)
        {
            problems.add(p);
        }
        else if (problems.size() == MAX_PROBLEMS)
        {
            problems.add("... more problems not listed");
        }
    }

    /**
     * Runs the check.
     *
     * @param head          the newest revision, pinned by the caller.
     * @param openReaders   read transactions open now (the caller's pin included).
     * @param listener      told of progress in pages: the newest revision's high-water mark in all, each page
     *                      verified once (meta pages and free pages, which are not read, count when the check ends).
     * @return the report.
     */
    public CheckReport run(final RevisionNode<Meta> head, final long openReaders, final ProgressListener listener)
    {
        final Meta meta = head.state();
        progress = new ProgressTracker(listener, meta.highWater());
        final BitSet reachable = new BitSet();
        try
        {
            walkRevision(meta, reachable, "revision " + meta.revision());
        }
        catch (final CambiumException | IllegalStateException | IndexOutOfBoundsException e)
        {
            problem("revision " + meta.revision() + " could not be walked: " + e.getMessage());
        }

        // The durable free-space map against the pages reached and the writer's view.
        final BitSet unused = new BitSet();
        try
        {
            FreeSpaceMap.load(new ReadPages(store, meta), meta.freeSpaceRoot(), meta.freeSpaceRootRevision(),
                meta.highWater(), unused);
        }
        catch (final CambiumException e)
        {
            problem("free-space map unreadable: " + e.getMessage());
        }
        if (unused.cardinality() != meta.freePageCount())
        {
            problem("meta says " + meta.freePageCount() + " unused pages, the free-space map lists " +
                unused.cardinality());
        }
        final BitSet both = (BitSet)reachable.clone();
        both.and(unused);
        if (!both.isEmpty())
        {
            problem("pages both reachable and listed as unused: " + sample(both));
        }
        if (incompleteWalk)
        {
            problem("page accounting skipped: unreadable pages hid parts of a tree");
        }
        final BitSet accounted = (BitSet)reachable.clone();
        accounted.or(unused);
        final BitSet missing = new BitSet();
        missing.set(2, (int)Math.min(Integer.MAX_VALUE, meta.highWater()));
        missing.andNot(accounted);
        if (!missing.isEmpty() && !incompleteWalk)
        {
            problem("pages neither reachable nor unused (leaked): " + sample(missing));
        }
        if (accounted.length() > meta.highWater())
        {
            problem("pages at or above the high-water mark " + meta.highWater() + " are in use");
        }
        final BitSet writerUnused = freeSpace == null ? unused : freeSpace.unusedSnapshot();
        if (!writerUnused.equals(unused))
        {
            final BitSet diff = (BitSet)writerUnused.clone();
            diff.xor(unused);
            problem("the writer's unused set differs from the durable free-space map at pages " + sample(diff));
        }
        final BitSet free = freeSpace == null ? new BitSet() : freeSpace.freeSnapshot();
        final BitSet freeButUsed = (BitSet)free.clone();
        freeButUsed.andNot(unused);
        if (!freeButUsed.isEmpty())
        {
            problem("free pages that are not unused: " + sample(freeButUsed));
        }

        // No free page may be visible to a revision a reader holds or may still pin.
        final List<RevisionNode<Meta>> live = new ArrayList<>();
        revisions.forEachLinked(n ->
        {
            if (!n.isRetired())
            {
                live.add(n);
            }
        });
        long pinned = 0;
        for (final RevisionNode<Meta> n : live)
        {
            pinned += Math.max(0, n.refCount());
            if (n == head || n.state().revision() == meta.revision())
            {
                continue;
            }
            final BitSet seen = new BitSet();
            try
            {
                walkRevision(n.state(), seen, "revision " + n.revision());
            }
            catch (final CambiumException | IllegalStateException | IndexOutOfBoundsException e)
            {
                problem("live revision " + n.revision() + " could not be walked: " + e.getMessage());
            }
            seen.and(free);
            if (!seen.isEmpty())
            {
                problem("pages visible to live revision " + n.revision() + " are free for reuse: " + sample(seen));
            }
        }
        if (pinned != openReaders)
        {
            problem("revision refcounts add up to " + pinned + " but " + openReaders + " read transactions are open");
        }
        final long freeCount = free.cardinality();
        progress.finish();
        return new CheckReport(meta.revision(), meta.highWater(), reachable.cardinality(), freeCount,
            unused.cardinality() - freeCount, live.size(), pinned, verified, List.copyOf(problems));
    }

    /**
     * Walks the catalog, every tree and the free-space map of one revision, verifying every page, and that each
     * page holds the revision its pointer records (a page that does not is reported as unreadable by the walk).
     */
    private void walkRevision(final Meta meta, final BitSet reached, final String where)
    {
        final ReadPages pages = new ReadPages(store, meta);
        final BTreeReader reader = new BTreeReader(pages);
        walkTree(reader, pages, meta.revision(), meta.catalogRoot(), meta.catalogRootRevision(), reached,
            where + " catalog");
        final BTreeCursor catalog = new BTreeCursor(pages);
        catalog.reset(meta.catalogRoot(), meta.catalogRootRevision());
        long trees = 0;
        byte[] previous = null;
        for (boolean ok = catalog.first(); ok; ok = catalog.next())
        {
            trees++;
            final byte[] name = catalog.keyCopy();
            final String tree = new String(name, StandardCharsets.UTF_8);
            final DirectBuffer entry = catalog.value();
            if (!CatalogEntry.isValid(entry, meta.highWater(), meta.revision()))
            {
                problem(where + ": malformed catalog entry for tree '" + tree + "'");
                continue;
            }
            final long root = CatalogEntry.root(entry);
            final long rootRevision = CatalogEntry.rootRevision(entry);
            final long size = CatalogEntry.size(entry);
            walkTree(reader, pages, meta.revision(), root, rootRevision, reached, where + " tree '" + tree + "'");
            final long counted = scan(pages, root, rootRevision, where + " tree '" + tree + "'");
            if (counted >= 0 && counted != size)
            {
                problem(where + " tree '" + tree + "': catalog says " + size + " entries, the tree holds " + counted);
            }
            if (previous != null && Arrays.compareUnsigned(previous, name) >= 0)
            {
                problem(where + ": catalog names out of order at '" + tree + "'");
            }
            previous = name;
        }
        if (trees != meta.treeCount())
        {
            problem(where + ": meta says " + meta.treeCount() + " trees, the catalog holds " + trees);
        }
        walkTree(reader, pages, meta.revision(), meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), reached,
            where + " free-space map");
        // Scans trust the subtree counts of every tree, the catalog's and the map's included.
        scan(pages, meta.catalogRoot(), meta.catalogRootRevision(), where + " catalog");
        scan(pages, meta.freeSpaceRoot(), meta.freeSpaceRootRevision(), where + " free-space map");
    }

    private void walkTree(final BTreeReader reader, final ReadPages pages, final long revision, final long root,
        final long rootRevision, final BitSet reached, final String where)
    {
        // The pages this walk adds to `reached`: those reached by earlier walks were verified by them.
        final BitSet added = new BitSet();
        reader.walkPages(root, rootRevision, (id, pageRevision) ->
        {
            if (id < 2 || id > Integer.MAX_VALUE)
            {
                problem(where + ": page id " + id + " out of range");
                return false;
            }
            if (reached.get((int)id))
            {
                problem(where + ": page " + id + " is reachable twice");
                return false; // descend once: shared subtrees in a damaged file must not blow up the walk
            }
            reached.set((int)id);
            added.set((int)id);
            return true;
        }, (id, e) ->
        {
            // Its subtree cannot be followed: the page accounting below would report it as leaked.
            incompleteWalk = true;
            problem(where + ": page " + id + " is unreadable: " + e.getMessage());
        });
        // Verify each reached page's own checksum and header (even in FIRST_READ mode, where a page
        // verified earlier in this open is not verified again by the read path).
        verifyPages(pages, revision, added, where);
    }

    private final BitSet verifiedHere = new BitSet();

    /**
     * Checksum, page id and written revision of each page of {@code reached} not yet verified by this check. A page
     * reachable from revision R was written by R or an earlier revision (copy on write): a later one in its header
     * means a page of a revision the file does not hold replaced it (a lost write after a power loss in NO_SYNC).
     */
    private void verifyPages(final ReadPages pages, final long revision, final BitSet reached, final String where)
    {
        for (int id = reached.nextSetBit(2); id >= 0; id = reached.nextSetBit(id + 1))
        {
            if (verifiedHere.get(id))
            {
                continue;
            }
            verifiedHere.set(id);
            try
            {
                pages.wrapVerified(id, view); // the revision its pointer records was compared by the walk
            }
            catch (final CambiumException e)
            {
                continue; // already reported by the walk
            }
            if (++verified % PROGRESS_PAGES == 0)
            {
                progress.advance(verified); // clamped: pages of older live revisions may lie past the total
            }
            if (!PageChecksum.matches(view, store.pageSize()))
            {
                problem(where + ": checksum mismatch on page " + id);
            }
            if (PageHeader.pageId(view) != id)
            {
                problem(where + ": page " + id + " names itself page " + PageHeader.pageId(view));
            }
            if (PageHeader.revision(view) > revision)
            {
                problem(where + ": page " + id + " was written by revision " + PageHeader.revision(view) +
                    ", later than the revision");
            }
        }
    }

    /** {@link #checkOrderAndCount}, reporting a scan that fails; returns the count, or -1 if the scan failed. */
    private long scan(final PageReader pages, final long root, final long rootRevision, final String where)
    {
        try
        {
            return checkOrderAndCount(pages, root, rootRevision, where);
        }
        catch (final CambiumException | IllegalStateException e)
        {
            problem(where + ": scan failed: " + e.getMessage());
            return -1;
        }
    }

    /** Scans a tree in order: keys strictly ascending, and the number of entries. */
    private long checkOrderAndCount(
        final PageReader pages, final long root, final long rootRevision, final String where)
    {
        final BTreeCursor c = new BTreeCursor(pages);
        c.reset(root, rootRevision);
        long n = 0;
        byte[] previous = null;
        for (boolean ok = c.first(); ok; ok = c.next())
        {
            final byte[] key = c.keyCopy();
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0)
            {
                problem(where + ": keys out of order after entry " + n);
                break;
            }
            previous = key;
            n++;
        }
        try
        {
            final long total = new BTreeReader(pages).countEntries(root, rootRevision);
            if (total != n)
            {
                problem(where + ": subtree counts add up to " + total + " but a scan finds " + n + " entries");
            }
        }
        catch (final CambiumException e)
        {
            problem(where + ": " + e.getMessage());
        }
        return n;
    }

    private static String sample(final BitSet bits)
    {
        final StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = bits.nextSetBit(0); i >= 0 && shown < 10; i = bits.nextSetBit(i + 1), shown++)
        {
            sb.append(shown == 0 ? "" : ", ").append(i);
        }
        final int total = bits.cardinality();
        return sb + (total > shown ? " ... (" + total + " pages)" : "");
    }
}
