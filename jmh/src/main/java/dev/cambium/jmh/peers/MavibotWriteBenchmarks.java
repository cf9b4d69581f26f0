package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Param;

/**
 * Mavibot's write workloads: the {@link WriteWorkloads} on the 100,000-entry data set of
 * {@link MavibotReadBenchmarks}, beside Cambium and LMDB. Mavibot commits each put separately, so its
 * 100-entry "transactions" are 100 commits and not atomic, and its durable commits never force the
 * file: they are not durable.
 *
 * <p>No {@code readersWithWriter}: Mavibot 1.0.0-M8 cannot serve a reader while a writer commits
 * (the reader's get fails within a few hundred gets with {@code ArrayIndexOutOfBoundsException} or
 * {@code SerializerCreationException}, and one attempt hung).
 */
public class MavibotWriteBenchmarks extends WriteWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mavibot"})
    public String store;
    /** Entries in the loaded store. */
    @Param("100000")
    public int entries;
}
