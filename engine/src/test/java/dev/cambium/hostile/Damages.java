package dev.cambium.hostile;

import dev.cambium.btree.NodeLayout;
import dev.cambium.btree.PageHeader;
import dev.cambium.engine.store.MetaCodec;
import dev.cambium.engine.store.PageChecksum;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Derives damaged files from a {@link CorpusDatabase}, systematically: every kind of damage at every page (or
 * page boundary), at a few seeded positions each. One {@link Case} at a time goes to the sink, so the corpus is
 * never held in memory.
 *
 * <p>A "restamped" case recomputes the checksum of the page (or meta record) it changed, so that the change
 * gets past checksum verification and reaches the structural checks behind it: the engine cannot tell such a
 * change from real content, so only "no crash, no hang, no unchecked exception" can be asked of it where the
 * page is in use.
 */
final class Damages
{
    /** Kinds of damage, in the order they are generated and reported. */
    enum Category
    {
        TRUNCATE_AT_PAGE, TRUNCATE_MID_PAGE, FLIP_BIT, FLIP_BIT_RESTAMPED, ZERO_512, ZERO_4K, MISDIRECTED_WRITE, APPEND_GARBAGE, RANDOM_META, STALE_META, OTHER_PAGE_SIZE_OPTION, CELL_BOUNDS_RESTAMPED
    }

    /**
     * One damaged file.
     *
     * @param category           the kind of damage.
     * @param description        what exactly, for failure messages.
     * @param image              the file's bytes.
     * @param restampedPage      the page whose checksum (or meta record checksum, for 0 and 1) was recomputed,
     *                           or -1.
     * @param configuredPageSize the page size in the options used to open it.
     * @param invalid            true if the restamped page is a leaf no reader may accept (a slot or a cell
     *                           length outside the page): reading it must fail even though its checksum matches.
     */
    record Case(Category category, String description, byte[] image, long restampedPage, int configuredPageSize,
        boolean invalid)
    {
        Case(final Category category, final String description, final byte[] image, final long restampedPage,
            final int configuredPageSize)
        {
            this(category, description, image, restampedPage, configuredPageSize, false);
        }
    }

    private final CorpusDatabase db;
    private final int scale;
    private final Random rnd;
    private final int p;

    Damages(final CorpusDatabase db, final int scale, final long seed)
    {
        this.db = db;
        this.scale = scale;
        this.rnd = new Random(seed);
        this.p = db.pageSize;
    }

    private Case of(final Category c, final String description, final byte[] image)
    {
        return new Case(c, description, image, -1, p);
    }

