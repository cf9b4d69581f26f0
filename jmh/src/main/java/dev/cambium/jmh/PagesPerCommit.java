package dev.cambium.jmh;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.DatabaseStats;
import dev.cambium.Durability;
import dev.cambium.Tree;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts the pages one commit writes: 1,000 sequential puts (16-byte keys, 100-byte values) in one
 * transaction, first into an empty tree and then appended after 1M existing keys; compares with the
 * pages of the resulting tree. A page is copied at most once per transaction, so the count is the
 * number of distinct pages the puts touched plus new pages from splits plus the catalog path.
 *
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar dev.cambium.jmh.PagesPerCommit}
 */
public final class PagesPerCommit
{
    private PagesPerCommit()
    {
    }

    /**
     * @param args unused.
     * @throws Exception on I/O failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dir = Files.createTempDirectory("cambium-pages");
        final Path file = dir.resolve("pages.cambium");
        final byte[] value = Data.value(100, 1);
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            db.write(txn ->
            {
                final Tree t = txn.createTree("seq");
                for (long i = 0; i < 1000; i++)
                {
                    t.put(key(i), value);
                }
            });
            final DatabaseStats first = db.stats();
            System.out.printf("1000 sequential puts into an empty tree: %d pages written; tree+catalog pages %d%n",
                first.lastCommitPages(), first.pageCount() - 2);

            for (long base = 1000; base < 1_000_000; base += 10_000)
            {
                final long from = base;
                db.write(txn ->
                {
                    final Tree t = txn.tree("seq");
                    for (long i = from; i < Math.min(1_000_000, from + 10_000); i++)
                    {
                        t.put(key(i), value);
                    }
                });
            }
            db.write(txn ->
            {
                final Tree t = txn.tree("seq");
                for (long i = 1_000_000; i < 1_001_000; i++)
                {
                    t.put(key(i), value);
                }
            });
            final DatabaseStats appended = db.stats();
            System.out.printf("1000 sequential puts appended to a 1M-entry tree: %d pages written%n",
                appended.lastCommitPages());

            db.write(txn ->
            {
                final Tree t = txn.tree("seq");
                for (long i = 0; i < 1000; i++)
                {
                    t.put(key(i * 1000), value); // spread over the whole tree: one leaf each
                }
            });
            System.out.printf("1000 puts spread over a 1M-entry tree (one per leaf region): %d pages written%n",
                db.stats().lastCommitPages());
        }
        Files.delete(file);
        Files.delete(dir);
    }

    static byte[] key(final long i)
    {
        return ByteBuffer.allocate(16).putLong(0).putLong(i).array();
    }
}
