package dev.cambium.engine.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Byte layout of the 256-byte meta record at the start of meta page 0 (file offset 0) and meta page 1 (file
 * offset {@code pageSize}). The rest of each meta page is zero. All fields are little-endian and unsigned on disk;
 * values above {@link Long#MAX_VALUE} are rejected.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 CRC32C of bytes [4, 256)                      |   0
 *  +---------------------------------------------------------------+
 *  |         magic 0x4D424D43 (bytes 'C' 'M' 'B' 'M')              |   4
 *  +-------------------------------+-------------------------------+
 *  |      format version = 2       |          flags = 0            |   8
 *  +-------------------------------+-------------------------------+
 *  |              page size (power of two, 512..65536)             |  12
 *  +---------------------------------------------------------------+
 *  |                          revision                             |  16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     high-water mark (pages in use, meta pages included)       |  24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              catalog root page id (0 = empty)                 |  32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         tree count                            |  40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     free-space map root page id (0 = empty map)             |  48
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |     pending (obsolete-lists) root page id (0 = none, reserved)|  56
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |        unused page count (pages listed by the map)            |  64
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 commit time, epoch millis                     |  72
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   revision that wrote the catalog root page (0 = empty)       |  80
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   revision that wrote the free-space map root page (0 = empty)|  88
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   unforced page count n (0 = the data pages were forced       |  96
 *  |   before this meta was written)                               |
 *  +---------------------------------------------------------------+
 *  |       CRC32C of the page list, bytes [256, 256 + 12n)         | 100
 *  +---------------------------------------------------------------+
 *  |                 reserved, zero ... up to 256                  | 104
 *  +---------------------------------------------------------------+
 *  |   page list: n entries of 12 bytes (u64 page id, u32 the      | 256
 *  |   checksum that page was written with), then zeros            |
 * </pre>
 *
 * <p>The checksum covers the whole record after itself, reserved bytes included, so a torn or partly zeroed
 * record never validates.
 *
 * <p><b>The page list (single-force commits).</b> A durable commit whose unforced pages fit in the list writes its
 * pages, then this meta page, and forces once. The list names every page written since the last completed force,
 * each with the checksum it was written with, so that an open can tell a complete commit from one that a power loss
 * cut short: a meta whose list does not match the file (a page missing, torn or older) is not valid, and the
 * database opens at the other meta page ({@link MetaSelector}). A list of 0 entries means the pages were forced
 * before the meta was written (a commit whose pages did not fit, and every commit without sync), as in files written
 * before the list existed, whose reserved bytes are zero. Stateless; any thread.
 */
public final class MetaCodec
{
    /** Offset of the CRC32C over [{@link #MAGIC_OFFSET}, {@link #RECORD_LENGTH}). */
    public static final int CHECKSUM_OFFSET = 0;
    /** Offset of the u32 magic. */
    public static final int MAGIC_OFFSET = 4;
    /** Offset of the u16 format version. */
    public static final int VERSION_OFFSET = 8;
    /** Offset of the u16 flags (written 0, ignored by version-2 readers). */
    public static final int FLAGS_OFFSET = 10;
    /** Offset of the u32 page size. */
    public static final int PAGE_SIZE_OFFSET = 12;
    /** Offset of the u64 revision. */
    public static final int REVISION_OFFSET = 16;
    /** Offset of the u64 high-water mark. */
    public static final int HIGH_WATER_OFFSET = 24;
    /** Offset of the u64 catalog root page id. */
    public static final int CATALOG_ROOT_OFFSET = 32;
    /** Offset of the u64 tree count. */
    public static final int TREE_COUNT_OFFSET = 40;
    /** Offset of the u64 free-space root page id. */
    public static final int FREE_SPACE_ROOT_OFFSET = 48;
    /** Offset of the u64 pending-lists root page id. */
    public static final int PENDING_ROOT_OFFSET = 56;
    /** Offset of the u64 free page count. */
    public static final int FREE_PAGE_COUNT_OFFSET = 64;
    /** Offset of the u64 commit time in epoch milliseconds. */
    public static final int COMMIT_TIME_OFFSET = 72;
    /** Offset of the u64 revision that wrote the catalog's root page (0 when the catalog is empty). */
    public static final int CATALOG_ROOT_REVISION_OFFSET = 80;
    /** Offset of the u64 revision that wrote the free-space map's root page (0 when the map is empty). */
    public static final int FREE_SPACE_ROOT_REVISION_OFFSET = 88;
    /** Offset of the u32 count of the page list's entries (0: no list; the data was forced first). */
    public static final int LIST_COUNT_OFFSET = 96;
    /** Offset of the u32 CRC32C of the page list's bytes. */
    public static final int LIST_CHECKSUM_OFFSET = 100;
    /** Offset of the first reserved byte; [104, 256) is zero. */
    public static final int RESERVED_OFFSET = 104;
    /** Offset in the meta page of the page list's first entry. */
    public static final int LIST_OFFSET = 256;
    /** Length of one entry of the page list: a u64 page id, then the u32 checksum the page was written with. */
    public static final int LIST_ENTRY_LENGTH = 12;
    /** Length of the meta record. */
    public static final int RECORD_LENGTH = 256;

    /** The magic, read as a little-endian u32; on disk the bytes are 'C' 'M' 'B' 'M'. */
    public static final int MAGIC = 0x4D424D43;
    /**
     * The only format version this code reads and writes. Version 2 records in every pointer to a page the revision
     * that wrote the page; version 1 did not, and is refused ({@link #FORMAT_1_REFUSAL}).
     */
    public static final int FORMAT_VERSION = 2;
    /** Why a file of format 1 does not open, and what to do. */
    public static final String FORMAT_1_REFUSAL = "file format 1 is no longer supported (this build reads format " +
        FORMAT_VERSION + "); dump it with a format-1 build and load it into a new file";

    private MetaCodec()
    {
    }

    /**
     * The result of decoding one meta slot: either a valid {@link Meta}, or the reason it was rejected.
     *
     * @param slot               0 or 1.
     * @param offset             the file offset the record was read from.
     * @param meta               the meta, or null if rejected.
     * @param magicFound         whether the magic was present (distinguishes "damaged" from "not ours").
     * @param unsupportedVersion whether the record was intact (magic and checksum fine) but of another version.
     * @param problem            null if valid, else why it was rejected.
     * @param listed             entries in the meta page's list of unforced pages (0 if none, or if rejected).
     * @param listChecksum       the CRC32C the record holds for that list.
     */
    public record Candidate(
        int slot, long offset, Meta meta, boolean magicFound, boolean unsupportedVersion, String problem, int listed,
        int listChecksum)
    {
        /**
         * @return true if the record is a valid meta.
         */
        public boolean valid()
        {
            return meta != null;
        }

        static Candidate rejected(final int slot, final long offset, final boolean magic, final String problem)
        {
            return new Candidate(slot, offset, null, magic, false, problem, 0, 0);
        }

        /**
         * @param why why the meta's commit is not complete.
         * @return this candidate, rejected.
         */
        Candidate incomplete(final String why)
        {
            return new Candidate(slot, offset, null, true, false, why, 0, 0);
        }
    }

    /**
     * Writes {@code meta} as a 256-byte record at absolute indices [0, 256) of {@code record}, checksum included.
     * The buffer's position, limit and byte order are not changed.
     *
     * @param meta   the meta.
     * @param record a buffer with a capacity of at least 256 (its limit does not matter).
     */
    public static void encode(final Meta meta, final ByteBuffer record)
    {
        encode(meta, record, 0, 0);
    }

    /**
     * As {@link #encode(Meta, ByteBuffer)}, for a meta page whose page list the caller writes ({@link #encodeList}).
     *
     * @param meta         the meta.
     * @param record       a buffer with a capacity of at least 256.
     * @param listed       entries in the page list.
     * @param listChecksum the CRC32C of the list's bytes ({@link #encodeList} returns it).
     */
    public static void encode(final Meta meta, final ByteBuffer record, final int listed, final int listChecksum)
    {
        // clear(): absolute puts are bounded by the limit, and the caller's limit is none of our business.
        final ByteBuffer b = record.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < RECORD_LENGTH; i += 8)
        {
            b.putLong(i, 0L);
        }
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putShort(VERSION_OFFSET, (short)FORMAT_VERSION);
        b.putShort(FLAGS_OFFSET, (short)0);
        b.putInt(PAGE_SIZE_OFFSET, meta.pageSize());
        b.putLong(REVISION_OFFSET, meta.revision());
        b.putLong(HIGH_WATER_OFFSET, meta.highWater());
        b.putLong(CATALOG_ROOT_OFFSET, meta.catalogRoot());
        b.putLong(TREE_COUNT_OFFSET, meta.treeCount());
        b.putLong(FREE_SPACE_ROOT_OFFSET, meta.freeSpaceRoot());
        b.putLong(PENDING_ROOT_OFFSET, meta.pendingRoot());
        b.putLong(FREE_PAGE_COUNT_OFFSET, meta.freePageCount());
        b.putLong(COMMIT_TIME_OFFSET, meta.commitTimeMillis());
        b.putLong(CATALOG_ROOT_REVISION_OFFSET, meta.catalogRootRevision());
        b.putLong(FREE_SPACE_ROOT_REVISION_OFFSET, meta.freeSpaceRootRevision());
        b.putInt(LIST_COUNT_OFFSET, listed);
        b.putInt(LIST_CHECKSUM_OFFSET, listChecksum);
        b.putInt(CHECKSUM_OFFSET, checksum(b));
    }

    /**
     * @param pageSize a page size.
     * @return how many entries the page list of a meta page of that size holds.
     */
    public static int listCapacity(final int pageSize)
    {
        return (pageSize - LIST_OFFSET) / LIST_ENTRY_LENGTH;
    }

    /**
     * Writes a page list at absolute indices [256, 256 + 12 count) of {@code page}, then zeros up to
     * {@code zeroUpTo}. The buffer's position, limit and byte order are not changed.
     *
     * @param page      the meta page buffer.
     * @param ids       the page ids.
     * @param checksums each page's checksum, parallel.
     * @param count     the entries; at most {@link #listCapacity} of the page size.
     * @param zeroUpTo  the end of what an earlier list left in the buffer.
     * @return the CRC32C of the list's bytes.
     */
    public static int encodeList(
        final ByteBuffer page, final long[] ids, final int[] checksums, final int count, final int zeroUpTo)
    {
        final ByteBuffer b = page.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        int at = LIST_OFFSET;
        for (int i = 0; i < count; i++, at += LIST_ENTRY_LENGTH)
        {
            b.putLong(at, ids[i]);
            b.putInt(at + 8, checksums[i]);
        }
        for (int z = at; z < zeroUpTo; z++)
        {
            b.put(z, (byte)0);
        }
        return listChecksum(b, count);
    }

    /**
     * @param page  a buffer holding a meta page's list at absolute index {@link #LIST_OFFSET}; not changed.
     * @param count its entries.
     * @return the CRC32C of the list's bytes.
     */
    public static int listChecksum(final ByteBuffer page, final int count)
    {
        final CRC32C crc = new CRC32C();
        crc.update(page.slice(LIST_OFFSET, count * LIST_ENTRY_LENGTH));
        return (int)crc.getValue();
    }

    /**
     * @param meta a meta.
     * @return a new direct buffer of {@code meta.pageSize()} bytes: the record followed by zeros, position 0,
     * limit pageSize.
     */
    public static ByteBuffer encodePage(final Meta meta)
    {
        final ByteBuffer page = ByteBuffer.allocateDirect(meta.pageSize());
        encode(meta, page);
        return page;
    }

    /**
     * CRC32C of bytes [4, 256) of a record.
     *
     * @param record a buffer holding a record at absolute index 0; position and limit are not changed.
     * @return the checksum.
     */
    public static int checksum(final ByteBuffer record)
    {
        final CRC32C crc = new CRC32C();
        crc.update(record.duplicate().clear().limit(RECORD_LENGTH).position(MAGIC_OFFSET));
        return (int)crc.getValue();
    }

    /**
     * Decodes and validates a record read from meta slot {@code slot}. Never throws for bad content.
     *
     * @param record     the 256 bytes read from {@code offset}, at absolute indices [0, 256).
     * @param slot       0 or 1.
     * @param offset     the file offset it was read from (0 for slot 0; the probed page size for slot 1).
     * @param fileLength the file's length, to reject a meta whose pages are not all in the file.
     * @return the candidate.
     */
    public static Candidate decode(final ByteBuffer record, final int slot, final long offset, final long fileLength)
    {
        if (offset + RECORD_LENGTH > fileLength)
        {
            return Candidate.rejected(slot, offset, false,
                "the file (" + fileLength + " bytes) ends before the record at offset " + offset);
        }
        final ByteBuffer b = record.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        final boolean magic = b.getInt(MAGIC_OFFSET) == MAGIC;
        if (!magic)
        {
            return Candidate.rejected(slot, offset, false, "no magic");
        }
        final int stored = b.getInt(CHECKSUM_OFFSET);
        final int computed = checksum(b);
        if (stored != computed)
        {
            return Candidate.rejected(slot, offset, true, String.format(
                "checksum mismatch (stored %08x, computed %08x)", stored, computed));
        }
        final int version = Short.toUnsignedInt(b.getShort(VERSION_OFFSET));
        if (version != FORMAT_VERSION)
        {
            return new Candidate(slot, offset, null, true, true,
                version == 1
                    ? FORMAT_1_REFUSAL
                    : "unsupported format version " + version + " (this build reads version " + FORMAT_VERSION + ")",
                0, 0);
        }
        final long pageSize = Integer.toUnsignedLong(b.getInt(PAGE_SIZE_OFFSET));
        final long revision = b.getLong(REVISION_OFFSET);
        final long highWater = b.getLong(HIGH_WATER_OFFSET);
        final long catalogRoot = b.getLong(CATALOG_ROOT_OFFSET);
        final long treeCount = b.getLong(TREE_COUNT_OFFSET);
        final long freeSpaceRoot = b.getLong(FREE_SPACE_ROOT_OFFSET);
        final long pendingRoot = b.getLong(PENDING_ROOT_OFFSET);
        final long freePageCount = b.getLong(FREE_PAGE_COUNT_OFFSET);
        final long commitTime = b.getLong(COMMIT_TIME_OFFSET);
        final long catalogRootRevision = b.getLong(CATALOG_ROOT_REVISION_OFFSET);
        final long freeSpaceRootRevision = b.getLong(FREE_SPACE_ROOT_REVISION_OFFSET);

        final String problem = Meta.problem(pageSize, revision, highWater, catalogRoot, catalogRootRevision,
            treeCount, freeSpaceRoot, freeSpaceRootRevision, pendingRoot, freePageCount);
        if (problem != null)
        {
            return Candidate.rejected(slot, offset, true, problem);
        }
        // Slot 1 lives at offset pageSize: a record found elsewhere is not meta page 1 of this file.
        final long expectedOffset = slot == 0 ? 0 : pageSize;
        if (offset != expectedOffset)
        {
            return Candidate.rejected(slot, offset, true,
                "page size " + pageSize + " does not match the offset " + offset + " it was read from");
        }
        if (highWater * pageSize > fileLength)
        {
            return Candidate.rejected(slot, offset, true, "high-water mark " + highWater + " needs " +
                highWater * pageSize + " bytes but the file has " + fileLength + " (truncated?)");
        }
        final long listed = Integer.toUnsignedLong(b.getInt(LIST_COUNT_OFFSET));
        if (listed > listCapacity((int)pageSize))
        {
            return Candidate.rejected(slot, offset, true, "its page list has " + listed +
                " entries, more than a meta page of " + pageSize + " bytes holds");
        }
        final Meta meta = new Meta((int)pageSize, revision, highWater, catalogRoot, catalogRootRevision, treeCount,
            freeSpaceRoot, freeSpaceRootRevision, pendingRoot, freePageCount, commitTime);
        return new Candidate(slot, offset, meta, true, false, null, (int)listed, b.getInt(LIST_CHECKSUM_OFFSET));
    }
}
