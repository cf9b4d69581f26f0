package dev.cambium.engine.store;

import dev.cambium.NotADatabaseException;
import dev.cambium.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FileStorageTest
{
    @TempDir
    Path dir;

    @Test
    void createsMissingFileAndReportsIt()
    {
        final Path file = dir.resolve("db");
        final FileStorage s = FileStorage.open(file);
        try
        {
            assertTrue(s.created());
            assertEquals(0, s.size());
        }
        finally
        {
            s.close();
        }
        final FileStorage again = FileStorage.open(file);
        assertFalse(again.created());
        again.close();
    }

    @Test
    void writeThenReadRoundTripsAndConsumesTheBuffers()
    {
        final FileStorage s = FileStorage.open(dir.resolve("db"));
        try
        {
            final ByteBuffer src = ByteBuffer.allocateDirect(10_000);
            for (int i = 0; i < src.capacity(); i++)
            {
                src.put(i, (byte)i);
            }
            s.write(src, 1234);
            assertFalse(src.hasRemaining());
            assertEquals(11_234, s.size());

            final ByteBuffer dst = ByteBuffer.allocate(10_000);
            s.read(dst, 1234);
            assertFalse(dst.hasRemaining());
            assertEquals(src.flip(), dst.flip());
        }
        finally
        {
            s.close();
        }
    }

    @Test
    void readPastEndOfFileThrowsNamingPathAndOperation()
    {
        final FileStorage s = FileStorage.open(dir.resolve("db"));
        try
        {
            s.write(ByteBuffer.allocate(100), 0);
            final StorageException e = assertThrows(StorageException.class, () -> s.read(ByteBuffer.allocate(200), 0));
            assertTrue(e.getMessage().contains("read") && e.getMessage().contains(s.path().toString()), e.getMessage());
        }
        finally
        {
            s.close();
        }
    }

    @Test
    void refusesToMapPastTheEndOfTheFile()
    {
        final FileStorage s = FileStorage.open(dir.resolve("db"));
        try
        {
            s.write(ByteBuffer.allocate(8192), 0);
            final MappedByteBuffer m = s.mapReadOnly(0, 8192);
            assertEquals(8192, m.capacity());
            assertThrows(StorageException.class, () -> s.mapReadOnly(4096, 8192));
            assertEquals(8192, s.size(), "a read-only map must never extend the file");
        }
        finally
        {
            s.close();
        }
    }

    @Test
    void truncateShrinksButNeverGrows()
    {
        final FileStorage s = FileStorage.open(dir.resolve("db"));
        try
        {
            s.write(ByteBuffer.allocate(8192), 0);
            s.truncate(5000);
            assertEquals(5000, s.size());
            s.truncate(9000);
            assertEquals(5000, s.size());
        }
        finally
        {
            s.close();
        }
    }

    @Test
    void mappingStaysReadableAfterClose()
    {
        final FileStorage s = FileStorage.open(dir.resolve("db"));
        s.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}), 0);
        final MappedByteBuffer m = s.mapReadOnly(0, 4);
        s.close();
        s.close(); // idempotent
        assertEquals(3, m.get(2));
    }

    @Test
    void directoryIsNotADatabase() throws IOException
    {
        final Path sub = Files.createDirectory(dir.resolve("sub"));
        final NotADatabaseException e = assertThrows(NotADatabaseException.class, () -> FileStorage.open(sub));
        assertTrue(e.getMessage().contains(sub.toString()), e.getMessage());
    }

    @Test
    void deviceFileIsNotADatabase()
    {
        final Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        assertThrows(NotADatabaseException.class, () -> FileStorage.open(devNull));
    }

    @Test
    void shouldLoopOverShortWritesUntilEveryByteIsWritten()
    {
        final FaultyChannel channel = FaultyChannel.open(dir.resolve("db"), 42).shortWrites(7);
        final FileStorage s = channel.storage();
        try
        {
            final byte[] data = new byte[10_000];
            for (int i = 0; i < data.length; i++)
            {
                data[i] = (byte)(i * 13 + 1);
            }
            final ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            s.write(src, 1234);
            assertFalse(src.hasRemaining());
            assertEquals(11_234, s.size());
            final ByteBuffer back = ByteBuffer.allocate(data.length);
            s.read(back, 1234);
            assertArrayEquals(data, back.array());
            assertTrue(channel.writeCalls() >= data.length / 7, "calls: " + channel.writeCalls());
            System.out.println("short writes: 10,000 bytes written in " + channel.writeCalls() +
                " calls of 1..7 bytes, read back intact");
        }
        finally
        {
            s.close();
        }
    }

    @Test
    void shouldReportNoSpaceLeftWithHowFarTheWriteGot()
    {
        final Path file = dir.resolve("db");
        final FaultyChannel channel = FaultyChannel.open(file, 1).spaceLimit(5000);
        final FileStorage s = channel.storage();
        try
        {
            s.write(ByteBuffer.allocate(4000), 0);
            final StorageException e = assertThrows(StorageException.class,
                () -> s.write(ByteBuffer.allocate(10_000), 3000));
            assertTrue(e.getMessage().contains("write of 10000 bytes at offset 3000 of " + file.toAbsolutePath() +
                " failed after 2000 bytes: java.io.IOException: No space left on device"), e.getMessage());
            assertEquals(5000, s.size(), "the part that fitted was written (a short write), then ENOSPC");
            assertEquals(1, channel.noSpaceFailures());

            channel.spaceLimit(Long.MAX_VALUE); // space freed
            s.write(ByteBuffer.allocate(10_000), 3000);
            assertEquals(13_000, s.size());
        }
        finally
        {
            s.close();
        }
    }
}
