package dev.cambium.engine.store;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaCodecTest
{
    private static final Meta SAMPLE = new Meta(4096, 0x1_2345_6789L, 1000, 17, 0x1_2345_0001L, 3, 40, 0x1_2345_6789L,
        41, 5,
        1_700_000_000_123L);

    @Test
    void metaRoundTripsThroughTheRecord()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(SAMPLE, record);

        final MetaCodec.Candidate decoded = MetaCodec.decode(record, 0, 0, 1000L * 4096);

        assertTrue(decoded.valid(), decoded.problem());
        assertEquals(SAMPLE, decoded.meta());
    }

    @Test
    void recordIsLittleEndianWithMagicBytesAndZeroReservedTail()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(SAMPLE, record);
        final byte[] b = record.array();

        assertEquals("CMBM", new String(b, MetaCodec.MAGIC_OFFSET, 4, StandardCharsets.US_ASCII));
        assertEquals(2, b[MetaCodec.VERSION_OFFSET]);
        assertEquals(0, b[MetaCodec.VERSION_OFFSET + 1]);
        final ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4096, le.getInt(MetaCodec.PAGE_SIZE_OFFSET));
        assertEquals(0x1_2345_6789L, le.getLong(MetaCodec.REVISION_OFFSET));
        assertEquals(1000, le.getLong(MetaCodec.HIGH_WATER_OFFSET));
        assertEquals(17, le.getLong(MetaCodec.CATALOG_ROOT_OFFSET));
        assertEquals(3, le.getLong(MetaCodec.TREE_COUNT_OFFSET));
        assertEquals(40, le.getLong(MetaCodec.FREE_SPACE_ROOT_OFFSET));
        assertEquals(41, le.getLong(MetaCodec.PENDING_ROOT_OFFSET));
        assertEquals(5, le.getLong(MetaCodec.FREE_PAGE_COUNT_OFFSET));
        assertEquals(1_700_000_000_123L, le.getLong(MetaCodec.COMMIT_TIME_OFFSET));
        assertEquals(80, MetaCodec.CATALOG_ROOT_REVISION_OFFSET);
        assertEquals(0x1_2345_0001L, le.getLong(MetaCodec.CATALOG_ROOT_REVISION_OFFSET));
        assertEquals(88, MetaCodec.FREE_SPACE_ROOT_REVISION_OFFSET);
        assertEquals(0x1_2345_6789L, le.getLong(MetaCodec.FREE_SPACE_ROOT_REVISION_OFFSET));
        assertEquals(96, MetaCodec.LIST_COUNT_OFFSET);
        assertEquals(0, le.getInt(MetaCodec.LIST_COUNT_OFFSET), "no page list");
        assertEquals(100, MetaCodec.LIST_CHECKSUM_OFFSET);
        assertEquals(104, MetaCodec.RESERVED_OFFSET);
        assertEquals(MetaCodec.checksum(record), le.getInt(MetaCodec.CHECKSUM_OFFSET));
        for (int i = MetaCodec.RESERVED_OFFSET; i < MetaCodec.RECORD_LENGTH; i++)
        {
            assertEquals(0, b[i], "reserved byte " + i);
        }
    }

    @Test
    void encodeLeavesBufferStateAlone()
    {
        final ByteBuffer page = ByteBuffer.allocateDirect(4096).position(100).limit(200);
        MetaCodec.encode(SAMPLE, page);
        assertEquals(100, page.position());
        assertEquals(200, page.limit());
        assertEquals(ByteOrder.BIG_ENDIAN, page.order());
    }

    @Test
    void everySingleBitFlipIsRejected()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(SAMPLE, record);
        for (int bit = 0; bit < MetaCodec.RECORD_LENGTH * 8; bit++)
        {
            final ByteBuffer copy = ByteBuffer.wrap(record.array().clone());
            copy.put(bit >>> 3, (byte)(copy.get(bit >>> 3) ^ (1 << (bit & 7))));
            assertFalse(MetaCodec.decode(copy, 0, 0, 1000L * 4096).valid(), "bit " + bit);
        }
    }

    @Test
    void slotOneIsOnlyValidAtTheOffsetEqualToItsPageSize()
    {
        final Meta meta = new Meta(8192, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0);
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(meta, record);

        assertTrue(MetaCodec.decode(record, 1, 8192, 16384).valid());
        final MetaCodec.Candidate elsewhere = MetaCodec.decode(record, 1, 4096, 16384);
        assertFalse(elsewhere.valid());
        assertTrue(elsewhere.magicFound());
    }

    @Test
    void metaWhoseHighWaterExceedsTheFileIsRejected()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(SAMPLE, record);

        final MetaCodec.Candidate c = MetaCodec.decode(record, 0, 0, 999L * 4096);

        assertFalse(c.valid());
        assertNull(c.meta());
        assertTrue(c.problem().contains("high-water"), c.problem());
    }

    @Test
    void otherFormatVersionIsReportedAsUnsupported()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        MetaCodec.encode(SAMPLE, record);
        record.putShort(MetaCodec.VERSION_OFFSET, (short)3);
        record.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(record));

        final MetaCodec.Candidate c = MetaCodec.decode(record, 0, 0, 1000L * 4096);

        assertFalse(c.valid());
        assertTrue(c.unsupportedVersion());
        assertTrue(c.problem().contains("unsupported format version 3"), c.problem());
    }

    @Test
    void formatOneIsRefusedWithWhatToDo()
    {
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        MetaCodec.encode(SAMPLE, record);
        record.putShort(MetaCodec.VERSION_OFFSET, (short)1);
        record.putInt(MetaCodec.CHECKSUM_OFFSET, MetaCodec.checksum(record));

        final MetaCodec.Candidate c = MetaCodec.decode(record, 0, 0, 1000L * 4096);

        assertFalse(c.valid());
        assertTrue(c.unsupportedVersion());
        assertEquals(MetaCodec.FORMAT_1_REFUSAL, c.problem());
        assertTrue(c.problem().contains("dump it with a format-1 build and load it into a new file"), c.problem());
    }

    @Test
    void metaConstructorRejectsBrokenInvariants()
    {
        assertThrows(IllegalArgumentException.class, () -> new Meta(1000, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(256, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(131072, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, -1, 2, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 0, 10, 1, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 0, 10, 10, 0, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 0, Long.MAX_VALUE, 0, 0, 0, 0, 0, 0, 0, 0));
        // A root's revision: 0 exactly for an empty root, else from 1 to the meta's revision.
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 2, 0, 1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 2, 6, 1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 0, 3, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 0, 0, 0, 3, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 0, 0, 0, 0, 2, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Meta(4096, 5, 10, 0, 0, 0, 3, 9, 0, 0, 0));
        new Meta(4096, 5, 10, 2, 5, 1, 3, 1, 0, 0, 0);
    }

    @Test
    void encodedPageIsRecordFollowedByZeros()
    {
        final ByteBuffer page = MetaCodec.encodePage(SAMPLE);
        assertEquals(4096, page.remaining());
        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH);
        MetaCodec.encode(SAMPLE, record);
        assertArrayEquals(record.array(), StoreFixtures.bytes(page, 0, MetaCodec.RECORD_LENGTH));
        assertArrayEquals(new byte[4096 - MetaCodec.RECORD_LENGTH],
            StoreFixtures.bytes(page, MetaCodec.RECORD_LENGTH, 4096));
    }
}
