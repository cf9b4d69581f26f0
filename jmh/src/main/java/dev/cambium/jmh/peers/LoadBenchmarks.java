package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Param;

/**
 * The {@link LoadWorkloads} on the default data set. Mavibot is in {@link MavibotLoadBenchmarks}, on
 * a smaller data set.
 */
public class LoadBenchmarks extends LoadWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mvstore", "xodus", "mapdb"})
    public String store;
    /** Entries loaded. */
    @Param("1000000")
    public int entries;
}
