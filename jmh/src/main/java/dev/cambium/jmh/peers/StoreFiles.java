package dev.cambium.jmh.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Files of the benchmarks: where stores live, their size, copies, and the sizes file.
 *
 * <p>Everything lives under {@link #root()}: system property {@code cambium.jmh.cacheDir}, else
 * {@code ${java.io.tmpdir}/cambium-jmh}. Cached data sets are kept there between runs; work and
 * load directories are deleted by the benchmark that made them.
 */
public final class StoreFiles
{
    /** System property naming the file that load benchmarks append size lines to. */
    public static final String SIZES_FILE = "cambium.jmh.sizesFile";

    private StoreFiles()
    {
    }

    /**
     * @return the benchmarks' directory, created if needed.
     * @throws IOException if it cannot be created.
     */
    public static Path root() throws IOException
    {
        final String configured = System.getProperty("cambium.jmh.cacheDir");
        final Path root = configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("java.io.tmpdir"), "cambium-jmh");
        return Files.createDirectories(root);
    }

    /**
     * @param prefix name prefix.
     * @return a new empty directory under {@link #root()}.
     * @throws IOException on failure.
     */
    public static Path newDirectory(final String prefix) throws IOException
    {
        return Files.createTempDirectory(root(), prefix);
    }

    /**
     * @param dir a store's directory.
     * @return the summed length of the regular files in it (recursively).
     * @throws IOException on failure.
     */
    public static long bytes(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile).mapToLong(p ->
            {
                try
                {
                    return Files.size(p);
                }
                catch (final IOException e)
                {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /**
     * Copies a store's directory (flat) and forces every copied file and the directory, so the
     * copy's dirty pages are not written back during a measurement (or by its first fsync).
     *
     * @param from source directory.
     * @param prefix name prefix of the new directory.
     * @return the copy.
     * @throws IOException on failure.
     */
    public static Path copyForced(final Path from, final String prefix) throws IOException
    {
        final Path to = newDirectory(prefix);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path p : (Iterable<Path>)files::iterator)
            {
                if (!Files.isRegularFile(p) || p.getFileName().toString().equals(DatasetCache.MARKER))
                {
                    continue;
                }
                final Path target = to.resolve(p.getFileName());
                Files.copy(p, target);
                try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE))
                {
                    ch.force(true);
                }
            }
        }
        forceDirectory(to);
        return to;
    }

    static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ))
        {
            ch.force(true);
        }
    }

    /**
     * Deletes a directory tree; a missing one is fine.
     *
     * @param dir the directory.
     * @throws IOException on failure.
     */
    public static void delete(final Path dir) throws IOException
    {
        if (dir == null || !Files.exists(dir))
        {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException
            {
                if (e != null)
                {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Appends {@code workload\tstore\tparams\tfileBytes\trawBytes\n} to the file named by
     * {@value #SIZES_FILE}, if set, with one write on a file opened for append (so lines of
     * concurrent writers do not interleave).
     *
     * @param workload  benchmark method name.
     * @param store     store name.
     * @param params    {@code k=v,k=v} of the other parameters.
     * @param fileBytes bytes of the store's files.
     * @param rawBytes  bytes of keys and values loaded.
     * @throws IOException on failure.
     */
    public static void appendSize(final String workload, final String store, final String params, final long fileBytes,
        final long rawBytes) throws IOException
    {
        final String file = System.getProperty(SIZES_FILE);
        if (file == null || file.isEmpty())
        {
            return;
        }
        final byte[] line = (workload + '\t' + store + '\t' + params + '\t' + fileBytes + '\t' + rawBytes + '\n')
            .getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND))
        {
            final ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining())
            {
                ch.write(b);
            }
        }
    }
}
