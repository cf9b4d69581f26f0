package dev.cambium.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The kernel's price of a commit's page writes (issue 10): what it costs to write 200 pages of 4 KiB into a 160 MB
 * file that is in the page cache, as one positional write per scattered page (what an update commit of 100 random puts
 * into the benchmarks' 1M-entry store does: about 204 pages, in about 200 runs of adjacent ids), one write per page
 * of an adjacent run, one write per run of 8, and one write of the whole run. LMDB writes such a commit the same way,
 * one page (or one run of adjacent pages) per call, so this is the part of a commit neither store can shrink without
 * placing a commit's pages side by side.
 *
 * <p>Each pattern is measured on two files with the same bytes: one written page by page (its page cache holds 4 KiB
 * folios, like a store file its engine wrote) and a {@link Files#copy} of it (the benchmarks' working copies of a
 * loaded store are made that way, and on this kernel the copy's page cache holds larger folios, into which a
 * single-page write costs more: docs/design.md, section 7). Prints microseconds per 200 pages, the median of 5
 * rounds of 1,000 commits after one warm-up round. A measurement, not a test. Run:
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.cambium.jmh.PageWriteCost [DIR]
 * }</pre>
 * DIR (default {@code java.io.tmpdir}) should be on the file system the benchmarks use.
 */
public final class PageWriteCost
{
    private static final int PAGE = 4096;
    private static final int FILE_PAGES = 40_000;
    private static final int PAGES_PER_COMMIT = 200;
    private static final int COMMITS = 1_000;
    private static final int ROUNDS = 5;

    /** How a commit's pages lie in the file and how they are written. */
    private enum Pattern
    {
        SCATTERED_SINGLES("scattered pages, one write each"), ADJACENT_SINGLES(
            "adjacent pages, one write each"), RUNS_OF_8(
                "runs of 8 adjacent pages, one write per run"), ONE_RUN("200 adjacent pages, one write");

        final String label;

        Pattern(final String label)
        {
            this.label = label;
        }
    }

    private PageWriteCost()
    {
    }

    /**
     * @param args optional directory for the two scratch files.
     * @throws IOException if a file cannot be written.
     */
    public static void main(final String[] args) throws IOException
    {
        final Path dir = Files.createTempDirectory(
            Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir")), "cambium-pagewrite");
        final Path written = dir.resolve("written.dat");
        final Path copied = dir.resolve("copied.dat");
        try
        {
            writePageByPage(written);
            Files.copy(written, copied);
            force(copied);
            System.out
                .printf("%d pages of %d B per commit, file of %d pages in the page cache; microseconds per commit,"
                    + " median of %d rounds of %d commits%n", PAGES_PER_COMMIT, PAGE, FILE_PAGES, ROUNDS, COMMITS);
            System.out.printf("%-46s %14s %14s%n", "pattern", "page by page", "Files.copy");
            for (final Pattern p : Pattern.values())
            {
                System.out.printf("%-46s %14.0f %14.0f%n", p.label, median(written, p), median(copied, p));
            }
        }
        finally
        {
            Files.deleteIfExists(written);
            Files.deleteIfExists(copied);
            Files.deleteIfExists(dir);
        }
    }

    private static void writePageByPage(final Path file) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final ByteBuffer page = ByteBuffer.allocateDirect(PAGE);
            final SplittableRandom random = new SplittableRandom(1);
            for (long id = 0; id < FILE_PAGES; id++)
            {
                page.clear();
                page.putLong(0, random.nextLong());
                ch.write(page, id * PAGE);
            }
            ch.force(true);
        }
    }

    private static void force(final Path file) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            ch.force(true);
        }
    }

    private static double median(final Path file, final Pattern pattern) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer run = ByteBuffer.allocateDirect(PAGES_PER_COMMIT * PAGE);
            final SplittableRandom random = new SplittableRandom(2);
            final double[] micros = new double[ROUNDS];
            for (int round = -1; round < ROUNDS; round++)
            {
                final long start = System.nanoTime();
                for (int c = 0; c < COMMITS; c++)
                {
                    commit(ch, run, random, pattern);
                }
                if (round >= 0)
                {
                    micros[round] = (System.nanoTime() - start) / 1e3 / COMMITS;
                }
            }
            Arrays.sort(micros);
            return micros[ROUNDS / 2];
        }
    }

    private static void commit(final FileChannel ch, final ByteBuffer run, final SplittableRandom random,
        final Pattern pattern) throws IOException
    {
        switch (pattern)
        {
            case SCATTERED_SINGLES -> {
                for (int i = 0; i < PAGES_PER_COMMIT; i++)
                {
                    write(ch, run, 1, random.nextInt(FILE_PAGES));
                }
            }
            case ADJACENT_SINGLES -> {
                final int first = random.nextInt(FILE_PAGES - PAGES_PER_COMMIT);
                for (int i = 0; i < PAGES_PER_COMMIT; i++)
                {
                    write(ch, run, 1, first + i);
                }
            }
            case RUNS_OF_8 -> {
                for (int i = 0; i < PAGES_PER_COMMIT / 8; i++)
                {
                    write(ch, run, 8, random.nextInt(FILE_PAGES - 8));
                }
            }
            case ONE_RUN -> write(ch, run, PAGES_PER_COMMIT, random.nextInt(FILE_PAGES - PAGES_PER_COMMIT));
            default -> throw new AssertionError(pattern);
        }
    }

    private static void write(final FileChannel ch, final ByteBuffer run, final int pages, final long firstPage)
        throws IOException
    {
        final ByteBuffer b = run.duplicate();
        b.position(0).limit(pages * PAGE);
        while (b.hasRemaining())
        {
            ch.write(b, firstPage * PAGE + b.position());
        }
    }
}
