package dev.cambium.jmh.peers;

import org.openjdk.jmh.annotations.Param;

/**
 * Mavibot's loads: the {@link LoadWorkloads} with 10,000 entries beside Cambium and LMDB. Mavibot
 * commits each put separately (its multi-operation transactions are broken in 1.0.0-M8), so a
 * 1,000-entry "transaction" is 1,000 commits, at hundreds of microseconds per put: 10,000 entries
 * keep its five loads per workload within a minute or so.
 */
public class MavibotLoadBenchmarks extends LoadWorkloads
{
    /** The store. */
    @Param({"cambium", "lmdb", "mavibot"})
    public String store;
    /** Entries loaded. */
    @Param("10000")
    public int entries;
}
