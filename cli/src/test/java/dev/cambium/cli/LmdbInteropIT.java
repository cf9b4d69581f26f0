package dev.cambium.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Data moves both ways between Cambium and LMDB: {@code cambium dump} → Debian's real {@code mdb_load} →
 * {@code mdb_dump} → {@code cambium load} returns every byte of every tree (binary keys and values, empty values,
 * values over a page, backslashes, an empty tree), with {@code cambium dump} writing {@code format=bytevalue} and
 * {@code format=print} (a backslash as {@code \\}, which {@code mdb_load} reads). The script
 * {@code src/test/scripts/lmdb-roundtrip.sh} installs {@code lmdb-utils} if it is missing.
 */
class LmdbInteropIT
{
    @TempDir
    Path dir;

    @Test
    void shouldRoundTripEveryByteThroughMdbLoadAndMdbDumpInBytevalueFormat() throws Exception
    {
        roundTrip("bytevalue");
    }

    @Test
    void shouldRoundTripEveryByteThroughMdbLoadAndMdbDumpInPrintFormat() throws Exception
    {
        roundTrip("print");
    }

    private void roundTrip(final String format) throws IOException, InterruptedException
    {
        final long seed = TestData.seed();
        final String context = format + ", seed " + seed + " (rerun with -Dtest.seed=" + seed + ")";
        final Map<String, TreeMap<byte[], byte[]>> trees = TestData.awkwardTrees(seed);
        final Path source = dir.resolve("source.cambium");
        final Path target = dir.resolve("target.cambium");
        TestData.write(source, trees);
        final Path script = Path.of(System.getProperty("cambium.cli.scripts", "src/test/scripts"), "lmdb-roundtrip.sh");
        final Path log = dir.resolve("script.log");
        final Process p = new ProcessBuilder(List.of("bash", script.toString(), CambiumJar.jar().toString(),
            dir.toString(), source.toString(), target.toString(), format))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES))
        {
            p.destroyForcibly().waitFor();
            fail("lmdb-roundtrip.sh did not finish in 10 minutes:\n" + Files.readString(log));
        }
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "lmdb-roundtrip.sh failed; " + context + ":\n" + output);
        System.out.println("LmdbInteropIT " + format + ": " +
            output.lines().filter(l -> l.startsWith("lmdb-utils ")).findFirst().orElse("(no version line)"));
        final String lmdbDump = Files.readString(dir.resolve("lmdb.txt"), StandardCharsets.ISO_8859_1);
        assertTrue(lmdbDump.startsWith("VERSION=3\nformat=bytevalue\ndatabase="), "mdb_dump wrote the file we load");
        TestData.assertSameTrees(trees, TestData.read(target),
            "Cambium -> mdb_load -> mdb_dump -> Cambium, " + context);
    }
}
