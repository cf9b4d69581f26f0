package dev.cambium.engine.store;

import dev.cambium.StorageException;
import dev.cambium.btree.PageHeader;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What makes written pages durable, in order: the forces of the file, the meta page written between them (through
 * {@link MetaSlots}, listing the pages no force has covered yet: {@link UnforcedPages}), and the refusal of every later
 * write once a force failed. {@link PageStore} checks that the store is open and that a meta fits the file, writes the
 * pages ({@link PageRuns}) and reports each one to {@link #written}; this class never calls back into it.
 *
 * <p>Invariants, and where they are enforced:
 * <ul>
 *     <li>no meta points at a page a power loss may drop: {@link #writeMeta} lists every unforced page of the meta's
 *     revision or an older one, or, when they do not fit, forces them before writing the meta (docs/design.md,
 *     section 3, "One force per batch"); an open checks the list ({@link MetaSelector});</li>
 *     <li>a force forgets only the writes made before it started: {@link #force} takes {@link UnforcedPages#mark}
 *     before the force and passes it to {@link UnforcedPages#forced} after;</li>
 *     <li>a newer revision's meta page, left by an open at an older revision, is erased and the erasure forced before
 *     the first page or meta write ({@link #discardNewerMeta});</li>
 *     <li>a failed force is never retried and assumed to have succeeded: it makes every later write operation fail
 *     until reopened ({@link #checkWritable}), as do the other failures {@code PageStore.refuseWrites} names.</li>
 * </ul>
 *
 * <p>Threads: {@link #written} by whoever writes pages, one at a time under {@code PageStore.writePages}'s lock (the
 * write-gate holder, or a group commit's leader); {@link #force} and {@link #writeMeta} by the group-commit leader (one
 * thread at a time, possibly while the writer writes pages or grows the file) or the writer;
 * {@link #discardNewerMeta} by both, from {@code PageStore.writePages} and {@link #writeMeta}; {@link #refuse} by the
 * writer and whoever forces; {@link #refused}, {@link #checkWritable} and {@link #listsUnforcedPages} by any thread.
 */
final class CommitForces
{
    private static final String FORCE_FAILED = "a previous fsync failed";

    private final Storage storage;
    private final Path path;
    /** Says whether a force must carry the metadata (the file grew since the last one). */
    private final FileLength length;
    /** The meta slots. The group-commit leader, or the writer (see {@link #writeMeta}). */
    private final MetaSlots slots;
    /** The pages written since the last completed force, listed by a single-force commit's meta; null if none. */
    private final UnforcedPages unforced;
    /** The list of the meta being written. The group-commit leader only (one at a time). */
    private final long[] listIds;
    private final int[] listChecksums;
    private volatile boolean writesRefused;
    private volatile String refusalReason = FORCE_FAILED;
    private Throwable refusalCause;

    /**
     * @param storage  the file.
     * @param length   its length, which says whether a force must carry the metadata.
     * @param slots    the meta slots.
     * @param pageSize the page size.
     * @param listed   whether a meta page lists the unforced pages: only under {@code SYNC} without
     *                 {@code mappedWrites} (whose writes reach the file in no order the list could check).
     */
    CommitForces(final Storage storage, final FileLength length, final MetaSlots slots, final int pageSize,
        final boolean listed)
    {
        this.storage = storage;
        this.path = storage.path();
        this.length = length;
        this.slots = slots;
        final int capacity = MetaCodec.listCapacity(pageSize);
        this.unforced = listed ? new UnforcedPages(capacity) : null;
        this.listIds = listed ? new long[capacity] : null;
        this.listChecksums = listed ? new int[capacity] : null;
    }

    /**
     * @return true if a durable commit needs no force of its data before {@link #writeMeta}. Any thread.
     */
    boolean listsUnforcedPages()
    {
        return unforced != null;
    }

    /**
     * @return the higher of the two meta slots' high-water marks: the lowest the file may be truncated to. The writer
     * (as {@link MetaSlots#highWater()}).
     */
    long slotsHighWater()
    {
        return slots.highWater();
    }

    /**
     * Records a page write that returned, with the checksum stamped in it and the revision in its header, for the
     * next meta's list. Whoever writes pages, under {@code PageStore.writePages}'s lock.
     *
     * @param pageId the page.
     * @param page   the page as written, at index 0.
     */
    void written(final long pageId, final ByteBuffer page)
    {
        if (unforced != null)
        {
            unforced.add(pageId, PageChecksum.stored(page, 0), PageRuns.headerLong(page, PageHeader.REVISION_OFFSET));
        }
    }

    /**
     * When the database was opened at a requested revision older than the other meta page's, the first commit
     * erases that newer meta page and forces the erasure before writing anything else: the commit writes over
     * pages the older revision does not use, which include the newer revision's pages, and a crash before the new
     * meta is durable must not leave a valid meta pointing at them (the next open would choose it, as the newest).
     * Forced whatever the durability mode, once per such open. Called before every page write and meta write.
     *
     * @throws StorageException if the write or the force fails, or writes are refused.
     */
    void discardNewerMeta()
    {
        if (slots.eraseNewer())
        {
            force();
            slots.newerErased();
        }
    }

    /**
     * Writes the meta page to the slot that does not hold the newest meta written or opened ({@link MetaSlots}). If
     * this store {@link #listsUnforcedPages() lists unforced pages}, the meta page lists every page of the meta's
     * revision or an older one written since the last completed force, except {@code leftOut}; if some unforced write
     * was not recorded (more than a meta page lists), it forces first and writes no list. A store that lists nothing
     * ({@code NO_SYNC}, or {@code mappedWrites}) writes the meta with no list; under {@code SYNC} its caller has forced
     * the data pages first.
     *
     * <p>{@code leftOut} must name the pages the meta's own batch wrote and made obsolete: they become free as soon
     * as the batch is durable, so a later batch may overwrite them while this meta is still the newest durable one,
     * and a list naming them would then fail the check at open. Every other listed page is referenced by the meta
     * and keeps its content until a newer meta is durable.
     *
     * @param meta    the meta, checked by the caller against the page size and the file.
     * @param leftOut page ids not to list, ascending.
     * @throws StorageException if a write or a force fails, or writes are refused.
     */
    void writeMeta(final Meta meta, final long[] leftOut)
    {
        slots.replaceNewerIfNext();
        discardNewerMeta();
        final int listed = unforced == null ? 0 : unforced.copyTo(listIds, listChecksums, leftOut, meta.revision());
        if (listed < 0)
        {
            force();
            slots.write(meta);
        }
        else
        {
            slots.write(meta, listIds, listChecksums, listed);
        }
    }

    /**
     * Forces written data to the device: with metadata ({@code fsync}) if the file grew since the last force, else
     * data only ({@code fdatasync}). A failure refuses every later write (see {@link #refuse}).
     *
     * @throws StorageException if the force fails or writes are refused.
     */
    void force()
    {
        checkWritable();
        // Cleared before the force: a growth finished after this read sets it again for the next force.
        final boolean metadata = length.takeGrownSinceForce();
        // Taken before the force: what is written after it may not be covered.
        final long mark = unforced == null ? 0 : unforced.mark();
        try
        {
            storage.force(metadata);
            if (unforced != null)
            {
                unforced.forced(mark);
            }
        }
        catch (final StorageException | Error e)
        {
            refuse(FORCE_FAILED, e);
            throw e;
        }
        catch (final RuntimeException e)
        {
            refuse(FORCE_FAILED, e);
            throw new StorageException("force of " + path + " failed: " + e, e);
        }
    }

    /**
     * Makes every later write operation fail until the database is reopened; the first reason is kept. The writer and
     * a group commit's leader may both fail at once (a commit failing while the leader's force fails): synchronized, so
     * that the reason and the cause kept are those of one failure, the first. The volatile write of the flag comes last,
     * so a thread that reads it set also reads that reason and cause.
     *
     * @param reason why, for the exception message.
     * @param cause  the failure.
     */
    synchronized void refuse(final String reason, final Throwable cause)
    {
        if (writesRefused)
        {
            return;
        }
        refusalCause = cause;
        refusalReason = reason;
        writesRefused = true;
    }

    /**
     * @return true once writes are refused. Any thread.
     */
    boolean refused()
    {
        return writesRefused;
    }

    /**
     * @throws StorageException if writes are refused, naming the reason and carrying the original failure as the
     *                          cause.
     */
    void checkWritable()
    {
        if (writesRefused)
        {
            throw new StorageException(path + ": " + refusalReason + "; the database refuses writes until reopened",
                refusalCause);
        }
    }
}
