package dev.cambium.jmh.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The results of one run arranged for comparison: one {@link Section} per workload and parameter
 * combination, in a fixed order, with every store that took part in the run.
 *
 * <p>The order is the one the benchmark contract lists workloads in (then unknown workloads by
 * name); sections of one workload follow their parameters, numbers compared as numbers, so the same
 * input always gives the same page.
 */
public final class Comparison
{
    /** Workload (benchmark method) names in report order. */
    public static final List<String> WORKLOAD_ORDER = List.of("get", "getCopy", "getInOrder", "getOwnTxn",
        "scanForward", "scanForwardCopy", "scanBackward", "loadSequential", "loadRandom", "update", "commitDurable",
        "concurrentCommits1", "concurrentCommits4", "concurrentCommits16", "readTxn", "readersWithWriter",
        "readersAlone");

    /** The group benchmark whose readers are compared with {@link #READERS_ALONE}. */
    public static final String READERS_WITH_WRITER = "readersWithWriter";

    /** The baseline: the same readers with no writer. */
    public static final String READERS_ALONE = "readersAlone";

    /** The role of the reader methods inside {@link #READERS_WITH_WRITER}. */
    public static final String READER_ROLE = "reader";

    private final List<Section> sections;
    private final SortedSet<String> stores;
    private final SortedSet<String> ignored;
    private final Map<String, Set<String>> varyingParams;

    private Comparison(final List<Section> sections, final SortedSet<String> stores, final SortedSet<String> ignored)
    {
        this.sections = sections;
        this.stores = stores;
        this.ignored = ignored;
        this.varyingParams = varyingParams(sections);
    }

    /**
     * Arranges a run's results.
     *
     * @param results  the JSON result entries
     * @param failures failed runs from the JMH log
     * @param declared full benchmark name to the stores its {@code store} parameter declares (from
     *                 {@code -lp}); may be empty, and then a missing store is just "not run"
     * @return the comparison
     * @throws IllegalArgumentException if stores of one workload were measured in different modes or units
     */
    public static Comparison of(final List<BenchmarkResult> results, final List<Failure> failures,
        final Map<String, Set<String>> declared)
    {
        final Set<String> ambiguous = ambiguousKeys(results, failures);
        final Map<String, Section> byKey = new HashMap<>();
        final Map<Section, String> benchmarkOf = new HashMap<>();
        final SortedSet<String> stores = new TreeSet<>(Stores.COMPARATOR);
        final SortedSet<String> ignored = new TreeSet<>();
        for (final BenchmarkResult r : results)
        {
            if (r.store() == null)
            {
                ignored.add(r.benchmark());
                continue;
            }
            stores.add(r.store());
            final Section s = section(byKey, workloadName(r.benchmark(), r.params(), ambiguous), r.params());
            benchmarkOf.putIfAbsent(s, r.benchmark());
            s.add(r);
        }
        for (final Failure f : failures)
        {
            if (f.store() == null)
            {
                continue;
            }
            stores.add(f.store());
            final Section s = section(byKey, workloadName(f.benchmark(), f.params(), ambiguous), f.params());
            benchmarkOf.putIfAbsent(s, f.benchmark());
            s.addFailure(f.store(), f.reason());
        }
        final List<Section> ordered = new ArrayList<>(byKey.values());
        ordered.sort(SECTION_ORDER);
        for (final Section s : ordered)
        {
            final Set<String> d = declared.get(benchmarkOf.get(s));
            if (d != null)
            {
                s.declare(Collections.unmodifiableSet(d));
            }
        }
        return new Comparison(Collections.unmodifiableList(ordered), Collections.unmodifiableSortedSet(stores),
            Collections.unmodifiableSortedSet(ignored));
    }

    /** @return every section, in report order */
    public List<Section> sections()
    {
        return sections;
    }

    /** @return every store with a result or a failure anywhere in the run, in store order */
    public SortedSet<String> stores()
    {
        return stores;
    }

    /** @return benchmarks in the results without a {@code store} parameter, left out of the comparison */
    public SortedSet<String> ignoredBenchmarks()
    {
        return ignored;
    }

