package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Param;

/**
 * Mavibot's read workloads: the {@link ReadWorkloads} on a data set of 100,000 entries (Mavibot
 * commits every put separately, at hundreds of microseconds per put, so a 1M-entry data set is out of
 * reach), beside Cambium, LMDB and the floor on the same data so its table has the same references.
 */
public class MavibotReadBenchmarks extends ReadWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mavibot", "floor"})
    public String store;
    /** Entries in the loaded store. */
    @Param("100000")
    public int entries;
}
