package dev.cambium.hostile;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The content of one revision: tree names, each with its entries in key order (keys compared as unsigned
 * bytes). Immutable once built; equality is by bytes.
 */
final class Content
{
    private final TreeMap<String, TreeMap<byte[], byte[]>> trees;

    private Content(final TreeMap<String, TreeMap<byte[], byte[]>> trees)
    {
        this.trees = trees;
    }

    static TreeMap<byte[], byte[]> newEntries()
    {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /** A deep copy of {@code live}. */
    static Content of(final Map<String, TreeMap<byte[], byte[]>> live)
    {
        final TreeMap<String, TreeMap<byte[], byte[]>> copy = new TreeMap<>();
        for (final Map.Entry<String, TreeMap<byte[], byte[]>> e : live.entrySet())
        {
            final TreeMap<byte[], byte[]> entries = newEntries();
            e.getValue().forEach((k, v) -> entries.put(k.clone(), v.clone()));
            copy.put(e.getKey(), entries);
        }
        return new Content(copy);
    }

    /** Takes ownership of {@code trees}. */
    static Content wrap(final TreeMap<String, TreeMap<byte[], byte[]>> trees)
    {
        return new Content(trees);
    }

    NavigableMap<String, TreeMap<byte[], byte[]>> trees()
    {
        return java.util.Collections.unmodifiableNavigableMap(trees);
    }

    long entryCount()
    {
        return trees.values().stream().mapToLong(TreeMap::size).sum();
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof Content other) || !trees.keySet().equals(other.trees.keySet()))
        {
            return false;
        }
        for (final Map.Entry<String, TreeMap<byte[], byte[]>> e : trees.entrySet())
        {
            final TreeMap<byte[], byte[]> a = e.getValue();
            final TreeMap<byte[], byte[]> b = other.trees.get(e.getKey());
            if (a.size() != b.size())
            {
                return false;
            }
            final Iterator<Map.Entry<byte[], byte[]>> ia = a.entrySet().iterator();
            final Iterator<Map.Entry<byte[], byte[]>> ib = b.entrySet().iterator();
            while (ia.hasNext())
            {
                final Map.Entry<byte[], byte[]> x = ia.next();
                final Map.Entry<byte[], byte[]> y = ib.next();
                if (!Arrays.equals(x.getKey(), y.getKey()) || !Arrays.equals(x.getValue(), y.getValue()))
                {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public int hashCode()
    {
        return trees.keySet().hashCode() * 31 + Long.hashCode(entryCount());
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        trees.forEach((name, entries) -> sb.append(sb.length() == 1 ? "" : ", ").append(name).append('=')
            .append(entries.size()).append(" entries"));
        return sb.append('}').toString();
    }
}