    /**
     * A short name for one row of a summary or the chart: the workload, the role for a group, and
     * only the parameters whose value differs between sections of the same workload.
     *
     * @param s    the section
     * @param role one of its roles
     * @return e.g. {@code get (keyLength=16)} or {@code readersWithWriter: reader}
     */
    public String label(final Section s, final String role)
    {
        final StringBuilder sb = new StringBuilder(s.workload());
        if (!role.isEmpty())
        {
            sb.append(": ").append(role);
        }
        final Set<String> varying = varyingParams.getOrDefault(s.workload(), Set.of());
        final List<String> shown = new ArrayList<>();
        for (final Map.Entry<String, String> p : s.params().entrySet())
        {
            if (varying.contains(p.getKey()))
            {
                shown.add(p.getKey() + "=" + p.getValue());
            }
        }
        if (!shown.isEmpty())
        {
            sb.append(" (").append(String.join(", ", shown)).append(')');
        }
        return sb.toString();
    }

    /**
     * The {@link #READERS_ALONE} section with exactly the same parameters as a
     * {@link #READERS_WITH_WRITER} section, for the "throughput kept" line. If several classes ran
     * the baseline with those parameters (only after a command-line {@code -p} made their data sets
     * coincide), the one sharing the most stores with the group wins, then the one whose class name
     * shares the longest prefix with the group's (MavibotReadBenchmarks for MavibotWriteBenchmarks).
     *
     * @param withWriter a readersWithWriter section
     * @return the matching baseline, or null
     */
    public Section readersAloneFor(final Section withWriter)
    {
        Section best = null;
        int bestShared = -1;
        int bestPrefix = -1;
        for (final Section s : sections)
        {
            if (!s.method().equals(READERS_ALONE) || !s.params().equals(withWriter.params()))
            {
                continue;
            }
            final Set<String> shared = new HashSet<>(s.involvedStores());
            shared.retainAll(withWriter.involvedStores());
            final int prefix = commonPrefix(s.workload(), withWriter.workload());
            if (shared.size() > bestShared || (shared.size() == bestShared && prefix > bestPrefix))
            {
                best = s;
                bestShared = shared.size();
                bestPrefix = prefix;
            }
        }
        return best;
    }

