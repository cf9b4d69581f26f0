package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.DatabaseClosedException;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.NoSuchRevisionException;
import dev.cambium.PageVerification;
import dev.cambium.StorageException;
import dev.cambium.btree.NodeCheck;
import dev.cambium.btree.PageHeader;
import dev.cambium.btree.PageReader;
import dev.cambium.failpoint.Failpoint;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Owns the database file: its {@link Storage}, the page size, the read-only memory mappings and the page
 * verification state.
 *
 * <h2>Threads</h2>
 * <ul>
 *     <li>Reader threads call only {@link #wrap}, and the read-only accessors {@link #pageSize()},
 *     {@link #mappedBytes()}, {@link #writesRefused()}, {@link #openedMeta()}, {@link #created()},
 *     {@link #fileSize()} and {@link #isClosed()}.</li>
 *     <li>Everything else ({@link #ensureCapacity}, {@link #writePages}, {@link #force}, {@link #writeMeta},
 *     {@link #mapUpTo}, {@link #shrinkFile}, {@link #close}) is called by the single writer thread (or, for
 *     {@link #close}, once no reader can call {@link #wrap} any more); {@link #writePages}, {@link #force} and
 *     {@link #writeMeta} also by a group commit's leader, as their javadoc says.</li>
 * </ul>
 *
 * <h2>A commit, in order</h2>
 * <ol>
 *     <li>{@link #ensureCapacity}(highWater): grow the file if needed (its new end page, or real zeros for writes
 *     through a mapping);</li>
 *     <li>{@link #writePages}: checksum and write the new pages;</li>
 *     <li>{@link #force()} (SYNC durability, unless the store {@link #listsUnforcedPages() lists unforced pages}):
 *     the pages are durable before any meta points at them;</li>
 *     <li>{@link #writeMeta}, then {@link #force()} (again);</li>
 *     <li>{@link #mapUpTo}(highWater), then publish the revision to readers.</li>
 * </ol>
 *
 * <h2>Happens-before</h2>
 * A page written by {@link #writePages} and covered by {@link #mapUpTo} before the revision is published is
 * visible to readers that pin that revision. The mapping array is published through a volatile field, so a
 * reader that acquires the revision (a volatile read in the revision manager, ordered after this volatile write)
 * sees mappings at least that large. The page bytes themselves travel through the kernel's unified page cache:
 * a completed {@code pwrite} is visible to every mapping of the same file on the same host, which the JMM does not
 * describe but Linux, macOS and Windows (for local files) guarantee.
 *
 * <h2>Parts</h2>
 * {@link PageStoreOpener} opens the file. It is mapped read-only in segments of
 * {@link DatabaseOptions#mapSegmentSize()} bytes that are never unmapped while the store is open
 * ({@link MappedSegments} says why); {@link FileLength} grows and truncates the file, {@link PageRuns} writes the
 * pages, {@link CommitForces} forces the file, writes the meta pages between the forces (through {@link MetaSlots},
 * listing the {@link UnforcedPages}) and refuses writes after a failed force, and {@link PageVerifier} checks pages
 * and keeps the bitmap of verified ones. The read path
 * ({@link #wrap}) reads only this class's fields and calls only static methods, so that it stays as short as when
 * all of it lived here.
 */
public final class PageStore implements AutoCloseable
{
    private static final long[] NONE_LEFT_OUT = new long[0];

    private final Storage storage;
    private final Path path;
    private final int pageSize;
    private final int pageShift;
    private final int segmentShift;
    private final long segmentMask;
    private final boolean verifyEveryRead;
    private final Meta openedMeta;
    /**
     * Pages below this id were allocated by a revision before this open (or are meta pages): they hold data (see
     * {@link #holdsData}). Lowered by a truncation below it. Writer thread; volatile for the leader.
     */
    private volatile long dataBelowAtOpen;
    /**
     * The revision the file was opened at. A page this process did not write belongs to that revision or an older
     * one, so its header's revision can be no greater (enforced in {@link #verify}).
     */
    private final long openedRevision;
    private final boolean created;
    private final MetaSelector.Selection selection;

    /** Read by readers on every {@link #wrap}; written only by the writer. */
    private volatile MappedSegments.Mapping mapping;
    /** Derives the next mapping and keeps the superseded segments. Writer only. */
    private final MappedSegments segments;
    /**
     * Bit p set means page p was written by this process since open or, in FIRST_READ mode only, that its current
     * content passed verification. FIRST_READ skips verifying a marked page and checks an unmarked one's written
     * revision against {@link #openedRevision}; EVERY_READ verifies every read and consults the bitmap only for a
     * page written after {@link #openedRevision}, which must be one this process wrote (its readers never mark).
     * Grown by the writer by copying; a bit a reader sets in the old array during the copy is lost, which only costs
     * a second verification. Bits are never cleared, so a race can lose a bit but never invent one (the writer's own
     * bits are never lost: it grows and marks on one thread).
     */
    private volatile long[] verified;
    /** The file's length (volatile inside: {@code Database.stats()} reads it from any thread). */
    private final FileLength length;
    /** Stamps and writes the commits' pages (writer thread only). */
    private final PageRuns runs;
    /** The forces, the meta writes and the refusal of writes (threads: see {@link CommitForces}). */
    private final CommitForces forces;
    /** Set once by {@link #close}; read by every transaction call on any thread (see {@link #isClosed()}). */
    private volatile boolean closed;

    /** Called by {@link PageStoreOpener} only. */
    PageStore(
        final Storage storage,
        final DatabaseOptions options,
        final Meta meta,
        final boolean created,
        final MetaSelector.Selection selection)
    {
        this.storage = storage;
        this.path = storage.path();
        this.pageSize = meta.pageSize();
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        final long segmentSize = options.mapSegmentSize();
        this.segmentShift = Long.numberOfTrailingZeros(segmentSize);
        this.segmentMask = segmentSize - 1;
        if (Long.bitCount(segmentSize) != 1 || segmentSize < pageSize)
        {
            throw new IllegalArgumentException("mapSegmentSize " + segmentSize +
                " must be a power of two and a multiple of the page size " + pageSize);
        }
        this.verifyEveryRead = options.pageVerification() == PageVerification.EVERY_READ;
        this.openedMeta = meta;
        this.dataBelowAtOpen = meta.highWater();
        this.openedRevision = meta.revision();
        this.created = created;
        this.selection = selection;
        // Data pages only: the meta pages keep their positional writes. False where it cannot: all stay so.
        final boolean mappedWrites = options.mappedWrites() && storage.mapWrites(Meta.FIRST_DATA_PAGE << pageShift);
        this.length = new FileLength(storage, pageSize, options.minGrowth(), options.maxGrowth(), mappedWrites);
        this.runs = new PageRuns(storage, pageSize, !mappedWrites);
        // Writes through a mapping reach the file when the kernel writes the mapping back, not in the order of the
        // calls: they keep forcing their data before the meta.
        final boolean listed = options.durability() == Durability.SYNC && !mappedWrites;
        this.forces = new CommitForces(storage, length, new MetaSlots(storage, meta, selection), pageSize, listed);
        this.segments = new MappedSegments(storage, segmentSize, pageShift);
        this.mapping = MappedSegments.empty();
        this.verified = new long[0];
        growBitmap(length.size() >>> pageShift);
        mapping = segments.remap(mapping, length.size());
    }

    /**
     * Opens or creates the database file. Called once, by the opening thread, before any other thread sees the
     * store. A missing or empty file becomes a new database (both meta pages at revision 0, empty catalog, high-water
     * mark 2, page size from {@code options}), created crash-safely by {@link DatabaseFile}. An existing file keeps
     * its own page size; {@link MetaSelector} picks its meta. The file's {@link DatabaseLock} is taken first and held
     * until {@link #close} (or released at once if the open fails).
     *
     * @param file    the database file.
     * @param options the options.
     * @return the store, with the whole file mapped.
     * @throws dev.cambium.DatabaseLockedException  if the database is open in this JVM or in another process.
     * @throws dev.cambium.NotADatabaseException    if the file is not a Cambium database.
     * @throws CorruptDatabaseException             if both meta pages are damaged.
     * @throws NoSuchRevisionException              if {@link DatabaseOptions#openRevision()} names a revision the
     *                                              file holds no valid meta for (a missing file is not created).
     * @throws StorageException                     if an I/O operation fails.
     */
    public static PageStore open(final Path file, final DatabaseOptions options)
    {
        return open(file, options, StorageDirectory.local());
    }

    /**
     * Like {@link #open(Path, DatabaseOptions)}, with the directory operations given (tests simulate a power loss
     * during creation this way).
     *
     * @param file      the database file.
     * @param options   the options.
     * @param directory the directory operations.
     * @return the store.
     */
    public static PageStore open(final Path file, final DatabaseOptions options, final StorageDirectory directory)
    {
        return PageStoreOpener.open(file, options, directory);
    }

    /**
     * Opens or initialises a database over any {@link Storage} (tests inject faults this way). Like
     * {@link #open(Path, DatabaseOptions)}, but an empty storage is initialised in place (two meta page writes, then
     * an fsync), which a power loss before that fsync can leave half written: only {@link DatabaseFile} creates
     * crash-safely. On failure the storage is left open for the caller to close.
     *
     * @param storage the file.
     * @param options the options.
     * @return the store.
     */
    public static PageStore open(final Storage storage, final DatabaseOptions options)
    {
        return PageStoreOpener.open(storage, options);
    }

    /**
     * @return the meta the database was opened at (for a new file, the initial revision-0 meta). Any thread.
     */
    public Meta openedMeta()
    {
        return openedMeta;
    }

    /**
     * @return how the meta was chosen (log {@link MetaSelector.Selection#describe()} when not both slots were
     * valid), or null if the file was created by this open. Any thread.
     */
    public MetaSelector.Selection selection()
    {
        return selection;
    }

    /**
     * @return the page size of the file. Any thread.
     */
    public int pageSize()
    {
        return pageSize;
    }

    /**
     * @return true if this open initialised the file. Any thread.
     */
    public boolean created()
    {
        return created;
    }

    /**
     * @return the file's path. Any thread.
     */
    public Path path()
    {
        return path;
    }

    // ------------------------------------------------------------------------------------------------ readers

    /**
     * Points {@code view} at page {@code pageId} in the mapping and verifies it per the
     * {@link PageVerification} option. Called concurrently by reader threads (and by the writer to read
     * committed pages); allocation-free unless the page must be verified.
     *
     * <p>Verification checks the CRC32C, the page id in the header, and the revision in the header (the revision
     * that wrote the page): a page this process did not write must be at most the revision the file was opened at
     * (checked the first time it is verified; with {@link PageVerification#EVERY_READ}, on every read), and with
     * {@code EVERY_READ} every page must be at most {@code revision}. A greater one means the file holds a page
     * written by a revision the snapshot cannot contain: after a power loss in
     * {@link dev.cambium.Durability#NO_SYNC} mode, a later commit's write that reached the disk over a page of the
     * revision the file fell back to. The cost is one 8-byte read and a compare per verification. A leaf or branch
     * page must also hold its keys in strictly increasing order with matching key heads ({@link NodeCheck}): one
     * pass over its slots per verification.
     *
     * @param pageId    the page to read.
     * @param highWater the high-water mark of the revision the caller pinned; ids at or past it are not part of
     *                  that revision.
     * @param revision  the revision the caller pinned (its snapshot), at least the revision the file was opened
     *                  at; {@link Long#MAX_VALUE} if unknown (tests), which leaves only the bound of the opened
     *                  revision.
     * @param view      the caller's view, re-wrapped to the page's {@code pageSize} bytes.
     * @throws CorruptDatabaseException if the id is outside {@code [2, highWater)} or the mapped file, the
     *                                  checksum does not match, the header names another page id, the header's
     *                                  revision is later than the bound above, or a leaf's or branch's keys are out
     *                                  of order.
     * @throws DatabaseClosedException  if the store was closed.
     */
    public void wrap(final long pageId, final long highWater, final long revision, final UnsafeBuffer view)
    {
        wrapVerified(pageId, highWater, revision, view, null);
    }

    /**
     * As {@link #wrap(long, long, long, UnsafeBuffer)}, checksumming through the caller's scratch.
     *
     * @param pageId    as there.
     * @param highWater as there.
     * @param revision  as there.
     * @param view      as there.
     * @param checksums the caller's checksum scratch (no allocation per verified page), or {@code null}.
     */
    public void wrap(final long pageId, final long highWater, final long revision, final UnsafeBuffer view,
        final PageChecksum.ScratchSource checksums)
    {
        wrapVerified(pageId, highWater, revision, view, checksums);
    }

    /**
     * Like {@link #wrap(long, long, long, UnsafeBuffer)}, then compares the page's header revision with the one the
     * pointer followed to it records (file format 2). A verified page holding another revision is an older version
     * of itself whose newer write was lost, or another page's content (a misdirected write). Runs on every read,
     * whatever the {@link PageVerification} mode: one 8-byte read from the header's cache line and a compare.
     *
     * @param pageId           the page to read.
     * @param highWater        as for {@link #wrap(long, long, long, UnsafeBuffer)}.
     * @param revision         as for {@link #wrap(long, long, long, UnsafeBuffer)}.
     * @param expectedRevision the revision the pointer to the page records.
     * @param view             the caller's view, re-wrapped to the page's {@code pageSize} bytes.
     * @throws CorruptDatabaseException as for {@link #wrap(long, long, long, UnsafeBuffer)}, or if the header's
     *                                  revision is not {@code expectedRevision}.
     * @throws DatabaseClosedException  if the store was closed.
     */
    public void wrap(
        final long pageId, final long highWater, final long revision, final long expectedRevision,
        final UnsafeBuffer view)
    {
        wrap(pageId, highWater, revision, expectedRevision, view, null);
    }

    /**
     * As {@link #wrap(long, long, long, long, UnsafeBuffer)}, checksumming through the caller's scratch.
     *
     * @param pageId           as there.
     * @param highWater        as there.
     * @param revision         as there.
     * @param expectedRevision as there.
     * @param view             as there.
     * @param checksums        the caller's checksum scratch (no allocation per verified page), or {@code null}.
     */
    public void wrap(
        final long pageId, final long highWater, final long revision, final long expectedRevision,
        final UnsafeBuffer view, final PageChecksum.ScratchSource checksums)
    {
        wrapVerified(pageId, highWater, revision, view, checksums);
        final long written = view.getLong(PageHeader.REVISION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (written != expectedRevision)
        {
            throw revisionMismatch(pageId, expectedRevision, written);
        }
    }

    /**
     * @param pageId   a page.
     * @param expected the revision a pointer to it records.
     * @param found    the revision in its header.
     * @return the exception for a page that is not the version its pointer was written for. Any thread.
     */
    public CorruptDatabaseException revisionMismatch(final long pageId, final long expected, final long found)
    {
        return PageDamage.page(path, pageId, PageReader.mismatchProblem(expected, found));
    }

    private void wrapVerified(final long pageId, final long highWater, final long revision, final UnsafeBuffer view,
        final PageChecksum.ScratchSource checksums)
    {
        final MappedSegments.Mapping m = mapping;
        if (pageId < Meta.FIRST_DATA_PAGE || pageId >= highWater || pageId >= m.pages)
        {
            throw outOfRange(pageId, highWater, m);
        }
        final long offset = pageId << pageShift;
        final MappedByteBuffer segment = m.segments[(int)(offset >>> segmentShift)];
        final int inSegment = (int)(offset & segmentMask);
        view.wrap(segment, inSegment, pageSize);
        if (verifyEveryRead)
        {
            final long written = PageVerifier.verify(path, pageSize, pageId, segment, inSegment, view, revision,
                checksums);
            // Only a page newer than the opened revision needs the bitmap: it must be one this process wrote.
            if (written > openedRevision && !PageVerifier.isVerified(verified, pageId))
            {
                throw PageVerifier.writtenLater(path, pageId, written, openedRevision);
            }
        }
        else if (!PageVerifier.isVerified(verified, pageId))
        {
            PageVerifier.verify(path, pageSize, pageId, segment, inSegment, view, openedRevision, checksums);
            PageVerifier.markVerified(verified, pageId);
        }
    }

    /**
     * Loads the first word of a page without checking it (see {@link dev.cambium.btree.PageReader#prefetch}): only
     * if the id lies in {@code [2, highWater)} and inside the current mapping, as {@link #wrap} requires before it
     * points a view at a page. Never throws; any thread.
     *
     * @param pageId    a page id, possibly invalid.
     * @param highWater the caller's revision's high-water mark.
     * @return the word loaded, or 0 if the id is outside the range.
     */
    public long prefetch(final long pageId, final long highWater)
    {
        final MappedSegments.Mapping m = mapping;
        if (pageId < Meta.FIRST_DATA_PAGE || pageId >= highWater || pageId >= m.pages)
        {
            return 0;
        }
        final long offset = pageId << pageShift;
        return m.segments[(int)(offset >>> segmentShift)].getLong((int)(offset & segmentMask));
    }

    private RuntimeException outOfRange(final long pageId, final long highWater, final MappedSegments.Mapping m)
    {
        if (m == MappedSegments.Mapping.CLOSED)
        {
            return new DatabaseClosedException("the page store of " + path + " is closed");
        }
        if (pageId < Meta.FIRST_DATA_PAGE || pageId >= highWater)
        {
            return new CorruptDatabaseException("page id " + pageId + " is outside the valid range [2, " +
                highWater + ") of " + path);
        }
        return new CorruptDatabaseException("page " + pageId + " lies beyond the mapped length of " + path + " (" +
            m.bytes + " bytes, " + m.pages + " pages)");
    }

    /**
     * Reads whole pages as they are in the file now, without verifying them: for a backup, which copies every page
     * below a pinned revision's high-water mark (the pages that revision can see are stable while it is pinned; the
     * others may be being rewritten, and the copy never reads them). Any thread; a positional read, no mapping.
     *
     * @param firstPage the first page id.
     * @param dst       receives {@code dst.remaining()} bytes, a whole number of pages.
     * @throws IllegalArgumentException if {@code dst.remaining()} is not a multiple of the page size.
     * @throws dev.cambium.StorageException if the read fails or the file ends first.
     */
    public void readPages(final long firstPage, final ByteBuffer dst)
    {
        if ((dst.remaining() & (pageSize - 1)) != 0)
        {
            throw new IllegalArgumentException(dst.remaining() + " bytes is not a whole number of pages");
        }
        length.readInside(firstPage << pageShift, dst);
    }

    /**
     * @return the number of bytes of the file currently mapped (readable through {@link #wrap}). Any thread.
     */
    public long mappedBytes()
    {
        return mapping.bytes;
    }

    /**
     * @return true once a force has failed, or a commit failed after it started writing its meta page; from then
     * on every write operation throws until the database is reopened. Any thread.
     */
    public boolean writesRefused()
    {
        return forces.refused();
    }

    // ------------------------------------------------------------------------------------------------- writer

    /**
     * @return the file's length as the writer last grew or observed it. Any thread: a reader sees the length at
     * some point no earlier than the last commit it observed.
     */
    public long fileSize()
    {
        return length.size();
    }

    /**
     * Makes the file at least {@code highWater * pageSize} bytes long. If it is shorter, grows it to
     * {@code max(needed, size + clamp(size / 4, minGrowth, maxGrowth))}, rounded up to a page: with one zero page at
     * the new end (the pages before it a hole that page writes fill), or, when the data pages are written through a
     * mapping, with real zeros over the whole new part (a store into a hole on a full disk would raise SIGBUS). See
     * {@code FileLength.grow}. The next {@link #force()} then forces metadata. The new part is not mapped until
     * {@link #mapUpTo}. Writer thread.
     *
     * @param highWater the high-water mark the next commit needs.
     * @throws StorageException if a write fails or writes are refused.
     */
    public void ensureCapacity(final long highWater)
    {
        checkWritable();
        if (length.grow(requiredBytes(highWater)))
        {
            growBitmap(length.size() >>> pageShift);
        }
    }

    /**
     * Whether a write over the page should not need a new block of the file system: the page lies below the
     * high-water mark the file was opened at (every such page was allocated by a revision, and all but one kind were
     * written: see below), or this process wrote or read and verified it since. A page of the part of the file grown
     * since the open and not yet written is a hole. A page write that fails for want of space fails only its commit
     * when the committing thread makes it; the group commit's leader therefore writes only pages for which this is
     * true ({@code engine.txn.DeferredPages}). The exception: a page allocated and freed within one transaction, in
     * space grown for it, was never written; if a later process reuses it and the disk is full at that moment, the
     * leader's write fails, and the batch with it (writes refused until reopened; nothing committed is lost). Any
     * thread.
     *
     * @param pageId a data page below the file's end.
     * @return true if the page is known to hold written data.
     */
    public boolean holdsData(final long pageId)
    {
        return pageId < dataBelowAtOpen || PageVerifier.isVerified(verified, pageId);
    }

    /**
     * Stamps each page's CRC32C (over [4, pageSize), little-endian at offset 0) and writes it at
     * {@code pageId * pageSize}: one positional write per page, or per run of adjacent ids when the commit's pages
     * are mostly adjacent, as in a sequential load ({@link PageRuns} says when and why). The pages are then
     * marked verified. The buffers' content is not changed except the checksum, nor their position,
     * limit or order. The write-gate holder, or a group commit's leader (one call at a time: they take turns on a
     * lock); the pages must lie inside the file ({@link #ensureCapacity} first).
     *
     * @param pageIds ids, strictly ascending, at least 2; {@code pageIds[i]} is written from {@code pages[i]}.
     * @param pages   pages at index 0 with a limit of at least {@code pageSize} (normally position 0, limit
     *                pageSize), whose header page id equals the id.
     * @param count   how many entries of the arrays to write.
     * @throws StorageException          if a write fails or writes are refused.
     * @throws IllegalArgumentException  if the ids are not ascending, a page is too small or names another id.
     * @throws IllegalStateException     if a page lies beyond the file.
     */
    public void writePages(final long[] pageIds, final ByteBuffer[] pages, final int count)
    {
        checkWritable();
        // Checked first, so a bad argument writes nothing.
        final int adjacentRuns = PageRuns.check(pageIds, pages, count, pageSize, length.size() >>> pageShift);
        // One writer at a time: the gate holder, or with group commit also a batch's leader (DeferredPages).
        synchronized (runs)
        {
            forces.discardNewerMeta();
            final boolean inRuns = runs.inRuns(count, adjacentRuns);
            int i = 0;
            while (i < count)
            {
                final int end = runs.writeRun(pageIds, pages, i, count, inRuns);
                for (; i < end; i++)
                {
                    PageVerifier.markVerified(verified, pageIds[i]);
                    forces.written(pageIds[i], pages[i]);
                }
            }
        }
    }

    /**
     * Writes the whole meta page (the 256-byte record, the list of unforced pages if this store
     * {@link #listsUnforcedPages() lists them}, then zeros to the page size) to the slot that does not hold the newest
     * meta written or opened (so never over the newest durable meta; with one commit per meta write this is slot
     * {@code revision & 1}). As {@link #writeMeta(Meta, long[])} with no page left out. The group-commit leader (one
     * thread at a time, possibly while the writer writes pages); a store that lists nothing needs its data pages forced
     * first, so that the meta never points at pages that are not durable.
     *
     * @param meta the meta to write; its high-water mark must fit in the file.
     * @throws StorageException if a write or a force fails, or writes are refused.
     */
    public void writeMeta(final Meta meta)
    {
        writeMeta(meta, NONE_LEFT_OUT);
    }

    /**
     * @return true if a durable commit needs no force of its data before {@link #writeMeta(Meta, long[])}: the meta
     * then lists the unforced pages, or forces them first if they do not fit ({@link MetaCodec}, "The page list").
     * Any thread.
     */
    public boolean listsUnforcedPages()
    {
        return forces.listsUnforcedPages();
    }

    /**
     * As {@link #writeMeta(Meta)}. If this store {@link #listsUnforcedPages() lists unforced pages}, the meta page
     * lists every page of the meta's revision or an older one written since the last completed force, except
     * {@code leftOut}; if some unforced write was not recorded (more than a meta page lists), it forces first and
     * writes no list. {@code leftOut} must name the pages the meta's own batch wrote and made obsolete
     * ({@link CommitForces#writeMeta} says why). The meta is checked here; {@link CommitForces} writes it.
     *
     * @param meta    the meta to write.
     * @param leftOut page ids not to list, ascending.
     * @throws StorageException if a write or the force fails, or writes are refused.
     */
    public void writeMeta(final Meta meta, final long[] leftOut)
    {
        checkWritable();
        if (meta.pageSize() != pageSize)
        {
            throw new IllegalArgumentException("meta page size " + meta.pageSize() + " != " + pageSize);
        }
        final long fileSize = length.size();
        if (meta.requiredFileLength() > fileSize)
        {
            throw new IllegalStateException("meta high-water mark " + meta.highWater() +
                " exceeds the file (" + fileSize + " bytes); a reopen would reject it");
        }
        forces.writeMeta(meta, leftOut);
    }

    /**
     * Gives the free end of the file back to the file system: truncates the file to the highest of
     * {@code highWater} and the high-water marks of both meta slots, if it is longer (docs/design.md, "Shrinking
     * the file"). Unless {@code exact}, only when the free end is larger than the growth step the next commit would
     * add, so that a commit and the next do not shrink and grow the file in turn.
     *
     * <p>The caller guarantees that no live revision references a page at or above {@code highWater} (the writer
     * lowers its mark only over free pages). Readers are bounded by the new length first (the mapping's page count
     * is lowered before the truncation), so a damaged pointer past the end is reported, never read; the mapped
     * segments themselves are kept (unmapping under a reader would crash the JVM) and cover the truncated range
     * until the file grows again. Under {@code SYNC} both metas are durable before this is called; under
     * {@code NO_SYNC} nothing is forced, as that mode promises.
     *
     * @param highWater the newest revision's high-water mark.
     * @param exact     true to truncate however little would be freed (at close, after a compaction).
     * @return the bytes given back (0 if none).
     * @throws StorageException if the truncation fails or writes are refused; the store then refuses writes.
     */
    public long shrinkFile(final long highWater, final boolean exact)
    {
        checkWritable();
        final long keep = requiredBytes(Math.max(highWater, forces.slotsHighWater()));
        final long before = length.size();
        final long excess = before - keep;
        if (excess <= 0 || (!exact && excess <= length.growthStep(keep)))
        {
            return 0;
        }
        final MappedSegments.Mapping m = mapping;
        if (m.bytes > keep)
        {
            mapping = segments.lowered(m, keep);
        }
        Failpoint.BEFORE_TRUNCATE.hit();
        try
        {
            length.truncate(keep);
            // The cut-off pages are no longer data (holdsData).
            PageVerifier.clearFrom(verified, keep >>> pageShift);
            dataBelowAtOpen = Math.min(dataBelowAtOpen, keep >>> pageShift);
        }
        catch (final RuntimeException | Error e)
        {
            // The length is unknown now: stop writing rather than grow from a wrong size.
            refuseWrites("truncating the file failed", e);
            throw e;
        }
        Failpoint.AFTER_TRUNCATE.hit();
        return before - keep;
    }

    /**
     * Forces written data to the device: with metadata ({@code fsync}) if the file grew since the last force,
     * else data only ({@code fdatasync}). If the force fails, the store refuses every later write operation until
     * reopened (the kernel may have dropped the dirty pages, so retrying and assuming success would lie); reads
     * keep working. The group-commit leader (one thread at a time, possibly while the writer writes pages or grows
     * the file), or the writer.
     *
     * @throws StorageException if the force fails or writes are refused.
     */
    public void force()
    {
        checkOpen();
        forces.force();
    }

    /**
     * Makes every later write operation fail until the database is reopened. Used after a failed
     * force, and by a commit that failed after it started writing its meta page: the file may then
     * hold a meta that the in-memory state does not know, and a further commit reusing the same
     * revision and page ids could overwrite pages that meta points at. The first reason is kept (a
     * failed meta force is reported as the failed fsync it was, not as the commit failure it
     * caused). The writer thread, or a group commit's leader (whose failed force refuses writes too).
     *
     * @param reason why, for the exception message.
     * @param cause  the failure.
     */
    public void refuseWrites(final String reason, final Throwable cause)
    {
        forces.refuse(reason, cause);
    }

    /**
     * Extends the read-only mappings to cover the whole file, which must hold at least {@code highWater} pages.
     * Call after a commit's forces and before publishing the revision. Reuses unchanged segments, maps the grown
     * last segment again (the old mapping stays referenced until {@link #close()}), and publishes the new segment
     * array through a volatile write. Allowed after a force failure (it only reads). Writer thread.
     *
     * @param highWater the high-water mark about to be published.
     * @throws StorageException if mapping fails.
     */
    public void mapUpTo(final long highWater)
    {
        checkOpen();
        final long needed = requiredBytes(highWater);
        final long fileSize = length.size();
        if (needed > fileSize)
        {
            throw new IllegalStateException("high-water mark " + highWater + " exceeds the file (" + fileSize +
                " bytes)");
        }
        if (fileSize > mapping.bytes)
        {
            mapping = segments.remap(mapping, fileSize);
        }
    }

    private void growBitmap(final long pages)
    {
        final long[] old = verified;
        final long[] grown = PageVerifier.grown(old, pages);
        if (grown != old)
        {
            verified = grown;
        }
    }

    private long requiredBytes(final long highWater)
    {
        if (highWater < Meta.FIRST_DATA_PAGE || highWater > (Long.MAX_VALUE >>> pageShift))
        {
            throw new IllegalArgumentException("high-water mark " + highWater + " is out of range");
        }
        return highWater << pageShift;
    }

    /**
     * @return true once {@link #close()} has begun. Any thread; the volatile write in {@code close()} happens-before a
     * read that returns true, so a transaction that checks this before each call stops at the first call after the
     * database is closed.
     */
    public boolean isClosed()
    {
        return closed;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new DatabaseClosedException("the page store of " + path + " is closed");
        }
    }

    /**
     * Throws if the store refuses writes (after a failed force or a commit that failed after its meta
     * write), naming the reason and carrying the original failure as the cause. Writer thread.
     *
     * @throws StorageException          if writes are refused.
     * @throws DatabaseClosedException   if the store is closed.
     */
    public void checkWritable()
    {
        checkOpen();
        forces.checkWritable();
    }

    /**
     * Closes the file and drops this store's references to its mappings; they are unmapped by the garbage
     * collector once no reader's view references them (never explicitly: unmapping under a running reader would
     * crash the JVM). Later {@link #wrap} calls throw {@link DatabaseClosedException}. Idempotent. Writer thread,
     * once no new reads can start.
     *
     * @throws StorageException if closing the file fails.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        mapping = MappedSegments.Mapping.CLOSED;
        verified = new long[0];
        segments.clear();
        storage.close();
    }
}
