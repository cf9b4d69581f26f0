package dev.cambium.jmh.peers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache of loaded stores, the sizes file, and the data set's determinism. */
class DatasetCacheTest
{
    private Path root;
    private String oldCacheDir;
    private String oldSizesFile;

    @BeforeEach
    void useTemporaryRoot() throws Exception
    {
        root = Files.createTempDirectory("cambium-jmh-cache-test");
        oldCacheDir = System.setProperty("cambium.jmh.cacheDir", root.toString());
        oldSizesFile = System.getProperty(StoreFiles.SIZES_FILE);
    }

    @AfterEach
    void restore() throws Exception
    {
        restore("cambium.jmh.cacheDir", oldCacheDir);
        restore(StoreFiles.SIZES_FILE, oldSizesFile);
        StoreFiles.delete(root);
    }

    private static void restore(final String key, final String value)
    {
        if (value == null)
        {
            System.clearProperty(key);
        }
        else
        {
            System.setProperty(key, value);
        }
    }

    @Test
    void shouldReuseACachedStoreAndRebuildOneWhoseMarkerDoesNotMatch() throws Exception
    {
        final Dataset data = Dataset.of(2500, 8, "random", 20, 42);
        final Path dir = DatasetCache.loaded("cambium", data);
        final Path marker = dir.resolve(DatasetCache.MARKER);
        Files.setLastModifiedTime(marker, FileTime.fromMillis(1_000_000L));

        assertEquals(dir, DatasetCache.loaded("cambium", data));
        assertEquals(1_000_000L, Files.getLastModifiedTime(marker).toMillis(), "a valid cache is reused, not rebuilt");

        Files.writeString(marker, "format=0\n", StandardCharsets.UTF_8);
        assertEquals(dir, DatasetCache.loaded("cambium", data));
        assertNotEquals(1_000_000L, Files.getLastModifiedTime(marker).toMillis(), "a stale marker forces a rebuild");

        final Peer peer = Peers.create("cambium");
        try
        {
            peer.open(dir, Peer.Durability.NO_SYNC);
            try (Peer.Reader r = peer.beginRead())
            {
                for (int i = 0; i < data.entries; i += 97)
                {
                    assertEquals(Fingerprint.valueOf(data.values[i]), r.get(data.keys[i]));
                }
            }
        }
        finally
        {
            peer.close();
        }
    }

    @Test
    void shouldRebuildACachedCambiumStoreLoadedByAnotherBuildOfTheEngine() throws Exception
    {
        final Dataset data = Dataset.of(1200, 8, "random", 20, 43);
        final Path dir = DatasetCache.loaded("cambium", data);
        final Path marker = dir.resolve(DatasetCache.MARKER);
        final String written = Files.readString(marker, StandardCharsets.UTF_8);
        final String id = EngineBuild.id();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertTrue(written.contains("engine=" + id + "\n"), written);

        // The same marker from a build whose engine classes differ.
        Files.writeString(marker, written.replace(id, "0".repeat(64)), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(marker, FileTime.fromMillis(1_000_000L));
        assertEquals(dir, DatasetCache.loaded("cambium", data));
        assertNotEquals(1_000_000L, Files.getLastModifiedTime(marker).toMillis(), "another engine's store is rebuilt");
        assertTrue(Files.readString(marker, StandardCharsets.UTF_8).contains("engine=" + id + "\n"));
    }

    @Test
    void shouldAppendOneTabSeparatedLinePerSize() throws Exception
    {
        final Path sizes = root.resolve("sizes.tsv");
        System.setProperty(StoreFiles.SIZES_FILE, sizes.toString());
        final Dataset data = Dataset.of(10, 16, "sequential", 100, 1);
        StoreFiles.appendSize("loadRandom", "lmdb", data.params(), 12345, data.rawBytes());
        StoreFiles.appendSize("loadSequential", "cambium", data.params(), 678, data.rawBytes());

        final List<String> lines = Files.readAllLines(sizes, StandardCharsets.UTF_8);
        assertEquals(List.of(
            "loadRandom\tlmdb\tentries=10,keyLength=16,keyOrder=sequential,valueLength=100\t12345\t1160",
            "loadSequential\tcambium\tentries=10,keyLength=16,keyOrder=sequential,valueLength=100\t678\t1160"), lines);
    }

    @Test
    void shouldGenerateTheSameSortedDistinctKeysFromTheSameSeed()
    {
        final Dataset a = Dataset.of(5000, 8, "random", 100, 7);
        final Dataset b = Dataset.of(5000, 8, "random", 100, 7);
        for (int i = 0; i < a.entries; i++)
        {
            assertArrayEquals(a.keys[i], b.keys[i]);
            assertArrayEquals(a.values[i], b.values[i]);
            if (i > 0)
            {
                assertTrue(java.util.Arrays.compareUnsigned(a.keys[i - 1], a.keys[i]) < 0,
                    "sorted and distinct at " + i);
            }
        }
        final Dataset seq = Dataset.of(300, 8, "sequential", 1, 7);
        assertArrayEquals(new byte[]{0, 0, 0, 0, 0, 0, 1, 43}, seq.keys[299]);
    }
}
