package dev.cambium.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cambium.CambiumException;
import dev.cambium.CheckReport;
import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.PageVerification;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzz targets for opening and checking a whole (small) database file image: {@link Database#open}
 * must succeed or throw a {@link CambiumException}; {@link Database#check()} must return a report
 * or throw a {@link CambiumException}; reading every tree with cursors and lookups may only throw
 * {@link CambiumException}. Anything else (an out-of-bounds error, an {@code InternalError} from a
 * read past the end of a mapping, a hang, a JVM crash) is a finding.
 *
 * <p>{@link #mutatedImage}: the input is a list of edits applied to a valid seed image (built once
 * per JVM, deterministically: 1 KiB pages, two trees, a few hundred entries, an overflow value,
 * updates and deletes so that there are free pages): optionally a new file length (truncation or
 * zero extension), then (offset, byte) writes, (offset, xor) flips and 8-byte little-endian word
 * writes. {@link #rawImage}: the input bytes are the whole file.
 *
 * <p>The image under test is written to {@code target/fuzz-work/<target>-current.cambium} before
 * each run, so if the JVM dies (SIGBUS in a mapped read) the killing image stays there.
 *
 * <p>Regression inputs: {@code src/test/resources/dev/cambium/fuzz/FileImageFuzzTestInputs/<method>/}.
 */
class FileImageFuzzTest
{
    static final int PAGE_SIZE = 1024;
    static final int MAX_STEPS = 10_000;
    /** Most heap one open-check-read round may allocate for an image of a few dozen KiB. */
    static final long MAX_ALLOCATION = 64L << 20;
    static final Path WORK = Paths.get("target", "fuzz-work");

    private static byte[] seed;

    static synchronized byte[] seed()
    {
        if (seed == null)
        {
            seed = buildSeed();
        }
        return seed;
    }

    static DatabaseOptions options(final PageVerification verification)
    {
        return DatabaseOptions.builder()
            .pageSize(PAGE_SIZE)
            .durability(Durability.NO_SYNC)
            .pageVerification(verification)
            .backgroundCleaner(false)
            .growth(PAGE_SIZE, 16 * PAGE_SIZE)
            .build();
    }

    static byte[] key(final String prefix, final int i)
    {
        return String.format("%s%05d", prefix, i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(final int i, final int len)
    {
        final byte[] v = new byte[len];
        for (int j = 0; j < len; j++)
        {
            v[j] = (byte)(i * 31 + j);
        }
        return v;
    }

    private static byte[] buildSeed()
    {
        try
        {
            Files.createDirectories(WORK);
            final Path dir = Files.createTempDirectory(WORK, "seed");
            final Path file = dir.resolve("seed.cambium");
            try (Database db = Database.open(file, options(PageVerification.FIRST_READ)))
            {
                db.write(txn ->
                {
                    final Tree a = txn.createTree("alpha");
                    final Tree b = txn.createTree("beta");
                    for (int i = 0; i < 300; i++)
                    {
                        a.put(key("a-", i), value(i, 12));
                    }
                    for (int i = 0; i < 80; i++)
                    {
                        b.put(key("b-", i), value(i, 3));
                    }
                    b.put("big".getBytes(StandardCharsets.US_ASCII), value(7, 3000));
                });
                db.write(txn ->
                {
                    final Tree a = txn.tree("alpha");
                    for (int i = 0; i < 300; i += 3)
                    {
                        a.delete(key("a-", i));
                    }
                    for (int i = 1; i < 300; i += 7)
                    {
                        a.put(key("a-", i), value(i + 1, 20));
                    }
                });
                db.runCleaner();
                db.write(txn -> txn.tree("beta").put(key("b-", 999), value(9, 40)));
                db.runCleaner();
            }
            final byte[] image = Files.readAllBytes(file);
            Files.write(WORK.resolve("seed.cambium"), image);
            deleteTree(dir);
            return image;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> s = Files.walk(dir))
        {
            for (final Path p : (Iterable<Path>)s.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The seed itself must open, check clean and read back in full. */
    @org.junit.jupiter.api.Test
    void seedImageIsValid() throws IOException
    {
        assertValidSeed(seed());
    }

    private static void assertValidSeed(final byte[] image) throws IOException
    {
        Files.createDirectories(WORK); // this test may run before any fuzz target created it
        final Path dir = Files.createTempDirectory(WORK, "valid");
        try
        {
            final Path file = dir.resolve("db.cambium");
            Files.write(file, image);
            try (Database db = Database.open(file, options(PageVerification.EVERY_READ)))
            {
                final CheckReport report = db.check();
                org.junit.jupiter.api.Assertions.assertTrue(report.ok(), report.toString());
                org.junit.jupiter.api.Assertions.assertTrue(report.freePages() + report.pendingPages() > 0,
                    report.toString());
                db.read(txn ->
                {
                    org.junit.jupiter.api.Assertions.assertEquals(List.of("alpha", "beta"), txn.treeNames());
                    org.junit.jupiter.api.Assertions.assertEquals(214, txn.tree("alpha").size());
                    org.junit.jupiter.api.Assertions.assertEquals(82, txn.tree("beta").size());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(value(7, 3000),
                        txn.tree("beta").get("big".getBytes(StandardCharsets.US_ASCII)));
                    return null;
                });
            }
        }
        finally
        {
            deleteTree(dir);
        }
    }

    /**
     * The committed {@code rawImage} input is the seed image in the current file format (regenerate it from
     * {@code target/fuzz-work/seed.cambium} when the format changes): an image of an older format only reaches
     * the format refusal, not the decoders.
     */
    @org.junit.jupiter.api.Test
    void committedRawSeedIsInTheCurrentFormat() throws IOException
    {
        try (java.io.InputStream in = FileImageFuzzTest.class.getResourceAsStream(
            "FileImageFuzzTestInputs/rawImage/seed-image"))
        {
            org.junit.jupiter.api.Assertions.assertNotNull(in, "rawImage/seed-image is missing");
            assertValidSeed(in.readAllBytes());
        }
    }

    @FuzzTest(maxDuration = "4m")
    void mutatedImage(final FuzzedDataProvider data)
    {
        final byte[] base = seed();
        byte[] image = base.clone();
        final PageVerification verification = data.consumeBoolean()
            ? PageVerification.EVERY_READ
            : PageVerification.FIRST_READ;
        if (data.consumeInt(0, 7) == 7)
        {
            image = Arrays.copyOf(image, data.consumeInt(0, base.length + 4 * PAGE_SIZE));
        }
        final int edits = data.consumeInt(0, 32);
        for (int e = 0; e < edits && image.length > 0 && data.remainingBytes() > 0; e++)
        {
            final int kind = data.consumeInt(0, 2);
            final int at = data.consumeInt(0, image.length - 1);
            switch (kind)
            {
                case 0 -> image[at] = data.consumeByte();
                case 1 -> image[at] ^= (byte)(1 << data.consumeInt(0, 7));
                default -> {
                    final long word = data.consumeLong();
                    for (int j = 0; j < 8 && at + j < image.length; j++)
                    {
                        image[at + j] = (byte)(word >>> (8 * j));
                    }
                }
            }
        }
        openCheckAndRead("mutatedImage", image, verification);
    }

    @FuzzTest(maxDuration = "2m")
    void rawImage(final byte[] data)
    {
        openCheckAndRead("rawImage", data, PageVerification.EVERY_READ);
    }

    static void openCheckAndRead(final String target, final byte[] image, final PageVerification verification)
    {
        final Path dir;
        final Path file;
        try
        {
            Files.createDirectories(WORK);
            file = WORK.resolve(target + "-current.cambium");
            Files.deleteIfExists(file);
            Files.write(file, image);
            dir = Files.createTempDirectory(WORK, target);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        // open a copy, so the engine's own writes (recovery, growth) leave the input image intact
        final Path copy = dir.resolve("db.cambium");
        try
        {
            Allocation.bounded(() ->
            {
                try
                {
                    Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
                run(copy, verification);
            }, MAX_ALLOCATION, "open, check and read");
        }
        finally
        {
            try
            {
                deleteTree(dir);
            }
            catch (final IOException ignored)
            {
                // a leftover temp file is not a finding
            }
        }
    }

    private static void run(final Path file, final PageVerification verification)
    {
        final Database db;
        try
        {
            db = Database.open(file, options(verification));
        }
        catch (final CambiumException e)
        {
            return;
        }
        try (db)
        {
            try
            {
                final CheckReport report = db.check();
                if (report == null)
                {
                    throw new AssertionError("check() returned null");
                }
            }
            catch (final CambiumException e)
            {
                // allowed
            }
            try
            {
                readAll(db);
            }
            catch (final CambiumException e)
            {
                // allowed
            }
        }
        catch (final CambiumException e)
        {
            // close may report a problem too
        }
    }

    private static void readAll(final Database db)
    {
        try (ReadTransaction txn = db.beginRead())
        {
            final List<String> names = txn.treeNames();
            for (final String name : names)
            {
                try
                {
                    readTree(txn.tree(name));
                }
                catch (final CambiumException e)
                {
                    // next tree
                }
            }
        }
    }

    private static void readTree(final Tree tree)
    {
        final List<byte[]> keys = new ArrayList<>();
        try (Cursor c = tree.cursor())
        {
            int steps = 0;
            for (boolean ok = c.first(); ok && steps < MAX_STEPS; ok = c.next(), steps++)
            {
                final byte[] k = c.key();
                c.value();
                if (keys.size() < 16)
                {
                    keys.add(k);
                }
            }
            steps = 0;
            for (boolean ok = c.last(); ok && steps < MAX_STEPS; ok = c.prev(), steps++)
            {
                c.key();
                c.value();
            }
        }
        catch (final CambiumException e)
        {
            // go on with lookups
        }
        try
        {
            tree.size();
        }
        catch (final CambiumException e)
        {
            // allowed
        }
        for (final byte[] k : keys)
        {
            try
            {
                tree.get(k);
                tree.containsKey(k);
                tree.count(new byte[0], k);
            }
            catch (final CambiumException e)
            {
                // allowed
            }
        }
    }
}
