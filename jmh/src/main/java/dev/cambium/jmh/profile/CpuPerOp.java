package dev.cambium.jmh.profile;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

/**
 * A JMH profiler ({@code -prof dev.cambium.jmh.profile.CpuPerOp}) that reports the CPU time the benchmark's
 * JVM used per operation in each measured iteration ({@code cpu.per.op}, ns): the process's CPU time
 * (every thread, JIT and GC included) over the iteration, divided by the operations JMH counted. On a
 * machine shared with other work, wall-clock scores include the time the benchmark threads waited for a
 * core, which swings with the load; CPU time does not (it still includes what contention costs: cache
 * misses and the spinning of a compare-and-set loop).
 *
 * <p>Threads: JMH calls it on its control thread of the forked JVM, before and after each iteration.
 */
public final class CpuPerOp implements InternalProfiler
{
    private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)ManagementFactory
        .getOperatingSystemMXBean();
    private long startCpu;

    @Override
    public String getDescription()
    {
        return "process CPU time per operation (ns)";
    }

    @Override
    public void beforeIteration(final BenchmarkParams benchmarkParams, final IterationParams iterationParams)
    {
        startCpu = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(final BenchmarkParams benchmarkParams,
        final IterationParams iterationParams, final IterationResult result)
    {
        final long cpu = os.getProcessCpuTime() - startCpu;
        final long ops = result.getMetadata().getAllOps();
        final double perOp = ops == 0 ? Double.NaN : (double)cpu / ops;
        return List.of(new ScalarResult("cpu.per.op", perOp, "ns/op", AggregationPolicy.AVG));
    }
}
