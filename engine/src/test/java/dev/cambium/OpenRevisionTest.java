package dev.cambium;

import dev.cambium.engine.Engine;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.ForwardingStorage;
import dev.cambium.engine.store.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery by revision: a file keeps the meta pages of its last two commits. A damaged newest meta
 * page makes a plain open fall back to the revision before it; {@link DatabaseOptions.Builder#openRevision}
 * opens either by name; {@link Database#revisions} lists them without opening. Opening at the older
 * revision changes nothing until the first commit, which discards the newer revision (erasing its meta
 * page before writing) and reuses its pages as free space.
 */
class OpenRevisionTest
{
    private static final int PAGE_SIZE = 1024;
    private static final int ENTRIES = 1500;

    @TempDir
    Path dir;

    /** Content per committed revision: tree name, then key to value. */
    private final Map<Long, Map<String, TreeMap<String, String>>> models = new HashMap<>();

    private static DatabaseOptions.Builder options()
    {
        return DatabaseOptions.builder().pageSize(PAGE_SIZE).durability(Durability.NO_SYNC)
            .backgroundCleaner(false).growth(PAGE_SIZE, 16L * PAGE_SIZE);
    }

    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(final int i)
    {
        return String.format("key-%05d", i);
    }

    /** Commits a change of every entry's value (so each revision has its own pages) and records the model. */
    private void commitVersion(final Database db, final int version)
    {
        final Map<String, TreeMap<String, String>> model = new HashMap<>();
        final TreeMap<String, String> t = new TreeMap<>();
        final TreeMap<String, String> u = new TreeMap<>();
        db.write(txn ->
        {
            final Tree tree = txn.openOrCreateTree("t");
            final Tree other = txn.openOrCreateTree("u");
            for (int i = 0; i < ENTRIES; i++)
            {
                final String v = "v" + version + "-" + i;
                tree.put(utf8(key(i)), utf8(v));
                t.put(key(i), v);
            }
            // "u" is recreated with a version-dependent set of keys and one overflow value
            for (int i = 0; i < 50 + version * 7; i++)
            {
                final String v = i == 3 ? "x".repeat(3 * PAGE_SIZE) + version : "u" + version;
                other.put(utf8(key(i)), utf8(v));
                u.put(key(i), v);
            }
        });
        db.runCleaner(); // later commits reuse the pages this one made obsolete
        model.put("t", t);
        model.put("u", u);
        models.put(db.revision(), model);
    }

    private static Map<String, TreeMap<String, String>> content(final Database db)
    {
        return db.read(txn ->
        {
            final Map<String, TreeMap<String, String>> out = new HashMap<>();
            for (final String name : txn.treeNames())
            {
                final TreeMap<String, String> entries = new TreeMap<>();
                try (Cursor c = txn.tree(name).cursor())
                {
                    for (boolean ok = c.first(); ok; ok = c.next())
                    {
                        entries.put(new String(c.key(), StandardCharsets.UTF_8),
                            new String(c.value(), StandardCharsets.UTF_8));
                    }
                }
                out.put(name, entries);
            }
            return out;
        });
    }

    private void assertAt(final Database db, final long revision)
    {
        assertEquals(revision, db.revision());
        assertEquals(models.get(revision), content(db), "content of revision " + revision);
        Checks.assertConsistent(db);
    }

    /** Builds revisions 1..5; returns the newest. */
    private long build(final Path file)
    {
        try (Database db = Database.open(file, options().build()))
        {
            for (int v = 1; v <= 5; v++)
            {
                commitVersion(db, v);
            }
            Checks.assertConsistent(db);
            return db.revision();
        }
    }

    private static void damageMetaRecord(final Path file, final long revision) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long at = (revision & 1) * PAGE_SIZE + 40; // inside the checksummed record: the tree count
            raf.seek(at);
            final int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x10);
        }
    }

    private static List<Long> revisionNumbers(final Path file)
    {
        return Database.revisions(file).stream().map(StoredRevision::revision).toList();
    }

    @Test
    void shouldFallBackToPreviousRevisionWhenNewestMetaIsDamaged() throws IOException
    {
        final Path file = dir.resolve("db");
        final long newest = build(file);
        damageMetaRecord(file, newest);

        assertEquals(List.of(newest - 1), revisionNumbers(file));
        try (Database db = Database.open(file, options().build()))
        {
            assertAt(db, newest - 1);
        }
        try (Database db = Database.open(file, options().openRevision(newest - 1).build()))
        {
            assertAt(db, newest - 1);
        }
        final NoSuchRevisionException e = assertThrows(NoSuchRevisionException.class,
            () -> Database.open(file, options().openRevision(newest).build()));
        assertEquals(List.of(newest - 1), e.availableRevisions());
        assertTrue(
            e.getMessage().contains("revision " + newest) && e.getMessage().contains("holds revision " + (newest - 1)),
            e.getMessage());
    }

    @Test
    void shouldOpenEitherRevisionByNameWithoutChangingTheFile() throws IOException
    {
        final Path file = dir.resolve("db");
        final long newest = build(file);
        final byte[] before = Files.readAllBytes(file);
        final List<StoredRevision> stored = Database.revisions(file);
        assertEquals(List.of(newest, newest - 1), stored.stream().map(StoredRevision::revision).toList());
        assertFalse(stored.get(0).commitTime().isBefore(stored.get(1).commitTime()));

        try (Database db = Database.open(file, options().openRevision(newest - 1).build()))
        {
            assertAt(db, newest - 1);
        }
        try (Database db = Database.open(file, options().openRevision(newest).build()))
        {
            assertAt(db, newest);
        }
        assertArrayEquals(before, Files.readAllBytes(file), "opening at a named revision without a commit wrote");
        try (Database db = Database.open(file, options().build()))
        {
            assertAt(db, newest);
        }

        final NoSuchRevisionException e = assertThrows(NoSuchRevisionException.class,
            () -> Database.open(file, options().openRevision(newest - 2).build()));
        assertEquals(List.of(newest, newest - 1), e.availableRevisions());
        assertTrue(e.getMessage().contains("revisions " + newest + " and " + (newest - 1)), e.getMessage());
    }

    @Test
    void shouldDiscardNewerRevisionAtFirstCommitAndReuseItsPages()
    {
        final Path file = dir.resolve("db");
        final long newest = build(file);

        // The pages only the newer revision uses are unused from the older one's point of view.
        final BitSet newerOnly = reachable(file, OptionalRevision.NEWEST);
        final BitSet olderPages = reachable(file, OptionalRevision.PREVIOUS);
        newerOnly.andNot(olderPages);
        assertFalse(newerOnly.isEmpty());
        final BitSet unusedAtOlder;
        final long olderHighWater;
        try (Engine engine = Engine.open(file, options().openRevision(newest - 1).build()))
        {
            unusedAtOlder = engine.freeSpace().unusedSnapshot();
            olderHighWater = engine.revisions().head().state().highWater();
        }
        final BitSet notFree = (BitSet)newerOnly.clone();
        notFree.clear((int)olderHighWater, Integer.MAX_VALUE);
        notFree.andNot(unusedAtOlder);
        assertTrue(notFree.isEmpty(), "pages of the newer revision in use at the older one: " + notFree);

        try (Database db = Database.open(file, options().openRevision(newest - 1).checkEveryCommit(true).build()))
        {
            assertAt(db, newest - 1);
            models.remove(newest);
            commitVersion(db, 10); // revision `newest` again, with other content; checked by checkEveryCommit
            assertEquals(newest, db.revision());
            assertAt(db, newest);
            for (int v = 11; v < 14; v++)
            {
                commitVersion(db, v);
            }
            assertAt(db, newest + 3);
        }
        try (Database db = Database.open(file, options().build()))
        {
            assertAt(db, newest + 3);
            commitVersion(db, 20);
            assertAt(db, newest + 4);
        }
        try (Database db = Database.open(file, options().openRevision(newest + 3).build()))
        {
            assertAt(db, newest + 3);
        }
    }

    private enum OptionalRevision
    {
        NEWEST, PREVIOUS
    }

    /** Every page id below the high-water mark that the chosen revision's trees or maps use. */
    private BitSet reachable(final Path file, final OptionalRevision which)
    {
        final List<Long> revs = revisionNumbers(file);
        final long rev = which == OptionalRevision.NEWEST ? revs.get(0) : revs.get(1);
        try (Engine engine = Engine.open(file, options().openRevision(rev).build()))
        {
            final BitSet used = new BitSet();
            used.set(2, (int)engine.revisions().head().state().highWater());
            used.andNot(engine.freeSpace().unusedSnapshot());
            return used;
        }
    }

    @Test
    void shouldLeaveOlderRevisionOpenableWhenFirstCommitCrashesBeforeItsMeta() throws IOException
    {
        final Path file = dir.resolve("db");
        final long newest = build(file);
        final BitSet newerPages = reachable(file, OptionalRevision.NEWEST);
        newerPages.andNot(reachable(file, OptionalRevision.PREVIOUS));

        final long metaOffset = (newest & 1) * PAGE_SIZE;
        final FailingMetaWrite storage = new FailingMetaWrite(FileStorage.open(file), metaOffset);
        try (Engine engine = Engine.open(storage, options().openRevision(newest - 1).build()))
        {
            final var txn = engine.beginWrite();
            final Tree t = txn.tree("t");
            for (int i = 0; i < ENTRIES; i++)
            {
                t.put(utf8(key(i)), utf8("doomed-" + i));
            }
            assertThrows(StorageException.class, txn::commit);
        }
        final BitSet overwritten = (BitSet)storage.pagesWritten.clone();
        overwritten.and(newerPages);
        assertFalse(overwritten.isEmpty(), "the failed commit overwrote no page of the newer revision; " +
            "the test would prove nothing");

        // The newer revision's meta is gone and its pages are partly overwritten: only the older one remains.
        // (Had the meta page not been erased first, this open would choose the newer revision and fail on its
        // overwritten pages.)
        try (Database db = Database.open(file, options().build()))
        {
            assertAt(db, newest - 1);
        }
        assertEquals(List.of(newest - 1), revisionNumbers(file));
        assertEquals(1, storage.erasures);
    }

    /** Delegates; records the data pages written; fails the write of a non-zero meta page at one offset. */
    private static final class FailingMetaWrite extends ForwardingStorage
    {
        private final long metaOffset;
        final BitSet pagesWritten = new BitSet();
        int erasures;

        FailingMetaWrite(final Storage delegate, final long metaOffset)
        {
            super(delegate);
            this.metaOffset = metaOffset;
        }

        @Override
        public void write(final ByteBuffer src, final long position)
        {
            if (position == metaOffset)
            {
                boolean zero = true;
                for (int i = src.position(); i < src.limit(); i++)
                {
                    zero &= src.get(i) == 0;
                }
                if (!zero)
                {
                    throw new StorageException("injected crash before the meta write at " + position);
                }
                erasures++;
            }
            else if (position >= 2L * PAGE_SIZE && src.remaining() % PAGE_SIZE == 0)
            {
                // A page, or a run of adjacent pages written at once (PageRuns).
                pagesWritten.set((int)(position / PAGE_SIZE), (int)((position + src.remaining()) / PAGE_SIZE));
            }
            delegate.write(src, position);
        }
    }

    @Test
    void shouldNotCreateMissingOrEmptyFileWhenRevisionIsNamed() throws IOException
    {
        final Path missing = dir.resolve("missing");
        final NoSuchRevisionException e = assertThrows(NoSuchRevisionException.class,
            () -> Database.open(missing, options().openRevision(0).build()));
        assertEquals(List.of(), e.availableRevisions());
        assertFalse(Files.exists(missing));

        final Path empty = Files.createFile(dir.resolve("empty"));
        assertThrows(NoSuchRevisionException.class, () -> Database.open(empty, options().openRevision(0).build()));
        assertEquals(0, Files.size(empty));
        assertEquals(List.of(), Database.revisions(empty));
    }

    @Test
    void shouldListRevisionsOfNewAndDamagedFilesAndRejectOtherFiles() throws IOException
    {
        final Path fresh = dir.resolve("fresh");
        try (Database db = Database.open(fresh, options().build()))
        {
            assertEquals(0, db.revision());
        }
        assertEquals(List.of(0L), revisionNumbers(fresh)); // both meta pages hold revision 0: listed once
        try (Database db = Database.open(fresh, options().openRevision(0).build()))
        {
            assertEquals(0, db.revision());
            db.write(txn -> txn.createTree("a"));
            assertEquals(1, db.revision());
        }
        assertEquals(List.of(1L, 0L), revisionNumbers(fresh));

        damageMetaRecord(fresh, 0);
        damageMetaRecord(fresh, 1);
        assertEquals(List.of(), revisionNumbers(fresh));
        assertThrows(CorruptDatabaseException.class, () -> Database.open(fresh, options().openRevision(1).build()));

        final Path text = dir.resolve("text");
        Files.writeString(text, "not a database\n".repeat(100));
        assertThrows(NotADatabaseException.class, () -> Database.revisions(text));
        assertThrows(NotADatabaseException.class, () -> Database.revisions(dir));
        assertThrows(StorageException.class, () -> Database.revisions(dir.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> DatabaseOptions.builder().openRevision(-1));
        assertTrue(options().openRevision(3).openNewestRevision().build().openRevision().isEmpty());
        assertEquals(3, options().openRevision(3).build().toBuilder().build().openRevision().getAsLong());
    }
}
