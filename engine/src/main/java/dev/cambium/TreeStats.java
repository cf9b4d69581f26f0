package dev.cambium;

import java.util.Objects;

/**
 * The shape of one named tree in one revision, from {@link Database#treeStats()}: what {@code mdb_stat}
 * reports per database, for an operator sizing a file.
 *
 * @param name          the tree's name.
 * @param entries       the number of entries.
 * @param depth         levels from the root to the leaves (1 for a tree whose root is a leaf, 0 for an
 *                      empty tree).
 * @param branchPages   inner pages.
 * @param leafPages     leaf pages.
 * @param overflowPages pages holding the values too large for a leaf.
 */
public record TreeStats(String name, long entries, int depth, long branchPages, long leafPages, long overflowPages)
{
    /**
     * @param name          the tree's name; not null.
     * @param entries       the number of entries.
     * @param depth         the number of levels.
     * @param branchPages   inner pages.
     * @param leafPages     leaf pages.
     * @param overflowPages overflow pages.
     */
    public TreeStats
    {
        Objects.requireNonNull(name, "name");
    }

    /**
     * @return every page the tree occupies: branch, leaf and overflow pages.
     */
    public long pages()
    {
        return branchPages + leafPages + overflowPages;
    }
}
