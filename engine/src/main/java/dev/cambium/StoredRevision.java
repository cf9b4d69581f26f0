package dev.cambium;

import java.time.Instant;
import java.util.Objects;

/**
 * A revision a database file holds a valid meta page for, from {@link Database#revisions(java.nio.file.Path)}:
 * one that {@link DatabaseOptions.Builder#openRevision(long)} can open.
 *
 * @param revision   the revision number.
 * @param commitTime when it was committed (the writer's clock).
 */
public record StoredRevision(long revision, Instant commitTime)
{
    /**
     * @param revision   the revision number.
     * @param commitTime when it was committed; not null.
     */
    public StoredRevision
    {
        Objects.requireNonNull(commitTime, "commitTime");
    }
}
