package dev.cambium.jmh.peers;

import java.util.List;

/** The stores by benchmark name. */
public final class Peers
{
    /** Every store, in the order the report lists them. */
    public static final List<String> ALL = List.of("cambium", "lmdb", "mvstore", "xodus", "mapdb", "mavibot", "floor");

    private Peers()
    {
    }

    /**
     * @param name a name from {@link #ALL}.
     * @return a new, unopened adapter.
     */
    public static Peer create(final String name)
    {
        return switch (name)
        {
            case "cambium" -> new CambiumPeer();
            case "lmdb" -> new LmdbPeer();
            case "mvstore" -> new MvStorePeer();
            case "xodus" -> new XodusPeer();
            case "mapdb" -> new MapDbPeer();
            case "mavibot" -> new MavibotPeer();
            case "floor" -> new FloorPeer();
            default -> throw new IllegalArgumentException("unknown store " + name + "; known: " + ALL);
        };
    }
}
