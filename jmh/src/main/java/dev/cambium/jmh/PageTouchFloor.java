package dev.cambium.jmh;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * The memory floor of a cursor scan (issue 12): how long it takes to touch every 64-byte line of every 4 KiB page of a
 * file through a read-only mapping, one page after the other, with the pages in file order and in a shuffled order.
 * A scan enters each leaf once and reads all of it ({@code ReadNode.touchCellArea}); a tree loaded in random key
 * order has its leaves in no order in the file, so its scan visits pages in the shuffled pattern, where neither the
 * hardware prefetcher (it stops at a page's end) nor the TLB can run ahead. Prints milliseconds per pass, GB/s and
 * nanoseconds per page for both orders, best of 8 passes after 4 warm-up passes. Any file will do; the benchmarks'
 * cached 1M-entry store is the one the scan rows read ({@code /tmp/cambium-jmh/cache/cambium-e1000000-*}).
 * A measurement, not a test. Run:
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.cambium.jmh.PageTouchFloor FILE
 * }</pre>
 */
public final class PageTouchFloor
{
    private static final int PAGE = 4096;
    private static final int LINE = 64;

    private PageTouchFloor()
    {
    }

    /**
     * @param args the file to read (at most 2 GiB are read).
     * @throws IOException if the file cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: PageTouchFloor FILE");
            System.exit(2);
        }
        try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ))
        {
            final long bytes = Math.min(ch.size(), Integer.MAX_VALUE) / PAGE * PAGE;
            final int pages = (int)(bytes / PAGE);
            if (pages == 0)
            {
                System.err.println(args[0] + " holds less than a page");
                System.exit(2);
            }
            final MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
            final int[] inOrder = new int[pages];
            for (int i = 0; i < pages; i++)
            {
                inOrder[i] = i;
            }
            final int[] shuffled = inOrder.clone();
            final SplittableRandom random = new SplittableRandom(1);
            for (int i = pages - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            long sink = 0;
            final long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
            for (int pass = 0; pass < 12; pass++)
            {
                for (int o = 0; o < 2; o++)
                {
                    final int[] order = o == 0 ? inOrder : shuffled;
                    final long t0 = System.nanoTime();
                    for (final int page : order)
                    {
                        final int base = page * PAGE;
                        for (int off = 0; off < PAGE; off += LINE)
                        {
                            sink += map.getLong(base + off);
                        }
                    }
                    final long t = System.nanoTime() - t0;
                    if (pass >= 4)
                    {
                        best[o] = Math.min(best[o], t);
                    }
                }
            }
            System.out.printf("%s: %,d pages%n", args[0], pages);
            for (int o = 0; o < 2; o++)
            {
                System.out.printf("%-9s %7.1f ms a pass, %5.2f GB/s, %4.0f ns a page%n",
                    o == 0 ? "in order" : "shuffled", best[o] / 1e6, bytes / (double)best[o], best[o] / (double)pages);
            }
            System.out.println("(checksum " + sink + ")");
        }
    }
}
