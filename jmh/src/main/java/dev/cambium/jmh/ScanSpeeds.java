package dev.cambium.jmh;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.ReadTransaction;
import org.agrona.DirectBuffer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a scan's speed changes over time, and whether both directions change together (issue 12): alternates a
 * forward and a backward scan of one tree in one JVM and prints, per block of scans, the mean milliseconds of each
 * direction. The benchmarks' scan iterations come in two speeds (about 30 and about 40 ms at 1M entries on the
 * measuring machine); if both directions switch at the same time, the cause is in neither direction's own code
 * (docs/design.md, section 7, "Two speeds of the scans"). Each entry is read as the peer benchmarks read it: the
 * key's and value's lengths and first bytes. A measurement, not a test. Run:
 * <pre>{@code
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar \
 *     dev.cambium.jmh.ScanSpeeds FILE [TREE [SCANS [BLOCK]]]
 * }</pre>
 * FILE is a Cambium store, such as the benchmarks' cached 1M-entry one
 * ({@code /tmp/cambium-jmh/cache/cambium-e1000000-*}/bench.cambium); TREE defaults to {@code bench}, SCANS to 800
 * (half of them each way), BLOCK to 80 scans.
 */
public final class ScanSpeeds
{
    private ScanSpeeds()
    {
    }

    /**
     * @param args the store, then optionally the tree, the number of scans and the block size.
     * @throws Exception if the store cannot be opened.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 1 || args.length > 4)
        {
            System.err.println("usage: ScanSpeeds FILE [TREE [SCANS [BLOCK]]]");
            System.exit(2);
        }
        final Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException("no such file: " + file);
        }
        final String tree = args.length > 1 ? args[1] : "bench";
        final int scans = args.length > 2 ? Integer.parseInt(args[2]) : 800;
        final int block = args.length > 3 ? Integer.parseInt(args[3]) : 80;
        if (scans < 2 || block < 2 || block % 2 != 0)
        {
            throw new IllegalArgumentException("need at least 2 scans and an even block of at least 2");
        }
        long sink = 0;
        try (Database db = Database.open(file, DatabaseOptions.builder().build()))
        {
            System.out.printf("scans %d to %d: mean ms forward / backward%n", 0, scans - 1);
            double forward = 0;
            double backward = 0;
            for (int i = 0; i < scans; i++)
            {
                final boolean back = (i & 1) == 1;
                final long start = System.nanoTime();
                sink += scan(db, tree, back);
                final double ms = (System.nanoTime() - start) / 1e6;
                if (back)
                {
                    backward += ms;
                }
                else
                {
                    forward += ms;
                }
                if ((i + 1) % block == 0)
                {
                    System.out.printf("scans %4d to %4d: %.1f / %.1f%n", i + 1 - block, i, forward / (block / 2),
                        backward / (block / 2));
                    forward = 0;
                    backward = 0;
                }
            }
        }
        if (sink == 42)
        {
            System.out.println();
        }
    }

    private static long scan(final Database db, final String tree, final boolean back)
    {
        long acc = 0;
        try (ReadTransaction txn = db.beginRead(); Cursor c = txn.tree(tree).cursor())
        {
            for (boolean ok = back ? c.last() : c.first(); ok; ok = back ? c.prev() : c.next())
            {
                final DirectBuffer k = c.keyBuffer();
                final DirectBuffer v = c.valueBuffer();
                acc = acc * 31 + k.capacity() + v.capacity() + k.getByte(0) + (v.capacity() > 0 ? v.getByte(0) : 0);
            }
        }
        return acc;
    }
}