    void forEach(final Consumer<Case> sink)
    {
        final byte[] orig = db.image;
        final long pages = db.pages();

        // Truncation at every page boundary (0: the empty file), and inside every page.
        for (long k = 0; k < pages; k++)
        {
            sink.accept(of(Category.TRUNCATE_AT_PAGE, "length " + k * p, Arrays.copyOf(orig, (int)(k * p))));
        }
        for (int len : new int[]{1, 255, 256, 257, 511, 512, 513, p - 1})
        {
            if (len > 0 && len < p)
            {
                sink.accept(of(Category.TRUNCATE_MID_PAGE, "length " + len, Arrays.copyOf(orig, len)));
            }
        }
        for (long k = 0; k < pages; k++)
        {
            for (int s = 0; s < 2 * scale; s++)
            {
                final int len = (int)(k * p) + 1 + rnd.nextInt(p - 1);
                sink.accept(of(Category.TRUNCATE_MID_PAGE, "length " + len, Arrays.copyOf(orig, len)));
            }
        }

        // A flipped bit in every page: at fields that matter (header, slots, key heads, cells) and anywhere.
        for (long page = 0; page < pages; page++)
        {
            final List<int[]> fields = fields(orig, page);
            for (int s = 0; s < 3 * scale; s++)
            {
                final int[] f = s == 0 ? new int[]{0, p} : fields.get(rnd.nextInt(fields.size()));
                final int at = (int)(page * p) + f[0] + rnd.nextInt(f[1]);
                final int bit = rnd.nextInt(8);
                final byte[] image = orig.clone();
                image[at] ^= (byte)(1 << bit);
                sink.accept(of(Category.FLIP_BIT, "page " + page + " byte " + (at - page * p) + " bit " + bit, image));
            }
            for (int s = 0; s < 8 * scale; s++)
            {
                final int[] f = fields.get(rnd.nextInt(fields.size()));
                final int offset = Math.max(f[0] + rnd.nextInt(f[1]), page < 2 ? MetaCodec.MAGIC_OFFSET : 4);
                if (page < 2 && offset >= MetaCodec.RECORD_LENGTH)
                {
                    continue; // outside the meta record there is nothing to restamp
                }
                final int bit = rnd.nextInt(8);
                final byte[] image = orig.clone();
                image[(int)(page * p) + offset] ^= (byte)(1 << bit);
                restamp(image, page);
                sink.accept(new Case(Category.FLIP_BIT_RESTAMPED, "page " + page + " byte " + offset + " bit " + bit +
                    ", checksum recomputed", image, page, p));
            }
        }

        // In every leaf, one cell whose slot offset, key length or value length reaches outside the page, with
        // the checksum recomputed: any slot, not only the first and last that a scan's order checks read, since
        // a cursor trusts the bounds it checked when it entered the leaf for every later step.
        for (long page = 2; page < pages; page++)
        {
            final ByteBuffer b = ByteBuffer.wrap(orig, (int)(page * p), p).slice().order(ByteOrder.LITTLE_ENDIAN);
            final int count = b.getShort(PageHeader.COUNT_OFFSET) & 0xFFFF;
            if (b.get(PageHeader.TYPE_OFFSET) != PageHeader.TYPE_LEAF || count == 0)
            {
                continue;
            }
            for (int s = 0; s < 2 * scale; s++)
            {
                final int slot = rnd.nextInt(count);
                final int slotAt = NodeLayout.HEADER_LENGTH + slot * NodeLayout.SLOT_SIZE;
                final int cell = b.getShort(slotAt) & 0xFFFF;
                final boolean overflow = (b.get(cell + 2) & NodeLayout.LEAF_FLAG_OVERFLOW) != 0;
                final byte[] image = orig.clone();
                final ByteBuffer d = ByteBuffer.wrap(image, (int)(page * p), p).slice().order(ByteOrder.LITTLE_ENDIAN);
                final String what;
                switch (rnd.nextInt(5))
                {
                    case 0 -> {
                        d.putShort(slotAt, (short)(p - 1 - rnd.nextInt(NodeLayout.LEAF_CELL_OVERHEAD - 1)));
                        what = "slot offset at the page end";
                    }
                    case 1 -> {
                        d.putShort(slotAt, (short)rnd.nextInt(NodeLayout.HEADER_LENGTH));
                        what = "slot offset inside the header";
                    }
                    case 2 -> {
                        d.putShort(cell, (short)(p - cell - NodeLayout.LEAF_CELL_OVERHEAD + 1 + rnd.nextInt(64)));
                        what = "key length past the page end";
                    }
                    case 3 -> {
                        d.putShort(cell, (short)0);
                        what = "empty key";
                    }
                    default -> {
                        d.putInt(cell + 3, overflow ? -1 - rnd.nextInt(1000) : p + rnd.nextInt(1000));
                        what = overflow ? "negative value length" : "value length past the page end";
                    }
                }
                restamp(image, page);
                sink.accept(new Case(Category.CELL_BOUNDS_RESTAMPED, "page " + page + " slot " + slot + ": " + what +
                    ", checksum recomputed", image, page, p, true));
            }
        }

        // Zeroed 512-byte sectors and 4 KiB blocks at every page.
        for (long page = 0; page < pages; page++)
        {
            for (int s = 0; s < 2 * scale; s++)
            {
                final int at = (int)(page * p) + 512 * rnd.nextInt(Math.max(1, p / 512));
                sink.accept(of(Category.ZERO_512, "offset " + at, zero(orig, at, 512)));
                final int block = (int)(page * p) + (s == 0 ? 0 : 512 * rnd.nextInt(Math.max(1, p / 512)));
                sink.accept(of(Category.ZERO_4K, "offset " + block, zero(orig, block, 4096)));
            }
        }

        // A misdirected write: another data page's intact bytes (valid checksum, wrong page id) at every page.
        for (long page = 2; page < pages; page++)
        {
            for (int s = 0; s < scale; s++)
            {
                final long from = 2 + rnd.nextInt((int)pages - 2);
                if (from != page)
                {
                    sink.accept(of(Category.MISDIRECTED_WRITE, "page " + from + " written at page " + page,
                        overwrite(orig, (int)(page * p),
                            Arrays.copyOfRange(orig, (int)(from * p), (int)((from + 1) * p)))));
                }
            }
        }

        // Garbage appended: unused space, so the newest revision must read as if nothing happened.
        for (int s = 0; s < scale; s++)
        {
            sink.accept(of(Category.APPEND_GARBAGE, "1 random byte", append(orig, random(1))));
            sink.accept(of(Category.APPEND_GARBAGE, "1 random page", append(orig, random(p))));
            sink.accept(of(Category.APPEND_GARBAGE, "64 random pages", append(orig, random(64 * p))));
            sink.accept(of(Category.APPEND_GARBAGE, "3 zero pages and a half", append(orig, new byte[3 * p + p / 2])));
            final int used = db.newest.used().nextSetBit(2 + rnd.nextInt((int)db.newest.highWater() - 2));
            final int copied = used < 0 ? db.newest.used().nextSetBit(2) : used;
            sink.accept(of(Category.APPEND_GARBAGE, "a copy of page " + copied,
                append(orig, Arrays.copyOfRange(orig, copied * p, (copied + 1) * p))));
            sink.accept(of(Category.APPEND_GARBAGE, "a copy of the newest meta page",
                append(orig, Arrays.copyOfRange(orig, db.newest.metaSlot() * p, (db.newest.metaSlot() + 1) * p))));
        }

        // Random bytes over meta page 0, meta page 1, both: the record only, or the whole page.
        for (int s = 0; s < 3 * scale; s++)
        {
            for (final int length : new int[]{MetaCodec.RECORD_LENGTH, p})
            {
                sink.accept(
                    of(Category.RANDOM_META, "slot 0, " + length + " bytes", overwrite(orig, 0, random(length))));
                sink.accept(
                    of(Category.RANDOM_META, "slot 1, " + length + " bytes", overwrite(orig, p, random(length))));
                sink.accept(of(Category.RANDOM_META, "both slots, " + length + " bytes",
                    overwrite(overwrite(orig, 0, random(length)), p, random(length))));
            }
        }

        // A stale meta page: one slot's page copied over the other, so both hold the same revision.
        for (final int to : new int[]{0, 1})
        {
            sink.accept(of(Category.STALE_META, "meta page " + (1 - to) + " copied over meta page " + to,
                overwrite(orig, to * p, Arrays.copyOfRange(orig, (1 - to) * p, (2 - to) * p))));
        }

        // The intact file opened with every other configured page size: the file's own wins.
        for (int other = 512; other <= 65536; other <<= 1)
        {
            if (other != p)
            {
                sink.accept(
                    new Case(Category.OTHER_PAGE_SIZE_OPTION, "configured page size " + other, orig, -1, other));
            }
        }
    }

