package dev.cambium.jmh.profile;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JMH profiler ({@code -prof dev.cambium.jmh.profile.CpuByThread}) that says where the benchmark JVM's CPU time
 * went in each measured iteration, in cores (CPU seconds per wall-clock second): each JMH worker thread
 * ({@code cores.worker-N}), the engine's cleaner ({@code cores.cleaner}), every other Java thread together
 * ({@code cores.otherJava}) and what the JVM spends outside Java threads ({@code cores.vm}: garbage collection,
 * JIT compilation; the process's CPU time minus its Java threads').
 *
 * <p>Why: on a 2-core machine a benchmark with two busy threads (a reader and a writer) has no core to spare, so
 * any CPU the store spends elsewhere (a cleaner thread, garbage collection of the writer's allocations) is taken
 * from the reader or the writer. This profiler tells that apart from a slower read path.
 *
 * <p>Threads: JMH calls it on its control thread of the forked JVM, before and after each iteration. A thread
 * started during the iteration counts from its start; one that ended during it falls into {@code vm}.
 */
public final class CpuByThread implements InternalProfiler
{
    private static final String CLEANER = "cambium-cleaner";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)ManagementFactory
        .getOperatingSystemMXBean();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private long startProcessCpu;
    private long startWall;

    @Override
    public String getDescription()
    {
        return "CPU time per thread group, in cores (workers, cleaner, other Java threads, GC + JIT)";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        startCpu.clear();
        for (final long id : threads.getAllThreadIds())
        {
            final long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0)
            {
                startCpu.put(id, cpu);
            }
        }
        startProcessCpu = os.getProcessCpuTime();
        startWall = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(final BenchmarkParams benchmarkParams,
        final IterationParams iterationParams, final IterationResult result)
    {
        final long wall = System.nanoTime() - startWall;
        final long process = os.getProcessCpuTime() - startProcessCpu;
        final Map<String, Long> byGroup = new TreeMap<>();
        long java = 0;
        for (final long id : threads.getAllThreadIds())
        {
            final long cpu = threads.getThreadCpuTime(id);
            final ThreadInfo info = threads.getThreadInfo(id);
            if (cpu < 0 || info == null)
            {
                continue;
            }
            final long used = cpu - startCpu.getOrDefault(id, 0L);
            java += used;
            byGroup.merge(group(info.getThreadName()), used, Long::sum);
        }
        byGroup.put("vm", Math.max(0, process - java));
        final List<Result> out = new ArrayList<>();
        byGroup.forEach((name, cpu) -> out.add(
            new ScalarResult("cores." + name, (double)cpu / wall, "cores", AggregationPolicy.AVG)));
        return out;
    }

    private static String group(final String threadName)
    {
        final int worker = threadName.indexOf("jmh-worker-");
        if (worker >= 0)
        {
            return "worker-" + threadName.substring(worker + "jmh-worker-".length());
        }
        return threadName.equals(CLEANER) ? "cleaner" : "otherJava";
    }
}
