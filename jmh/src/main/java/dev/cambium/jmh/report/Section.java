package dev.cambium.jmh.report;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One table of the report: a workload (benchmark method or group) at one combination of its
 * non-store parameters, with each store's result or the reason it has none.
 */
public final class Section
{
    /** The role of an ordinary (non-group) benchmark's only row. */
    public static final String SINGLE = "";

    private final String workload;
    private final SortedMap<String, String> params;
    private Mode mode;
    private String unit;
    private final SortedMap<String, SortedMap<String, Metric>> byRole = new TreeMap<>();
    private final SortedMap<String, Double> allocatedBytesPerOp = new TreeMap<>(Stores.COMPARATOR);
    private final SortedMap<String, String> failures = new TreeMap<>(Stores.COMPARATOR);
    private Set<String> declaredStores;

    Section(final String workload, final SortedMap<String, String> params)
    {
        this.workload = workload;
        this.params = params;
    }

    /** @return the workload name: the benchmark method, or {@code Class.method} when two classes ran it with the same parameters */
    public String workload()
    {
        return workload;
    }

    /** @return the benchmark method (or group) name, without any class qualification */
    public String method()
    {
        return workload.substring(workload.lastIndexOf('.') + 1);
    }

    /** @return the non-store parameters, sorted by name */
    public SortedMap<String, String> params()
    {
        return params;
    }

    /** @return the mode of the results, null if every store failed */
    public Mode mode()
    {
        return mode;
    }

    /** @return JMH's unit of the results, null if every store failed */
    public String unit()
    {
        return unit;
    }

    /** @return true for a {@code @Group} benchmark, whose rows are its methods (roles) */
    public boolean isGroup()
    {
        return !byRole.isEmpty() && !byRole.containsKey(SINGLE);
    }

    /** @return the roles in name order: the group's methods, or just {@link #SINGLE} */
    public List<String> roles()
    {
        return byRole.isEmpty() ? List.of(SINGLE) : List.copyOf(byRole.keySet());
    }

    /**
     * @param role a role from {@link #roles()}
     * @return store to metric for that role, in store order
     */
    public SortedMap<String, Metric> results(final String role)
    {
        final SortedMap<String, Metric> r = byRole.get(role);
        return r == null ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(r);
    }

    /** @return store to heap bytes allocated per operation (of the whole group, for a group) */
    public SortedMap<String, Double> allocatedBytesPerOp()
    {
        return Collections.unmodifiableSortedMap(allocatedBytesPerOp);
    }

    /** @return store to the reason JMH gave for its failure */
    public SortedMap<String, String> failures()
    {
        return Collections.unmodifiableSortedMap(failures);
    }

    /** @return the stores the benchmark declares in its {@code store} parameter, null if unknown */
    public Set<String> declaredStores()
    {
        return declaredStores;
    }

    /**
     * How many times faster {@code store} is than {@code reference} in this section's direction.
     *
     * @param role      the role (see {@link #roles()})
     * @param store     the store compared
     * @param reference the store it is compared with
     * @return above 1 when {@code store} is better; NaN when either has no result
     */
    public double speedup(final String role, final String store, final String reference)
    {
        final SortedMap<String, Metric> r = byRole.get(role);
        if (r == null || mode == null)
        {
            return Double.NaN;
        }
        final Metric a = r.get(store);
        final Metric b = r.get(reference);
        return a == null || b == null ? Double.NaN : mode.speedup(a.score(), b.score());
    }

    /** @return every store with a result, a failure or a declaration in this section */
    public Set<String> involvedStores()
    {
        final Set<String> stores = new TreeSet<>(Stores.COMPARATOR);
        byRole.values().forEach(r -> stores.addAll(r.keySet()));
        stores.addAll(failures.keySet());
        if (declaredStores != null)
        {
            stores.addAll(declaredStores);
        }
        return stores;
    }

    /**
     * @param store a store of the run
     * @return true when the benchmark's {@code store} parameter does not list it and it has neither a
     *         result nor a failure here (e.g. the sorted-array floor on a write workload)
     */
    public boolean isNotApplicable(final String store)
    {
        if (declaredStores == null || declaredStores.contains(store) || failures.containsKey(store))
        {
            return false;
        }
        for (final SortedMap<String, Metric> r : byRole.values())
        {
            if (r.containsKey(store))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code store} has no result here.
     *
     * @param store a store without a result in this section
     * @return a short explanation for the table cell
     */
    public String missingReason(final String store)
    {
        final String failure = failures.get(store);
        if (failure != null)
        {
            return "failed: " + failure;
        }
        if (declaredStores != null && !declaredStores.contains(store))
        {
            return "not applicable (the benchmark does not declare this store)";
        }
        return "not run";
    }

    void add(final BenchmarkResult r)
    {
        if (mode == null)
        {
            mode = r.mode();
            unit = r.primary().unit();
        }
        else if (mode != r.mode() || !unit.equals(r.primary().unit()))
        {
            throw new IllegalArgumentException(r.benchmark() + " " + r.params() + ": store " + r.store()
                + " was measured as " + r.mode().jmhName() + " " + r.primary().unit() + " but another store as "
                + mode.jmhName() + " " + unit + "; the stores of one workload must share mode and unit");
        }
        final Map<String, Metric> roles = r.groupMethods();
        if (roles.isEmpty())
        {
            role(SINGLE).put(r.store(), r.primary());
        }
        else
        {
            for (final Map.Entry<String, Metric> e : roles.entrySet())
            {
                role(e.getKey()).put(r.store(), e.getValue());
            }
        }
        final double alloc = r.allocatedBytesPerOp();
        if (!Double.isNaN(alloc))
        {
            allocatedBytesPerOp.put(r.store(), alloc);
        }
    }

    void addFailure(final String store, final String reason)
    {
        failures.merge(store, reason, (a, b) -> a.equals(b) ? a : a + "; " + b);
    }

    void declare(final Set<String> stores)
    {
        declaredStores = stores;
    }

    private SortedMap<String, Metric> role(final String role)
    {
        return byRole.computeIfAbsent(role, k -> new TreeMap<>(Stores.COMPARATOR));
    }
}
