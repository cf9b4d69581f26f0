package dev.cambium.engine.space;

import java.util.Arrays;
import java.util.BitSet;

/**
 * A growable set of page ids as 64-bit words, like {@link BitSet} but with two things the free space needs and
 * {@code BitSet} does not offer: a copy of a range of words into a caller's array (the free-space map's chunks, with
 * no allocation per commit), and set and clear that say whether they changed anything (so the count of members is
 * kept as pages change, not recounted over the whole file).
 *
 * <p>Threads: not thread-safe; the writer thread only.
 */
final class PageBits
{
    private long[] words;
    private long count;

    /**
     * @param from the initial members.
     */
    PageBits(final BitSet from)
    {
        words = from.toLongArray();
        count = from.cardinality();
    }

    /**
     * @param page a page id, at least 0.
     * @return true if the page is a member.
     */
    boolean get(final int page)
    {
        final int w = page >>> 6;
        return w < words.length && (words[w] & (1L << page)) != 0;
    }

    /**
     * @param page a page id, at least 0.
     * @return true if the page was not a member before.
     */
    boolean set(final int page)
    {
        final int w = page >>> 6;
        if (w >= words.length)
        {
            words = Arrays.copyOf(words, Math.max(w + 1, words.length * 2));
        }
        final long bit = 1L << page;
        if ((words[w] & bit) != 0)
        {
            return false;
        }
        words[w] |= bit;
        count++;
        return true;
    }

    /**
     * @param page a page id, at least 0.
     * @return true if the page was a member before.
     */
    boolean clear(final int page)
    {
        final int w = page >>> 6;
        final long bit = 1L << page;
        if (w >= words.length || (words[w] & bit) == 0)
        {
            return false;
        }
        words[w] &= ~bit;
        count--;
        return true;
    }

    /**
     * Removes every member at or above {@code from}.
     *
     * @param from a page id, at least 0.
     * @return the number of members removed.
     */
    long clearFrom(final int from)
    {
        long removed = 0;
        for (int page = nextSetBit(from); page >= 0; page = nextSetBit(page + 1))
        {
            clear(page);
            removed++;
        }
        return removed;
    }

    /**
     * @param from a page id, at least 0.
     * @return the lowest member at or above {@code from}, or -1 if none.
     */
    int nextSetBit(final int from)
    {
        int w = from >>> 6;
        if (w >= words.length)
        {
            return -1;
        }
        long word = words[w] & (-1L << from);
        while (true)
        {
            if (word != 0)
            {
                return w * 64 + Long.numberOfTrailingZeros(word);
            }
            if (++w == words.length)
            {
                return -1;
            }
            word = words[w];
        }
    }

    /**
     * Copies {@code n} words from word {@code firstWord} on into {@code target}; words past the end are zero.
     *
     * @param firstWord the first word (page {@code firstWord * 64}).
     * @param target    receives the words from index 0.
     * @param n         the number of words.
     */
    void copyWords(final int firstWord, final long[] target, final int n)
    {
        final int available = Math.max(0, Math.min(n, words.length - firstWord));
        if (available > 0)
        {
            System.arraycopy(words, firstWord, target, 0, available);
        }
        Arrays.fill(target, available, n, 0L);
    }

    /**
     * @return the number of members.
     */
    long cardinality()
    {
        return count;
    }

    /**
     * @return a copy as a {@link BitSet}.
     */
    BitSet toBitSet()
    {
        return BitSet.valueOf(words);
    }
}