    private byte[] random(final int n)
    {
        final byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] zero(final byte[] orig, final int at, final int length)
    {
        final byte[] image = orig.clone();
        Arrays.fill(image, at, Math.min(image.length, at + length), (byte)0);
        return image;
    }

    private static byte[] append(final byte[] orig, final byte[] tail)
    {
        final byte[] image = Arrays.copyOf(orig, orig.length + tail.length);
        System.arraycopy(tail, 0, image, orig.length, tail.length);
        return image;
    }

    private static byte[] overwrite(final byte[] orig, final int at, final byte[] bytes)
    {
        final byte[] image = orig.clone();
        System.arraycopy(bytes, 0, image, at, bytes.length);
        return image;
    }

    /** Recomputes the checksum of a data page, or of the meta record of meta page 0 or 1. */
    private void restamp(final byte[] image, final long page)
    {
        final ByteBuffer b = ByteBuffer.wrap(image, (int)(page * p), p).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (page < 2)
        {
            b.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(b));
        }
        else
        {
            PageChecksum.stamp(b, p);
        }
    }

    /**
     * The byte ranges {offset, length} of the fields of one page worth aiming at: the meta record's fields;
     * a data page's header, its first, middle and last slots (offset and key head) and those slots' cells
     * (key length, flags, value length, key, value or overflow id; child id, subtree count, key length, key);
     * an overflow page's link and length. Plus the whole page, so that anything may be hit.
     */
    private List<int[]> fields(final byte[] image, final long page)
    {
        final List<int[]> f = new ArrayList<>();
        f.add(new int[]{0, p});
        if (page < 2)
        {
            for (final int o : new int[]{4, 8, 10, 12, 16, 24, 32, 40, 48, 56, 64, 72})
            {
                f.add(new int[]{o, o == 8 || o == 10 ? 2 : o == 4 || o == 12 ? 4 : 8});
            }
            f.add(new int[]{80, 176});
            return f;
        }
        final ByteBuffer b = ByteBuffer.wrap(image, (int)(page * p), p).slice().order(ByteOrder.LITTLE_ENDIAN);
        final byte type = b.get(PageHeader.TYPE_OFFSET);
        for (final int[] h : new int[][]{{0, 4}, {4, 1}, {5, 1}, {6, 2}, {8, 8}, {16, 8}})
        {
            f.add(h);
        }
        if (type == PageHeader.TYPE_OVERFLOW)
        {
            f.add(new int[]{24, 8});
            f.add(new int[]{32, 4});
            f.add(new int[]{36, 4});
            return f;
        }
        if (type != PageHeader.TYPE_LEAF && type != PageHeader.TYPE_BRANCH)
        {
            return f;
        }
        f.add(new int[]{NodeLayout.CELL_START_OFFSET, 2});
        f.add(new int[]{NodeLayout.FRAGMENTED_OFFSET, 2});
        f.add(new int[]{NodeLayout.RESERVED_OFFSET, 4});
        final int count = b.getShort(PageHeader.COUNT_OFFSET) & 0xFFFF;
        for (final int i : new int[]{0, count / 2, count - 1})
        {
            final int slot = NodeLayout.HEADER_LENGTH + i * NodeLayout.SLOT_SIZE;
            if (i < 0 || slot + NodeLayout.SLOT_SIZE > p)
            {
                continue;
            }
            f.add(new int[]{slot, 2});
            f.add(new int[]{slot + NodeLayout.SLOT_HEAD_OFFSET, 4});
            final int cell = b.getShort(slot) & 0xFFFF;
            if (type == PageHeader.TYPE_LEAF && cell + NodeLayout.LEAF_CELL_OVERHEAD + 8 <= p)
            {
                final int keyLength = b.getShort(cell) & 0xFFFF;
                f.add(new int[]{cell, 2});
                f.add(new int[]{cell + 2, 1});
                f.add(new int[]{cell + 3, 4});
                f.add(new int[]{cell + NodeLayout.LEAF_CELL_OVERHEAD, 1});
                if (cell + NodeLayout.LEAF_CELL_OVERHEAD + keyLength + 8 <= p)
                {
                    f.add(new int[]{cell + NodeLayout.LEAF_CELL_OVERHEAD + keyLength, 8});
                }
            }
            else if (type == PageHeader.TYPE_BRANCH && cell + NodeLayout.BRANCH_CELL_OVERHEAD + 1 <= p)
            {
                f.add(new int[]{cell, 8});
                f.add(new int[]{cell + 8, 8});
                f.add(new int[]{cell + 16, 2});
                f.add(new int[]{cell + NodeLayout.BRANCH_CELL_OVERHEAD, 1});
            }
        }
        return f;
    }
}