    private static int commonPrefix(final String a, final String b)
    {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i))
        {
            i++;
        }
        return i;
    }

    /**
     * Share of the readers' throughput kept while a writer commits:
     * readersWithWriter:reader ÷ readersAlone, oriented by mode so that 1.0 means nothing was lost.
     *
     * @param withWriter the group section
     * @param alone      its baseline (see {@link #readersAloneFor})
     * @param store      the store
     * @return the fraction kept, NaN if either result is missing or they differ in mode or unit
     */
    public static double readerThroughputKept(final Section withWriter, final Section alone, final String store)
    {
        if (alone == null || withWriter.mode() == null || alone.mode() != withWriter.mode()
            || !alone.unit().equals(withWriter.unit()))
        {
            return Double.NaN;
        }
        final Metric with = withWriter.results(READER_ROLE).get(store);
        final Metric without = alone.results(Section.SINGLE).get(store);
        if (with == null || without == null)
        {
            return Double.NaN;
        }
        return withWriter.mode().speedup(with.score(), without.score());
    }

    private static Section section(final Map<String, Section> byKey, final String workload,
        final SortedMap<String, String> params)
    {
        return byKey.computeIfAbsent(key(workload, params), k -> new Section(workload, params));
    }

    /**
     * Keys (method and parameters) that results of more than one benchmark class share. Different
     * classes may measure the same workload on different data (Mavibot's classes use smaller sets),
     * which the parameters tell apart; only when the parameters coincide too, e.g. after a
     * command-line {@code -p entries=...}, are their rows qualified with the class, or they would merge.
     */
    private static Set<String> ambiguousKeys(final List<BenchmarkResult> results, final List<Failure> failures)
    {
        final Map<String, Set<String>> classesByKey = new HashMap<>();
        for (final BenchmarkResult r : results)
        {
            if (r.store() != null)
            {
                classesByKey.computeIfAbsent(key(methodOf(r.benchmark()), r.params()), k -> new HashSet<>())
                    .add(classOf(r.benchmark()));
            }
        }
        for (final Failure f : failures)
        {
            if (f.store() != null)
            {
                classesByKey.computeIfAbsent(key(methodOf(f.benchmark()), f.params()), k -> new HashSet<>())
                    .add(classOf(f.benchmark()));
            }
        }
        final Set<String> ambiguous = new HashSet<>();
        classesByKey.forEach((key, classes) ->
        {
            if (classes.size() > 1)
            {
                ambiguous.add(key);
            }
        });
        return ambiguous;
    }

    private static String key(final String workload, final SortedMap<String, String> params)
    {
        return workload + "\u0000" + params;
    }

    private static String methodOf(final String benchmark)
    {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static String classOf(final String benchmark)
    {
        final int lastDot = benchmark.lastIndexOf('.');
        return lastDot < 0 ? "" : benchmark.substring(0, lastDot);
    }

    private static String workloadName(final String benchmark, final SortedMap<String, String> params,
        final Set<String> ambiguous)
    {
        final String method = methodOf(benchmark);
        if (!ambiguous.contains(key(method, params)))
        {
            return method;
        }
        final String cls = classOf(benchmark);
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + method;
    }

    private static Map<String, Set<String>> varyingParams(final List<Section> sections)
    {
        final Map<String, Map<String, Set<String>>> values = new LinkedHashMap<>();
        final Map<String, Integer> count = new HashMap<>();
        for (final Section s : sections)
        {
            count.merge(s.workload(), 1, Integer::sum);
            final Map<String, Set<String>> v = values.computeIfAbsent(s.workload(), k -> new TreeMap<>());
            for (final Map.Entry<String, String> p : s.params().entrySet())
            {
                v.computeIfAbsent(p.getKey(), k -> new HashSet<>()).add(p.getValue());
            }
        }
        final Map<String, Set<String>> varying = new HashMap<>();
        values.forEach((workload, params) ->
        {
            final Set<String> names = new TreeSet<>();
            for (final Map.Entry<String, Set<String>> p : params.entrySet())
            {
                // A parameter missing from some sections also distinguishes them.
                final long present = sections.stream()
                    .filter(s -> s.workload().equals(workload) && s.params().containsKey(p.getKey())).count();
                if (p.getValue().size() > 1 || present < count.get(workload))
                {
                    names.add(p.getKey());
                }
            }
            varying.put(workload, names);
        });
        return varying;
    }

    /** Contract order of workloads, then parameters by name with numeric values compared as numbers. */
    static final Comparator<Section> SECTION_ORDER = (a, b) -> compareWorkloads(a.workload(), a.params(), b.workload(),
        b.params());

    /**
     * The report's order of (workload, parameters) pairs: workloads in {@link #WORKLOAD_ORDER}, unknown
     * ones after by name, then parameters by name with numeric values compared as numbers.
     */
    static int compareWorkloads(final String a, final SortedMap<String, String> pa,
        final String b, final SortedMap<String, String> pb)
    {
        final int byRank = Integer.compare(rank(a), rank(b));
        if (byRank != 0)
        {
            return byRank;
        }
        final int byName = a.compareTo(b);
        return byName != 0 ? byName : compareParams(pa, pb);
    }

    private static int rank(final String workload)
    {
        final String method = workload.substring(workload.lastIndexOf('.') + 1);
        final int i = WORKLOAD_ORDER.indexOf(method);
        return i < 0 ? WORKLOAD_ORDER.size() : i;
    }

    static int compareParams(final SortedMap<String, String> a, final SortedMap<String, String> b)
    {
        final Iterator<Map.Entry<String, String>> ia = a.entrySet().iterator();
        final Iterator<Map.Entry<String, String>> ib = b.entrySet().iterator();
        while (ia.hasNext() && ib.hasNext())
        {
            final Map.Entry<String, String> ea = ia.next();
            final Map.Entry<String, String> eb = ib.next();
            final int byKey = ea.getKey().compareTo(eb.getKey());
            if (byKey != 0)
            {
                return byKey;
            }
            final int byValue = compareValues(ea.getValue(), eb.getValue());
            if (byValue != 0)
            {
                return byValue;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    static int compareValues(final String a, final String b)
    {
        final Double da = parseNumber(a);
        final Double db = parseNumber(b);
        if (da != null && db != null)
        {
            final int c = Double.compare(da, db);
            if (c != 0)
            {
                return c;
            }
        }
        else if (da != null || db != null)
        {
            return da != null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static Double parseNumber(final String s)
    {
        try
        {
            final double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : null;
        }
        catch (final NumberFormatException e)
        {
            return null;
        }
    }
}
