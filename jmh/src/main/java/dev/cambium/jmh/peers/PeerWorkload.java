package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Root of the peer benchmark classes. A workload's code (its {@code @Benchmark} methods and fixtures)
 * lives once, in an abstract subclass ({@link ReadWorkloads}, {@link WriteWorkloads},
 * {@link LoadWorkloads}); the concrete classes JMH runs extend it and declare only their
 * {@code store} and {@code entries} {@code @Param} lists, so the Mavibot classes run the same code on
 * a smaller data set under their own benchmark names.
 *
 * <p>The concrete class, as a JMH state, holds the parameters (thread-scoped, as JMH makes the
 * benchmark instance of a class without {@code @State}, so the measured calls are unchanged by
 * this). The fixtures are
 * declared once, in the abstract classes, so they cannot name the concrete class: they read the
 * values through {@link BenchmarkParams} ({@link #store}, {@link #dataset}) in their trial set-up,
 * outside any measured code.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsPrepend = {Jvm.AGRONA_EXPORTS, Jvm.AGRONA_OPENS, Jvm.LMDB_NIO, Jvm.LMDB_NIO_CH, Jvm.HEAP})
public abstract class PeerWorkload
{
    /** Key length in bytes. */
    @Param("8")
    public int keyLength;
    /** {@code random} or {@code sequential}. */
    @Param("random")
    public String keyOrder;
    /** Value length in bytes. */
    @Param("100")
    public int valueLength;

    /**
     * @param params JMH's parameters of the running benchmark.
     * @return the {@code store} parameter.
     */
    static String store(final BenchmarkParams params)
    {
        return params.getParam("store");
    }

    /**
     * @param params JMH's parameters of the running benchmark.
     * @return the seeded data set the {@code entries}, {@code keyLength}, {@code keyOrder} and
     * {@code valueLength} parameters describe.
     */
    static Dataset dataset(final BenchmarkParams params)
    {
        return Dataset.of(Integer.parseInt(params.getParam("entries")), Integer.parseInt(params.getParam("keyLength")),
            params.getParam("keyOrder"), Integer.parseInt(params.getParam("valueLength")), Dataset.SEED);
    }
}
