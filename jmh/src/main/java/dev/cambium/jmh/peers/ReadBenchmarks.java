package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Param;

/**
 * The {@link ReadWorkloads} on the default data set. Mavibot is in {@link MavibotReadBenchmarks}, on
 * a smaller data set.
 */
public class ReadBenchmarks extends ReadWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mvstore", "xodus", "mapdb", "floor"})
    public String store;
    /** Entries in the loaded store. */
    @Param("1000000")
    public int entries;
}
