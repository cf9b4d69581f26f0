package dev.cambium.engine.space;

/**
 * Where a revision's durable free-space map is: its root page, the revision that wrote that page, and its number of
 * entries (chunks), which the B+tree writer needs to keep subtree counts exact and which is not on disk (it is
 * counted when the map is loaded). Immutable.
 *
 * @param root         the root page id, 0 for an empty map.
 * @param rootRevision the revision that wrote the root page, 0 for an empty map.
 * @param chunks       the number of entries.
 */
public record FreeSpaceRoot(long root, long rootRevision, long chunks)
{
}
