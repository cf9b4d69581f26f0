package dev.cambium;

import dev.cambium.engine.store.MetaCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A durable commit forces once: its meta page lists the pages written since the last force, each with its checksum
 * ({@code MetaCodec}, "The page list"), and an open takes the other meta page when the list does not match the file.
 * A power loss before the force returned can leave the meta page on the device without one of the pages it lists
 * (the device orders nothing before a force): each test makes such a file by hand, the way the crash tests' power
 * loss does, and expects the open at the previous revision, with its content and a clean check.
 */
class SingleForceCommitTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private static DatabaseOptions options(final int pageSize)
    {
        return DatabaseOptions.builder().pageSize(pageSize).durability(Durability.SYNC).backgroundCleaner(false)
            .build();
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Commits "a" (revision A), then "b" in one more commit; returns A. */
    private static long twoCommits(final Path file, final int pageSize)
    {
        try (Database db = Database.open(file, options(pageSize)))
        {
            db.write(txn -> txn.openOrCreateTree("t").put(utf8("a"), utf8("1")));
            final long a = db.revision();
            db.write(txn -> txn.openOrCreateTree("t").put(utf8("b"), utf8("2")));
            assertEquals(a + 1, db.revision());
            return a;
        }
    }

    /** The offset of the meta page holding the newest revision. */
    private static long newestMetaOffset(final RandomAccessFile f, final int pageSize) throws IOException
    {
        return revision(f, 0) > revision(f, pageSize) ? 0 : pageSize;
    }

    private static long revision(final RandomAccessFile f, final long offset) throws IOException
    {
        return record(f, offset).getLong(MetaCodec.REVISION_OFFSET);
    }

    private static ByteBuffer record(final RandomAccessFile f, final long offset) throws IOException
    {
        final byte[] b = new byte[MetaCodec.RECORD_LENGTH];
        f.seek(offset);
        f.readFully(b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int listed(final RandomAccessFile f, final long metaOffset) throws IOException
    {
        return record(f, metaOffset).getInt(MetaCodec.LIST_COUNT_OFFSET);
    }

    private static void assertOpensAtPrevious(final Path file, final long previous)
    {
        try (Database db = Database.open(file, options(PAGE)))
        {
            assertEquals(previous, db.revision(), "the open takes the meta page of the previous commit");
            db.read(txn ->
            {
                assertArrayEquals(utf8("1"), txn.tree("t").get(utf8("a")));
                assertNull(txn.tree("t").get(utf8("b")), "the cut-short commit is not there");
                return null;
            });
            assertTrue(db.check().ok(), db.check().problems()::toString);
            db.write(txn -> txn.openOrCreateTree("t").put(utf8("c"), utf8("3")));
            assertTrue(db.check().ok(), "a commit after the fallback");
        }
    }

    /** How a test damages the newest meta page (at {@code meta}, listing {@code listed} pages) or what it lists. */
    private interface Damage
    {
        void apply(RandomAccessFile f, long meta, int listed) throws IOException;
    }

    /**
     * Makes two commits, damages the second as {@code damage} says, and expects the open at the first.
     */
    private void assertCutShortCommitIsNotOpened(final String name, final Damage damage) throws IOException
    {
        final Path file = dir.resolve(name);
        final long previous = twoCommits(file, PAGE);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long meta = newestMetaOffset(f, PAGE);
            assertEquals(previous + 1, revision(f, meta));
            final int listed = listed(f, meta);
            assertTrue(listed > 0, "the last commit's meta lists its pages");
            damage.apply(f, meta, listed);
        }
        assertOpensAtPrevious(file, previous);
    }

    @Test
    void shouldOpenAtThePreviousRevisionWhenAListedPageDidNotReachTheDevice() throws IOException
    {
        assertCutShortCommitIsNotOpened("lost.cambium", (f, meta, listed) ->
        {
            // Every listed page as a power loss may leave it: one of them never written (zeros: a hole).
            f.seek(meta + MetaCodec.LIST_OFFSET + (long)(listed - 1) * MetaCodec.LIST_ENTRY_LENGTH);
            final long page = Long.reverseBytes(f.readLong());
            f.seek(page * PAGE);
            f.write(new byte[PAGE]);
        });
    }

    @Test
    void shouldOpenAtThePreviousRevisionWhenTheListItselfIsTorn() throws IOException
    {
        assertCutShortCommitIsNotOpened("torn.cambium", (f, meta, listed) ->
        {
            // The record (its first sector) reached the device, the rest of the meta page did not.
            f.seek(meta + MetaCodec.LIST_OFFSET);
            f.write(new byte[PAGE - MetaCodec.LIST_OFFSET]);
        });
    }

    @Test
    void shouldRejectAListLongerThanTheMetaPageHolds() throws IOException
    {
        assertCutShortCommitIsNotOpened("long.cambium", (f, meta, listed) ->
        {
            final ByteBuffer r = record(f, meta);
            r.putInt(MetaCodec.LIST_COUNT_OFFSET, MetaCodec.listCapacity(PAGE) + 1);
            r.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(r)); // a hostile file, not a torn one
            f.seek(meta);
            f.write(r.array());
        });
    }

    @Test
    void shouldRefuseARequestedRevisionWhoseListedPageNoLongerHoldsWhatItsCommitWrote() throws IOException
    {
        final Path file = dir.resolve("requested.cambium");
        final long previous = twoCommits(file, PAGE);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long older = newestMetaOffset(f, PAGE) == 0 ? PAGE : 0;
            assertEquals(previous, revision(f, older));
            assertTrue(listed(f, older) > 0, "the older commit's meta lists its pages");
            // The leaf the older commit wrote, which the newer one copied elsewhere: damaged, the older revision
            // is no longer whole, while the newest (whose own list and pages are intact) still is.
            f.seek(older + MetaCodec.LIST_OFFSET);
            final long page = Long.reverseBytes(f.readLong());
            f.seek(page * PAGE + PAGE - 1);
            f.write(f.read() ^ 0xFF);
        }
        final DatabaseOptions atPrevious = DatabaseOptions.builder().pageSize(PAGE).durability(Durability.SYNC)
            .backgroundCleaner(false).openRevision(previous).build();
        final NoSuchRevisionException e = assertThrows(NoSuchRevisionException.class,
            () -> Database.open(file, atPrevious).close());
        assertTrue(e.getMessage().contains("the meta page of revision " + previous + " is not usable"), e::getMessage);
        // The newest revision, named or not, opens: its list was checked once, at the open's selection.
        final DatabaseOptions atNewest = DatabaseOptions.builder().pageSize(PAGE).durability(Durability.SYNC)
            .backgroundCleaner(false).openRevision(previous + 1).build();
        try (Database db = Database.open(file, atNewest))
        {
            assertEquals(previous + 1, db.revision());
        }
        try (Database db = Database.open(file, options(PAGE)))
        {
            assertEquals(previous + 1, db.revision());
        }
    }

    @Test
    void shouldForceTheDataFirstWhenTheUnforcedPagesDoNotFitTheList() throws IOException
    {
        final Path file = dir.resolve("large.cambium");
        final int pageSize = 512; // lists 21 pages
        try (Database db = Database.open(file, options(pageSize)))
        {
            db.write(txn ->
            {
                final Tree t = txn.openOrCreateTree("t");
                for (int i = 0; i < 2_000; i++)
                {
                    t.put(utf8(String.format("key-%05d", i)), new byte[40]);
                }
            });
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw"))
        {
            assertEquals(0, listed(f, newestMetaOffset(f, pageSize)),
                "a commit of more pages than the list holds forces them before its meta, which lists none");
        }
        try (Database db = Database.open(file, options(pageSize)))
        {
            final long size = db.read(txn -> txn.tree("t").size());
            assertEquals(2_000, size);
            assertTrue(db.check().ok());
        }
    }
}
