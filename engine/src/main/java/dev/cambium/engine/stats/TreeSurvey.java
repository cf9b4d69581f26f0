package dev.cambium.engine.stats;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.TreeStats;
import dev.cambium.btree.BTreeCursor;
import dev.cambium.btree.BTreeReader;
import dev.cambium.btree.PageHeader;
import dev.cambium.btree.PageReader;
import dev.cambium.engine.catalog.CatalogEntry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks every tree of one revision and counts its pages by type: the per-tree part of
 * {@link dev.cambium.Database#treeStats()}.
 *
 * <p>Reads only pages of the revision the caller pins, so it runs beside the writer. Cost: one read of every
 * page of every tree.
 *
 * <p>Threads: one survey per thread; the page reader must belong to a pinned revision.
 */
public final class TreeSurvey
{
    private final PageReader pages;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /**
     * @param pages the pages of a pinned revision.
     */
    public TreeSurvey(final PageReader pages)
    {
        this.pages = pages;
    }

    /**
     * Surveys every tree of the catalog.
     *
     * @param catalogRoot         the revision's catalog root.
     * @param catalogRootRevision the revision that wrote the catalog root, as the meta record holds it.
     * @return one entry per tree, in catalog (name) order.
     * @throws CorruptDatabaseException if a page cannot be read, or a page is not the version its pointer expects.
     */
    public List<TreeStats> surveyCatalog(final long catalogRoot, final long catalogRootRevision)
    {
        final List<TreeStats> result = new ArrayList<>();
        final BTreeCursor catalog = new BTreeCursor(pages);
        catalog.reset(catalogRoot, catalogRootRevision);
        for (boolean ok = catalog.first(); ok; ok = catalog.next())
        {
            final String name = new String(catalog.keyCopy(), StandardCharsets.UTF_8);
            final DirectBuffer entry = catalog.value();
            result.add(
                survey(name, CatalogEntry.root(entry), CatalogEntry.rootRevision(entry), CatalogEntry.size(entry)));
        }
        return result;
    }

    /**
     * Surveys one tree.
     *
     * @param name    the tree's name.
     * @param root         its root page id (0 for an empty tree).
     * @param rootRevision the revision that wrote the root, as its catalog entry holds it.
     * @param entries      its entry count.
     * @return its shape.
     */
    public TreeStats survey(final String name, final long root, final long rootRevision, final long entries)
    {
        final long[] counts = new long[3]; // branch, leaf, overflow
        final int[] depth = new int[1];
        final boolean[] leafSeen = new boolean[1];
        new BTreeReader(pages).walkPages(root, rootRevision, (id, revision) ->
        {
            pages.wrap(id, revision, view); // checks the page is the version its pointer expects
            final byte type = PageHeader.type(view);
            if (type == PageHeader.TYPE_BRANCH)
            {
                counts[0]++;
            }
            else if (type == PageHeader.TYPE_LEAF)
            {
                counts[1]++;
            }
            else
            {
                counts[2]++;
            }
            // The walk is pre-order, first child first: the pages before the first leaf are the leftmost path,
            // and every leaf of a B+tree is at the same depth.
            if (!leafSeen[0])
            {
                depth[0]++;
                leafSeen[0] = type == PageHeader.TYPE_LEAF;
            }
            return true;
        }, null);
        return new TreeStats(name, entries, depth[0], counts[0], counts[1], counts[2]);
    }
}
