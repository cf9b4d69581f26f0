package dev.cambium.jmh.report;

import java.util.Comparator;
import java.util.List;

/**
 * The stores the peer benchmarks compare, in the fixed order every table and the chart use, and
 * their display names. Values of the JMH {@code store} parameter not listed here sort after the
 * known ones, alphabetically, and are shown as given.
 */
public final class Stores
{
    /** The {@code store} parameter values, in report order. */
    public static final List<String> ORDER = List.of("cambium", "lmdb", "mvstore", "xodus", "mapdb", "mavibot",
        "floor");

    /** The reference every "× LMDB" ratio divides by. */
    public static final String LMDB = "lmdb";

    /** The second reference, for "× Cambium" ratios. */
    public static final String CAMBIUM = "cambium";

    /** Known stores first in {@link #ORDER}, then unknown ones alphabetically. */
    public static final Comparator<String> COMPARATOR = Comparator
        .comparingInt(Stores::rank)
        .thenComparing(Comparator.naturalOrder());

    private Stores()
    {
    }

    /**
     * @param store a {@code store} parameter value
     * @return the name to print, e.g. {@code LMDB} for {@code lmdb}
     */
    public static String displayName(final String store)
    {
        switch (store)
        {
            case "cambium":
                return "Cambium";
            case "lmdb":
                return "LMDB";
            case "mvstore":
                return "MVStore";
            case "xodus":
                return "Xodus";
            case "mapdb":
                return "MapDB";
            case "mavibot":
                return "Mavibot";
            case "floor":
                return "floor (sorted array)";
            default:
                return store;
        }
    }

    private static int rank(final String store)
    {
        final int i = ORDER.indexOf(store);
        return i < 0 ? ORDER.size() : i;
    }
}
