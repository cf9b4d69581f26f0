package dev.cambium.engine.store;

import java.nio.ByteBuffer;

/**
 * The two meta page slots as this store knows them: which holds the newest meta (the next goes to the other), each
 * slot's high-water mark (the file is never truncated below either), and a newer revision's meta page still to be
 * erased when the file was opened at an older revision. {@link CommitForces} checks that writes are allowed, forces
 * and builds the meta's page list; this class only writes the slots and keeps their state.
 *
 * <p>Threads: the writer thread and the group-commit leader, one at a time as {@link CommitForces} documents for its
 * callers ({@code writeMeta} by the leader, the erase by the first page write or meta write).
 */
final class MetaSlots
{
    private final Storage storage;
    private final int pageSize;
    private final int pageShift;
    /**
     * The meta slot holding the newest meta page this store wrote or opened: the next meta goes to the other one, so
     * the newest durable meta is never overwritten (with group commit a revision's parity says nothing about where
     * the newest meta is). Written by {@link #write} only (one group-commit leader at a time).
     */
    private int newestMetaSlot;
    private final ByteBuffer metaPage;
    /** The end of the page list {@link #metaPage} holds from the last write; bytes from there on are zero. */
    private int listEnd = MetaCodec.LIST_OFFSET;
    /** File offset of a newer revision's meta page to erase before the first write, or -1; see {@link #eraseNewer}. */
    private long discardMetaOffset;
    /**
     * The high-water mark of the meta in each slot as far as this process knows (0 for a slot holding no valid
     * meta): the file is never truncated below either, since an open after a crash may choose either slot.
     */
    private final long[] slotHighWater = new long[2];

    /**
     * @param storage   the file.
     * @param meta      the meta the file was opened at.
     * @param selection how it was chosen, or null for a file this open created (revision 0 in both slots).
     */
    MetaSlots(final Storage storage, final Meta meta, final MetaSelector.Selection selection)
    {
        this.storage = storage;
        this.pageSize = meta.pageSize();
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.metaPage = ByteBuffer.allocateDirect(pageSize);
        final MetaCodec.Candidate newer = selection == null ? null : selection.newer();
        this.discardMetaOffset = newer == null ? -1 : newer.offset();
        this.newestMetaSlot = selection == null ? 0 : selection.chosenSlot();
        if (selection == null)
        {
            slotHighWater[0] = meta.highWater(); // a new file: revision 0 in both slots
            slotHighWater[1] = meta.highWater();
        }
        else
        {
            slotHighWater[0] = selection.slot0().valid() ? selection.slot0().meta().highWater() : 0;
            slotHighWater[1] = selection.slot1().valid() ? selection.slot1().meta().highWater() : 0;
        }
    }

    /**
     * @return the higher of the two slots' high-water marks: the lowest the file may be truncated to.
     */
    long highWater()
    {
        return Math.max(slotHighWater[0], slotHighWater[1]);
    }

    /**
     * Writes zeros over the newer revision's meta page, if one is still to be erased. The caller then forces and
     * calls {@link #newerErased()} (see {@link CommitForces#discardNewerMeta}).
     *
     * @return true if it wrote, false if there was nothing to erase.
     * @throws dev.cambium.StorageException if the write fails.
     */
    boolean eraseNewer()
    {
        if (discardMetaOffset < 0)
        {
            return false;
        }
        storage.write(ByteBuffer.allocate(pageSize), discardMetaOffset);
        return true;
    }

    /**
     * Records that the erasure written by {@link #eraseNewer()} is durable: its slot holds no valid meta.
     */
    void newerErased()
    {
        slotHighWater[(int)(discardMetaOffset >>> pageShift)] = 0;
        discardMetaOffset = -1;
    }

    /**
     * Before {@link #write}: if the slot it will write is the one still to be erased, the write replaces the erasure.
     */
    void replaceNewerIfNext()
    {
        if (discardMetaOffset == (long)(1 - newestMetaSlot) << pageShift)
        {
            discardMetaOffset = -1; // this write replaces it
        }
    }

    /**
     * Writes the whole meta page (the 256-byte record, then zeros to the page size) to the slot that does not hold
     * the newest meta written or opened, and makes it the newest.
     *
     * @param meta the meta, checked by the caller.
     * @throws dev.cambium.StorageException if the write fails; the slot's content is then unknown.
     */
    void write(final Meta meta)
    {
        write(meta, null, null, 0);
    }

    /**
     * As {@link #write(Meta)}, with a list of the pages written since the last completed force ({@link MetaCodec},
     * "The page list").
     *
     * @param meta      the meta, checked by the caller.
     * @param pageIds   the unforced pages, or null if {@code listed} is 0.
     * @param checksums their checksums, parallel.
     * @param listed    how many; at most {@link MetaCodec#listCapacity} of the page size.
     * @throws dev.cambium.StorageException if the write fails; the slot's content is then unknown.
     */
    void write(final Meta meta, final long[] pageIds, final int[] checksums, final int listed)
    {
        final int slot = 1 - newestMetaSlot;
        // Bytes of metaPage past the record hold the list of the last meta written with one (zeroed here from the
        // end of this list to the end of that one), then zeros from the allocation.
        final int listChecksum = MetaCodec.encodeList(metaPage, pageIds, checksums, listed, listEnd);
        listEnd = MetaCodec.LIST_OFFSET + listed * MetaCodec.LIST_ENTRY_LENGTH;
        MetaCodec.encode(meta, metaPage, listed, listChecksum);
        // Counted before the write: if the write fails the slot's content is unknown, and writes are refused.
        slotHighWater[slot] = Math.max(slotHighWater[slot], meta.highWater());
        storage.write(metaPage.duplicate().limit(pageSize).position(0), (long)slot << pageShift);
        slotHighWater[slot] = meta.highWater();
        newestMetaSlot = slot;
    }
}
