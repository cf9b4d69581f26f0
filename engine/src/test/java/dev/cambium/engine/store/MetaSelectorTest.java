package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.NotADatabaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Function;

import static dev.cambium.engine.store.StoreFixtures.flipBit;
import static dev.cambium.engine.store.StoreFixtures.meta;
import static dev.cambium.engine.store.StoreFixtures.poke;
import static dev.cambium.engine.store.StoreFixtures.writeDatabase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaSelectorTest
{
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    private <T> T withStorage(final Path file, final Function<Storage, T> body)
    {
        final FileStorage storage = FileStorage.open(file);
        try
        {
            return body.apply(storage);
        }
        finally
        {
            storage.close();
        }
    }

    private MetaSelector.Selection select(final Path file)
    {
        return withStorage(file, MetaSelector::select);
    }

    @Test
    void newestValidMetaWins()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 4, 8), meta(PAGE, 5, 9));

        final MetaSelector.Selection s = select(file);

        assertEquals(5, s.meta().revision());
        assertEquals(9, s.meta().highWater());
        assertEquals(1, s.chosenSlot());
        assertTrue(s.bothValid());
    }

    @Test
    void newestValidMetaWinsWhenItIsInSlotZero()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 6, 9), meta(PAGE, 5, 8));

        assertEquals(6, select(file).meta().revision());
    }

    @Test
    void fallsBackToOlderMetaWhenNewestHasAFlippedBit()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 4, 8), meta(PAGE, 5, 9));
        flipBit(file, PAGE + MetaCodec.HIGH_WATER_OFFSET, 3);

        final MetaSelector.Selection s = select(file);

        assertEquals(4, s.meta().revision());
        assertEquals(0, s.chosenSlot());
        assertFalse(s.bothValid());
        assertTrue(s.describe().contains("checksum mismatch"), s.describe());
    }

    @Test
    void fallsBackToOlderMetaWhenNewestIsZeroed()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 4, 8), meta(PAGE, 5, 9));
        poke(file, PAGE, new byte[MetaCodec.RECORD_LENGTH]);

        assertEquals(4, select(file).meta().revision());
    }

    @Test
    void fallsBackToOlderMetaWhenNewestIsTorn()
    {
        // Slot 0 held revision 4 and was being overwritten with revision 6: only the first 64 bytes made it.
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 4, 8), meta(PAGE, 5, 9));
        final ByteBuffer newer = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(meta(PAGE, 6, 10), newer);
        final byte[] torn = new byte[64];
        newer.get(0, torn);
        poke(file, 0, torn);

        final MetaSelector.Selection s = select(file);

        assertEquals(5, s.meta().revision());
        assertEquals(1, s.chosenSlot());
        assertFalse(s.slot0().valid());
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 8192, 65536})
    void probingFindsMetaPageOneWhenPageZeroIsGarbage(final int pageSize)
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, pageSize, 6, meta(pageSize, 4, 5), meta(pageSize, 3, 6));
        final byte[] garbage = new byte[MetaCodec.RECORD_LENGTH];
        new Random(pageSize).nextBytes(garbage);
        poke(file, 0, garbage);

        final MetaSelector.Selection s = select(file);

        assertEquals(3, s.meta().revision());
        assertEquals(pageSize, s.meta().pageSize());
        assertEquals(pageSize, s.slot1().offset());
    }

    @Test
    void randomBytesAreNotADatabase() throws IOException
    {
        final Path file = dir.resolve("random");
        final byte[] bytes = new byte[200_000];
        new Random(42).nextBytes(bytes);
        Files.write(file, bytes);

        final NotADatabaseException e = assertThrows(NotADatabaseException.class, () -> select(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void textFileIsNotADatabase() throws IOException
    {
        final Path file = dir.resolve("notes.txt");
        Files.writeString(file, "Dear diary,\n".repeat(500), StandardCharsets.UTF_8);

        assertThrows(NotADatabaseException.class, () -> select(file));
    }

    @Test
    void nonEmptyFileShorterThanTheSmallestPageIsNotADatabase() throws IOException
    {
        final Path file = dir.resolve("short");
        Files.write(file, new byte[511]);

        final NotADatabaseException e = assertThrows(NotADatabaseException.class, () -> select(file));
        assertTrue(e.getMessage().contains("511"), e.getMessage());
    }

    @Test
    void bothMetasDamagedIsCorruptNotForeign()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 10, meta(PAGE, 4, 8), meta(PAGE, 5, 9));
        flipBit(file, MetaCodec.REVISION_OFFSET, 0);
        flipBit(file, PAGE + MetaCodec.REVISION_OFFSET, 0);

        final CorruptDatabaseException e = assertThrows(CorruptDatabaseException.class, () -> select(file));
        assertTrue(e.getMessage().contains("both meta pages are damaged"), e.getMessage());
    }

    @Test
    void truncatedFileRejectsTheMetaThatNoLongerFitsAndFallsBack()
    {
        // The newest meta claims 9 pages, but the file was cut to 6: reading page 8 through a mapping would be a
        // SIGBUS, so that meta must be rejected before anything is mapped.
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 9, meta(PAGE, 4, 5), meta(PAGE, 5, 9));
        StoreFixtures.setLength(file, 6L * PAGE);

        final MetaSelector.Selection s = select(file);

        assertEquals(4, s.meta().revision());
        assertTrue(s.slot1().problem().contains("high-water"), s.slot1().problem());
    }

    @Test
    void truncatedFileWithNoMetaThatFitsIsCorrupt()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 9, meta(PAGE, 4, 8), meta(PAGE, 5, 9));
        StoreFixtures.setLength(file, 3L * PAGE);

        assertThrows(CorruptDatabaseException.class, () -> select(file));
    }

    @Test
    void unsupportedFormatVersionIsNotADatabase()
    {
        final Path file = dir.resolve("db");
        writeDatabase(file, PAGE, 4, null, null);
        for (final long offset : new long[]{0, PAGE})
        {
            final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            MetaCodec.encode(meta(PAGE, offset == 0 ? 2 : 3, 4), record);
            record.putShort(MetaCodec.VERSION_OFFSET, (short)7);
            record.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(record));
            poke(file, offset, record.array());
        }

        final NotADatabaseException e = assertThrows(NotADatabaseException.class, () -> select(file));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void emptyFileIsLeftToTheCaller() throws IOException
    {
        final Path file = dir.resolve("empty");
        Files.createFile(file);

        assertThrows(IllegalArgumentException.class, () -> select(file));
    }
}
