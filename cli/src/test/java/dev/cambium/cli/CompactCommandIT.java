package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.Tree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cambium.cli.CambiumJar.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cambium compact}, run from the real jar in a child JVM.
 */
class CompactCommandIT
{
    @TempDir
    Path dir;

    @Test
    void shouldCompactInPlaceKeepTheContentAndReportTheFigures() throws IOException
    {
        final Path file = dir.resolve("compact.cambium");
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            for (int c = 0; c < 20; c++)
            {
                final int base = c * 2000;
                db.write(txn ->
                {
                    final Tree t = txn.openOrCreateTree(base % 4000 == 0 ? "even" : "odd");
                    for (int i = base; i < base + 2000; i++)
                    {
                        t.put(ByteBuffer.allocate(8).putLong(Long.reverse(i)).array(), new byte[100]);
                    }
                });
            }
            db.write(txn ->
            {
                final Tree t = txn.tree("even");
                for (int c = 0; c < 20; c += 2)
                {
                    for (int i = c * 2000; i < c * 2000 + 2000; i++)
                    {
                        if (i % 10 != 0)
                        {
                            t.delete(ByteBuffer.allocate(8).putLong(Long.reverse(i)).array());
                        }
                    }
                }
            });
        }
        final Map<String, TreeMap<byte[], byte[]>> expected = TestData.read(file);
        final long before = Files.size(file);

        final CambiumJar.Result r = run(dir, "compact", file.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.err(), "no terminal, no progress: " + r);
        final Matcher m = Pattern.compile("compacted .*: (\\d+) -> (\\d+) bytes, (\\d+) live pages of (\\d+) bytes " +
            "\\(file / live (\\d+\\.\\d+)\\), (\\d+) pages moved in (\\d+) steps, \\d+\\.\\d+ s")
            .matcher(r.out().trim());
        assertTrue(m.matches(), r.toString());
        assertEquals(before, Long.parseLong(m.group(1)), r.toString());
        final long after = Long.parseLong(m.group(2));
        assertEquals(Files.size(file), after, "the reported length is the file's");
        assertTrue(after < before / 2, "most of the file given back: " + r);
        assertTrue(Long.parseLong(m.group(6)) > 0, "pages moved: " + r);
        assertTrue(Double.parseDouble(m.group(5)) <= 1.2, "file / live pages: " + r);
        TestData.assertSameTrees(expected, TestData.read(file), "after compact");
        assertEquals(0, run(dir, "check", file.toString()).exit());

        // Compacted already: a second run gives nothing more worth having back. It may move a few pages: the first
        // run does not wait for up to 64 pages still pending (not yet freed by the background cleaner), and after
        // the reopen they are free, which can lower the move threshold a little (CI: "3 pages moved in 1 steps").
        final CambiumJar.Result again = run(dir, "compact", file.toString());
        assertEquals(0, again.exit(), again.toString());
        final Matcher m2 = Pattern.compile("compacted .*: (\\d+) -> (\\d+) bytes, .* (\\d+) pages moved in .*")
            .matcher(again.out().trim());
        assertTrue(m2.matches(), again.toString());
        assertEquals(after, Long.parseLong(m2.group(1)), "the file as the first run left it: " + again);
        assertTrue(Long.parseLong(m2.group(2)) >= after - 64L * 4096, "nothing more worth giving back: " + again);
        assertTrue(Long.parseLong(m2.group(3)) <= 64, "at most the pages pending after the first run: " + again);
        assertEquals(2, run(dir, "compact", dir.resolve("absent").toString()).exit());
        final CambiumJar.Result help = run(dir, "compact", "--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().contains("usage: cambium compact") && help.out().contains("Exit status:"),
            help.toString());
    }
}
