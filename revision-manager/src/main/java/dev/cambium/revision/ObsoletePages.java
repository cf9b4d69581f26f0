package dev.cambium.revision;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The committed pages one commit made obsolete, each with the revision that had written it: the input of page
 * reclamation. A page written at revision A and made obsolete by the commit of revision R is visible exactly to
 * revisions A .. R-1, so the pair (page, A) on the node of R is all the cleaner needs.
 *
 * <p>Layout: one {@code long[]} of pairs, {@code [page0, written0, page1, written1, ...]}, so that a commit that
 * obsoletes thousands of pages publishes one array and no object per page. Pairs keep the order in which they were
 * added; a page appears at most once.
 *
 * <p>Immutable once built, and safe to share between threads when published safely (the revision list publishes
 * it with its node). {@link Builder} is the writer's mutable accumulator, reused from one commit to the next.
 */
public final class ObsoletePages
{
    /** No obsolete page. */
    public static final ObsoletePages NONE = new ObsoletePages(new long[0]);

    private final long[] pairs;

    private ObsoletePages(long[] pairs)
    {
        this.pairs = pairs;
    }

    /**
     * Pairs given inline, e.g. {@code of(page, written, page2, written2)}. Any thread.
     *
     * @param pairs page ids and the revisions that wrote them, alternating; copied
     * @return the value; {@link #NONE} if empty
     * @throws IllegalArgumentException if the length is odd
     * @throws NullPointerException if {@code pairs} is null
     */
    public static ObsoletePages of(long... pairs)
    {
        if ((pairs.length & 1) != 0)
        {
            throw new IllegalArgumentException("obsolete pages come as (pageId, writtenRevision) pairs, got "
                + pairs.length + " longs");
        }
        return pairs.length == 0 ? NONE : new ObsoletePages(pairs.clone());
    }

    /**
     * Number of pages. Any thread.
     *
     * @return the number of (page, revision) pairs
     */
    public int count()
    {
        return pairs.length >>> 1;
    }

    /**
     * Whether there is no page. Any thread.
     *
     * @return true if {@link #count()} is 0
     */
    public boolean isEmpty()
    {
        return pairs.length == 0;
    }

    /**
     * The page id of pair {@code i}. Any thread.
     *
     * @param i 0 .. count()-1
     * @return the page id
     */
    public long page(int i)
    {
        return pairs[2 * i];
    }

    /**
     * The revision that wrote the page of pair {@code i}. Any thread.
     *
     * @param i 0 .. count()-1
     * @return the revision that wrote the page
     */
    public long writtenRevision(int i)
    {
        return pairs[2 * i + 1];
    }

    /**
     * Visits every page id, in order. Any thread.
     *
     * @param action receives each page id
     */
    public void forEachPage(LongConsumer action)
    {
        for (int i = 0; i < pairs.length; i += 2)
        {
            action.accept(pairs[i]);
        }
    }

    @Override
    public boolean equals(Object o)
    {
        return o instanceof ObsoletePages && Arrays.equals(pairs, ((ObsoletePages)o).pairs);
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(pairs);
    }

    @Override
    public String toString()
    {
        final StringBuilder b = new StringBuilder("ObsoletePages[");
        for (int i = 0; i < count(); i++)
        {
            b.append(i == 0 ? "" : ", ").append(page(i)).append('@').append(writtenRevision(i));
        }
        return b.append(']').toString();
    }

    /**
     * The writer's accumulator of one transaction's obsolete pages; {@link #clear()} makes it ready for the next
     * transaction without giving its memory back. One thread at a time.
     */
    public static final class Builder
    {
        private long[] pairs;
        private int size;

        /**
         * @param initialPages pages the builder holds before it grows
         */
        public Builder(int initialPages)
        {
            this.pairs = new long[2 * Math.max(1, initialPages)];
        }

        /**
         * Adds one page.
         *
         * @param page            the page id
         * @param writtenRevision the revision that wrote it
         */
        public void add(long page, long writtenRevision)
        {
            if (size + 2 > pairs.length)
            {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[size++] = page;
            pairs[size++] = writtenRevision;
        }

        /**
         * @return the number of pages added since the last {@link #clear()}
         */
        public int count()
        {
            return size >>> 1;
        }

        /**
         * @param i 0 .. count()-1
         * @return the page id of pair {@code i}
         */
        public long page(int i)
        {
            return pairs[2 * i];
        }

        /**
         * @return an immutable copy of the pages added so far
         */
        public ObsoletePages build()
        {
            return size == 0 ? NONE : new ObsoletePages(Arrays.copyOf(pairs, size));
        }

        /** Forgets every page; keeps the memory. */
        public void clear()
        {
            size = 0;
        }
    }
}
