package dev.cambium.engine.txn;

import java.util.Arrays;

/**
 * The catalog entries a thread's read transactions looked up, by tree name, each stamped with the revision it was
 * read in: a read transaction that opens a tree its thread's previous transaction opened in the same revision takes
 * the root, root revision and size from here instead of searching the catalog again. A revision's catalog never
 * changes, so an entry of the transaction's own revision is what a catalog search would return (it was validated
 * when it was read, against the same revision's high-water mark); an entry of any other revision is never used. A
 * read-mostly workload begins many transactions on one revision, and a {@code tree(name)} was 3 to 10 % of a
 * begin-and-end. Holds names, encoded names and numbers only: nothing of a transaction or a tree handle.
 *
 * <p>Threads: used only by the transaction that holds its {@link ReadContext}.
 */
final class TreeCache
{
    /** Trees a thread's transactions open from one revision; more only cost a catalog search, as before. */
    private static final int SIZE = 8;
    private static final long NONE = Long.MIN_VALUE;

    private final String[] names = new String[SIZE];
    private final byte[][] encoded = new byte[SIZE][];
    private final long[] revisions = new long[SIZE];
    private final long[] roots = new long[SIZE];
    private final long[] rootRevisions = new long[SIZE];
    private final long[] sizes = new long[SIZE];
    /** The slot the next new name replaces when no slot holds a name of another revision. */
    private int victim;

    TreeCache()
    {
        Arrays.fill(revisions, NONE);
    }

    /**
     * @param name     a tree name.
     * @param revision the revision of the transaction asking.
     * @return the slot of {@code name}'s entry read in {@code revision}, or -1.
     */
    int find(final String name, final long revision)
    {
        for (int i = 0; i < SIZE; i++)
        {
            if (revisions[i] == revision && name.equals(names[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Records the catalog entry of a tree as read in a revision.
     *
     * @param name         the tree's name.
     * @param encodedName  its UTF-8 bytes (never changed by anyone).
     * @param revision     the revision whose catalog holds the entry.
     * @param root         the tree's root page.
     * @param rootRevision the revision that wrote the root.
     * @param size         the tree's entry count.
     */
    void put(final String name, final byte[] encodedName, final long revision, final long root,
        final long rootRevision, final long size)
    {
        int slot = -1;
        for (int i = 0; i < SIZE && slot < 0; i++)
        {
            if (revisions[i] == NONE || name.equals(names[i]))
            {
                slot = i;
            }
        }
        for (int i = 0; i < SIZE && slot < 0; i++)
        {
            if (revisions[i] != revision)
            {
                slot = i;
            }
        }
        if (slot < 0)
        {
            slot = victim;
            victim = (victim + 1) % SIZE;
        }
        names[slot] = name;
        encoded[slot] = encodedName;
        revisions[slot] = revision;
        roots[slot] = root;
        rootRevisions[slot] = rootRevision;
        sizes[slot] = size;
    }

    byte[] encoded(final int slot)
    {
        return encoded[slot];
    }

    long root(final int slot)
    {
        return roots[slot];
    }

    long rootRevision(final int slot)
    {
        return rootRevisions[slot];
    }

    long size(final int slot)
    {
        return sizes[slot];
    }
}
