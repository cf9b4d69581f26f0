package dev.cambium.ldap.search;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Filter;
import dev.cambium.Cursor;
import dev.cambium.Tree;
import dev.cambium.codec.KeyRange;
import dev.cambium.codec.TupleEncoder;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.store.Keys;
import dev.cambium.ldap.store.Snapshot;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the candidate entries of a search from the equality indexes, by cost: every estimate is
 * an exact {@link Tree#count(KeyRange)} of index keys, O(log n) whatever the range holds.
 *
 * <ul>
 *   <li>{@code (a=v)}: the keys of value v; {@code (a=*)}: the whole index of a;
 *   {@code (a=v*...)}: the keys whose value starts with v (case-ignore and case-exact strings).</li>
 *   <li>AND: the cheapest indexable branch; the others are checked on the candidates.</li>
 *   <li>OR: the union of its branches, only if every branch is indexable and the counts add up to
 *   less than the scan would cost.</li>
 *   <li>Anything else (NOT, ordering, approximate, extensible, unindexed attributes): no plan.</li>
 * </ul>
 * A candidate from an index costs about two entries of a scan (its index key, then the entry
 * looked up by id and its scope checked through its parents), so a plan is used only when its
 * estimate is below half the entries the scan would read.
 *
 * <p>Candidates are a superset (multi-valued attributes count once per value, long values are indexed
 * by their first bytes), so the search always evaluates the whole filter on each candidate.
 */
public final class Planner
{
    private Planner()
    {
    }

    /**
     * Index ranges whose ids, together, include every entry that can match.
     *
     * @param estimate the number of index keys in the ranges (at least the number of ids).
     * @param sources  the trees and ranges to read.
     */
    public record Plan(long estimate, List<Source> sources)
    {
        /**
         * @return the candidate ids, sorted, without duplicates.
         */
        public long[] ids()
        {
            long[] ids = new long[(int)Math.min(estimate, Integer.MAX_VALUE - 8)];
            int n = 0;
            for (final Source s : sources)
            {
                try (Cursor c = s.tree().cursor(s.range()))
                {
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        final DirectBuffer k = c.keyBuffer();
                        if (n == ids.length)
                        {
                            ids = Arrays.copyOf(ids, Math.max(16, 2 * n));
                        }
                        ids[n++] = Keys.idAt(k, k.capacity() - 8, true); // the key ends with the LONG id
                    }
                }
            }
            Arrays.sort(ids, 0, n);
            int unique = 0;
            for (int i = 0; i < n; i++)
            {
                if (unique == 0 || ids[unique - 1] != ids[i])
                {
                    ids[unique++] = ids[i];
                }
            }
            return Arrays.copyOf(ids, unique);
        }
    }

    /**
     * @param tree  an index tree.
     * @param range a range of its keys.
     */
    public record Source(Tree tree, KeyRange range)
    {
    }

    /**
     * @param s         the snapshot.
     * @param filter    the filter, canonical attribute names.
     * @param scanCost  the number of entries the search reads without an index.
     * @return a plan cheaper than the scan, or null to scan.
     */
    public static Plan plan(final Snapshot s, final Filter filter, final long scanCost)
    {
        final Plan p = planOf(s, filter, scanCost / 2);
        return p != null && p.estimate() < scanCost / 2 ? p : null;
    }

    private static Plan planOf(final Snapshot s, final Filter f, final long scanCost)
    {
        final DirectorySchema schema = s.directory().schema();
        switch (f.getFilterType())
        {
            case Filter.FILTER_TYPE_EQUALITY:
            {
                final String key = schema.key(f.getAttributeName());
                final Tree t = s.index(key);
                if (t == null)
                {
                    return null;
                }
                final byte[] norm = schema.normalize(key, new ASN1OctetString(f.getAssertionValueBytes()));
                return single(t, Keys.value(norm).prefixRange());
            }
            case Filter.FILTER_TYPE_PRESENCE:
            {
                final Tree t = s.index(schema.key(f.getAttributeName()));
                return t == null ? null : new Plan(t.size(), List.of(new Source(t, KeyRange.prefix(new byte[0]))));
            }
            case Filter.FILTER_TYPE_SUBSTRING:
            {
                final String key = schema.key(f.getAttributeName());
                final Tree t = s.index(key);
                if (t == null || f.getSubInitialBytes() == null || !schema.prefixSearchable(key))
                {
                    return null;
                }
                final byte[] initial = Keys.truncate(schema.normalizeInitial(key, f.getSubInitialBytes()));
                return single(t, new TupleEncoder().bytesPrefixRange(initial));
            }
            case Filter.FILTER_TYPE_AND:
            {
                Plan best = null;
                for (final Filter c : f.getComponents())
                {
                    final Plan p = planOf(s, c, scanCost);
                    if (p != null && (best == null || p.estimate() < best.estimate()))
                    {
                        best = p;
                    }
                }
                return best;
            }
            case Filter.FILTER_TYPE_OR:
            {
                final List<Source> all = new ArrayList<>();
                long total = 0;
                for (final Filter c : f.getComponents())
                {
                    final Plan p = planOf(s, c, scanCost);
                    if (p == null)
                    {
                        return null;
                    }
                    total += p.estimate();
                    if (total >= scanCost)
                    {
                        return null; // reading the indexes would cost more than the scan
                    }
                    all.addAll(p.sources());
                }
                return new Plan(total, all);
            }
            default:
                return null;
        }
    }

    private static Plan single(final Tree t, final KeyRange range)
    {
        return new Plan(t.count(range), List.of(new Source(t, range)));
    }
}
