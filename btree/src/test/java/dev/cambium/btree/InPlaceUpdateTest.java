package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A put that replaces an inline value with one of the same length overwrites it where it is: the leaf keeps every
 * cell in place and its free space; a value of another length, or one that goes to an overflow chain, takes the
 * general path (remove the cell, insert the new one).
 */
class InPlaceUpdateTest
{
    private static final int PAGE_SIZE = 4096;
    private static final int ENTRIES = 2_000;

    @Test
    void shouldOverwriteSameLengthValuesInPlaceAndResizeOthers()
    {
        final MemoryPages pages = new MemoryPages(PAGE_SIZE);
        final UnsafeBuffer key = new UnsafeBuffer(new byte[8]);
        final UnsafeBuffer value = new UnsafeBuffer(new byte[8000]);
        long root = BTreeReader.EMPTY;
        long rootRevision = 0;
        BTreeWriter writer = new BTreeWriter(pages);
        for (int i = 0; i < ENTRIES; i++)
        {
            key.putLong(0, i * 3L, ByteOrder.BIG_ENDIAN);
            value.setMemory(0, 100, (byte)i);
            root = writer.put(root, rootRevision, i, key, 0, 8, value, 0, 100);
            rootRevision = writer.rootRevision();
        }
        pages.commit();

        // Every key once, same length: inline, in place.
        writer = new BTreeWriter(pages);
        for (int i = 0; i < ENTRIES; i++)
        {
            key.putLong(0, i * 3L, ByteOrder.BIG_ENDIAN);
            value.setMemory(0, 100, (byte)(i + 1));
            root = writer.put(root, rootRevision, ENTRIES, key, 0, 8, value, 0, 100);
            rootRevision = writer.rootRevision();
            assertFalse(writer.lastPutInserted(), "key " + i + " replaced, not inserted");
        }
        final Node leaf = new Node();
        final long firstLeaf = firstLeaf(pages, root, rootRevision, leaf);
        final int freeBefore = leaf.free();
        final int offsetBefore = leaf.cellOffset(0);
        // The first key again, same length: same cell, same free space.
        key.putLong(0, 0, ByteOrder.BIG_ENDIAN);
        value.setMemory(0, 100, (byte)77);
        root = writer.put(root, rootRevision, ENTRIES, key, 0, 8, value, 0, 100);
        rootRevision = writer.rootRevision();
        assertEquals(firstLeaf, firstLeaf(pages, root, rootRevision, leaf), "the private leaf is changed where it is");
        assertEquals(freeBefore, leaf.free());
        assertEquals(offsetBefore, leaf.cellOffset(0), "the cell did not move");
        // Another length, then an overflow value, then back to inline: the general path each time.
        key.putLong(0, 3, ByteOrder.BIG_ENDIAN);
        value.setMemory(0, 8000, (byte)5);
        for (final int length : new int[]{60, 8000, 100})
        {
            root = writer.put(root, rootRevision, ENTRIES, key, 0, 8, value, 0, length);
            rootRevision = writer.rootRevision();
            assertFalse(writer.lastPutInserted());
            final UnsafeBuffer found = new UnsafeBuffer(0, 0);
            assertTrue(writer.get(root, rootRevision, key, 0, 8, found));
            assertEquals(length, found.capacity(), "length " + length);
        }
        pages.commit();

        final BTreeReader reader = new BTreeReader(pages);
        final UnsafeBuffer found = new UnsafeBuffer(0, 0);
        final byte[] expected = new byte[100];
        for (int i = 0; i < ENTRIES; i++)
        {
            key.putLong(0, i * 3L, ByteOrder.BIG_ENDIAN);
            assertTrue(reader.get(root, rootRevision, key, 0, 8, found), "key " + i);
            Arrays.fill(expected, (byte)(i == 0 ? 77 : i == 1 ? 5 : i + 1));
            final byte[] actual = new byte[found.capacity()];
            found.getBytes(0, actual);
            assertArrayEquals(expected, actual, "key " + i);
        }
    }

    /** Wraps {@code leaf} on the leftmost leaf and returns its page id. */
    private static long firstLeaf(final MemoryPages pages, final long root, final long rootRevision, final Node leaf)
    {
        long id = root;
        long revision = rootRevision;
        while (true)
        {
            leaf.wrap(pages, id, revision);
            if (leaf.isLeaf())
            {
                return id;
            }
            final long child = leaf.child(0);
            revision = leaf.childRevision(0);
            id = child;
        }
    }
}
