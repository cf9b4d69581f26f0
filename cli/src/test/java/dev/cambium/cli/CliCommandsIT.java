package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.StoredRevision;
import dev.cambium.Tree;
import dev.cambium.codec.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.cambium.cli.CambiumJar.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every command of the real jar in a child JVM: what it prints and its exit status, on a database built here with
 * the engine (closed before each run, as the CLI takes the file's lock).
 */
class CliCommandsIT
{
    @TempDir
    Path dir;

    private Path file;
    private final TreeMap<byte[], byte[]> numbers = TestData.sortedMap();

    private static byte[] key(final int i)
    {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    @BeforeEach
    void createDatabase()
    {
        file = dir.resolve("cli.cambium");
        for (int i = 0; i < 3000; i += 3)
        {
            numbers.put(key(i), ("v" + i).getBytes());
        }
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            db.write(txn ->
            {
                final Tree t = txn.createTree("numbers");
                numbers.forEach(t::put);
            });
            db.write(txn ->
            {
                final Tree people = txn.createTree("people");
                people.put(Tuple.of("jen", 3L).encode(), Tuple.of(7).encode());
                people.put(Tuple.of("moss", 4L).encode(), new byte[0]);
                txn.createTree("empty");
                final Tree large = txn.createTree("large");
                large.put(new byte[]{1}, new byte[9000]);
            });
        }
    }

    @Test
    void shouldPrintStatisticsAsTextAndJson()
    {
        final CambiumJar.Result text = run(dir, "stat", file.toString());
        assertEquals(0, text.exit(), text.toString());
        assertEquals("", text.err(), text.toString());
        assertTrue(text.out().contains("page size       4096"), text.toString());
        assertTrue(text.out().contains("revision        2"), text.toString());
        assertTrue(text.out().contains("trees           4"), text.toString());
        assertTrue(text.lines().stream().anyMatch(l -> l.matches("numbers\\s+1000\\s+2\\s+\\d+\\s+\\d+\\s+0\\s+\\d+")),
            "numbers: 1000 entries, depth 2, no overflow; " + text);
        assertTrue(text.lines().stream().anyMatch(l -> l.matches("empty\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0")),
            text.toString());
        assertTrue(text.lines().stream().anyMatch(l -> l.matches("large\\s+1\\s+1\\s+0\\s+1\\s+[3-9]\\s+\\d+")),
            "9000 bytes take at least 3 overflow pages of 4096; " + text);

        final CambiumJar.Result json = run(dir, "stat", "--json", file.toString());
        assertEquals(0, json.exit(), json.toString());
        final String j = json.out().strip();
        assertTrue(j.startsWith("{") && j.endsWith("}") && json.lines().size() == 1, json.toString());
        assertEquals(4096, number(j, "pageSize"));
        assertEquals(2, number(j, "revision"));
        assertEquals(Database.FORMAT_VERSION, number(j, "formatVersion"));
        assertEquals(number(j, "pages"), number(j, "pagesUsed") + number(j, "pagesFree") + number(j, "pagesPending"),
            j);
        assertTrue(number(j, "fileSize") >= number(j, "pages") * 4096, j);
        assertTrue(j.contains("{\"name\":\"numbers\",\"entries\":1000,\"depth\":2,"), j);
        assertTrue(j.contains("{\"name\":\"people\",\"entries\":2,\"depth\":1,\"branchPages\":0,\"leafPages\":1," +
            "\"overflowPages\":0,\"pages\":1}"), j);
    }

    private static long number(final String json, final String field)
    {
        final Matcher m = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
        assertTrue(m.find(), field + " missing in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldExitZeroOnSoundFileOneOnDamageTwoOnUsageError() throws IOException
    {
        final CambiumJar.Result sound = run(dir, "check", file.toString());
        assertEquals(0, sound.exit(), sound.toString());
        assertTrue(sound.out().endsWith("ok\n"), sound.toString());

        final CambiumJar.Result missing = run(dir, "check", dir.resolve("absent.cambium").toString());
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("no such database file"), missing.toString());
        assertTrue(!Files.exists(dir.resolve("absent.cambium")), "check must not create the file");
        assertEquals(2, run(dir, "check").exit(), "no FILE");
        assertEquals(2, run(dir, "check", "--bogus", file.toString()).exit(), "unknown option");

        final Path notADatabase = Files.writeString(dir.resolve("notes.txt"), "not a database\n".repeat(1000));
        final CambiumJar.Result text = run(dir, "check", notADatabase.toString());
        assertEquals(1, text.exit(), text.toString());

        // Damage one byte in the middle of every data page: the check must name problems, one per line.
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            for (long page = 2; page < 40; page++)
            {
                ch.write(ByteBuffer.wrap(new byte[]{0x5A, 0x5A}), page * 4096 + 2000);
            }
        }
        final CambiumJar.Result damaged = run(dir, "check", file.toString());
        assertEquals(1, damaged.exit(), damaged.toString());
        assertTrue(damaged.out().contains("problem: ") || damaged.out().startsWith("damaged: "), damaged.toString());
    }

    @Test
    void shouldListTreesAndRevisions()
    {
        final CambiumJar.Result trees = run(dir, "trees", file.toString());
        assertEquals(0, trees.exit(), trees.toString());
        assertEquals(List.of("empty", "large", "numbers", "people"), trees.lines());

        final CambiumJar.Result revisions = run(dir, "revisions", file.toString());
        assertEquals(0, revisions.exit(), revisions.toString());
        final List<StoredRevision> held = Database.revisions(file);
        final List<String> expected = new ArrayList<>();
        held.forEach(r -> expected.add(r.revision() + "\t" + r.commitTime()));
        assertEquals(expected, revisions.lines());
        assertEquals(List.of("2", "1"), revisions.lines().stream().map(l -> l.split("\t")[0]).toList());
    }

    @Test
    void shouldGetInEveryFormatAndExitThreeWhenAbsent()
    {
        final CambiumJar.Result hex = run(dir, "get", "--format", "hex", file.toString(), "numbers", "0000012c");
        assertEquals(0, hex.exit(), hex.toString());
        assertEquals(HexFormat.of().formatHex("v300".getBytes()) + "\n", hex.out());

        final CambiumJar.Result text = run(dir, "get", "--key-format", "hex", file.toString(), "numbers", "0x0000012c");
        assertEquals("v300\n", text.out(), text.toString());

        final CambiumJar.Result escaped = run(dir, "get", file.toString(), "numbers", "\\00\\00\\01,");
        assertEquals("v300\n", escaped.out(), "text key with escapes (0x2c is ','); " + escaped);

        final CambiumJar.Result tuple = run(dir, "get", "-F", "tuple", file.toString(), "people", "(\"jen\", 3)");
        assertEquals(0, tuple.exit(), tuple.toString());
        assertEquals("(7i)\n", tuple.out());
        final CambiumJar.Result empty = run(dir, "get", "-F", "tuple", file.toString(), "people", "(\"moss\", 4)");
        assertEquals("()\n", empty.out(), empty.toString());

        final CambiumJar.Result absent = run(dir, "get", "-F", "hex", file.toString(), "numbers", "00000001");
        assertEquals(3, absent.exit(), absent.toString());
        assertEquals("", absent.out());

        final CambiumJar.Result noTree = run(dir, "get", file.toString(), "nosuchtree", "k");
        assertEquals(1, noTree.exit(), noTree.toString());
        assertTrue(noTree.err().startsWith("error: "), noTree.toString());

        final CambiumJar.Result badHex = run(dir, "get", "-F", "hex", file.toString(), "numbers", "0x123");
        assertEquals(2, badHex.exit(), badHex.toString());
        assertTrue(badHex.err().contains("odd number of hex digits"), badHex.toString());
        final CambiumJar.Result badTuple = run(dir, "get", "-F", "tuple", file.toString(), "people", "(\"jen\", ");
        assertEquals(2, badTuple.exit(), badTuple.toString());
    }

    @Test
    void shouldScanRangesForwardAndBackwardWithLimit()
    {
        // bounds that are and are not keys: 300 is a key (multiple of 3), 1000 is not
        scanAndCompare(null, null, null, false);
        scanAndCompare(300, 1000, null, false);
        scanAndCompare(300, 1000, null, true);
        scanAndCompare(301, null, 7L, false);
        scanAndCompare(null, 301, 7L, true);
        scanAndCompare(null, null, 5L, true);
        scanAndCompare(5000, null, null, false);
        scanAndCompare(1000, 300, null, false);
        scanAndCompare(300, 1000, 0L, false);

        final CambiumJar.Result keysOnly = run(dir, "scan", "--keys-only", "-F", "tuple", file.toString(), "people");
        assertEquals(List.of("(\"jen\", 3)", "(\"moss\", 4)"), keysOnly.lines(), keysOnly.toString());
        assertEquals(2, run(dir, "scan", "--limit", "-1", file.toString(), "numbers").exit());
    }

    private void scanAndCompare(final Integer from, final Integer to, final Long limit, final boolean reverse)
    {
        final List<String> args = new ArrayList<>(List.of("scan", "-F", "hex", file.toString(), "numbers"));
        NavigableMap<byte[], byte[]> expected = numbers;
        if (from != null)
        {
            args.addAll(List.of("--from", HexFormat.of().formatHex(key(from))));
        }
        if (to != null)
        {
            args.addAll(List.of("--to", HexFormat.of().formatHex(key(to))));
        }
        if (from != null && to != null)
        {
            expected = from <= to ? numbers.subMap(key(from), true, key(to), false) : TestData.sortedMap();
        }
        else if (from != null)
        {
            expected = numbers.tailMap(key(from), true);
        }
        else if (to != null)
        {
            expected = numbers.headMap(key(to), false);
        }
        if (limit != null)
        {
            args.addAll(List.of("--limit", limit.toString()));
        }
        if (reverse)
        {
            args.add("--reverse");
            expected = expected.descendingMap();
        }
        final List<String> want = new ArrayList<>();
        for (final Map.Entry<byte[], byte[]> e : expected.entrySet())
        {
            if (limit != null && want.size() == limit)
            {
                break;
            }
            want.add(HexFormat.of().formatHex(e.getKey()) + "\t" + HexFormat.of().formatHex(e.getValue()));
        }
        final CambiumJar.Result r = run(dir, args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        assertEquals(want, r.lines(), String.join(" ", args));
    }

    @Test
    void shouldCopyPageForPageOrCompactedAndNeverOverwrite() throws IOException
    {
        // delete most of the numbers, so that a compacted copy is smaller than a page-for-page one
        try (Database db = Database.open(file))
        {
            db.write(txn ->
            {
                final Tree t = txn.tree("numbers");
                for (int i = 0; i < 2700; i += 3)
                {
                    t.delete(key(i));
                }
            });
        }
        final Map<String, TreeMap<byte[], byte[]>> expected = TestData.read(file);
        final long revision = Database.revisions(file).get(0).revision();
        final Path full = dir.resolve("full.cambium");
        final CambiumJar.Result copy = run(dir, "copy", file.toString(), full.toString());
        assertEquals(0, copy.exit(), copy.toString());
        assertEquals("", copy.out() + copy.err(), copy.toString());
        assertEquals(revision, Database.revisions(full).get(0).revision(), "a full copy is at the same revision");
        TestData.assertSameTrees(expected, TestData.read(full), "copy");

        final Path compact = dir.resolve("compact.cambium");
        final CambiumJar.Result c = run(dir, "copy", "--compact", file.toString(), compact.toString());
        assertEquals(0, c.exit(), c.toString());
        TestData.assertSameTrees(expected, TestData.read(compact), "copy --compact");
        final CambiumJar.Result stat = run(dir, "stat", "--json", compact.toString());
        assertTrue(number(stat.out(), "pagesFree") + number(stat.out(), "pagesPending") <= 4, stat.toString());
        assertTrue(number(stat.out(), "pages") < number(run(dir, "stat", "--json", full.toString()).out(), "pages"),
            "the compacted copy has fewer pages");
        assertEquals(0, run(dir, "check", compact.toString()).exit());

        final CambiumJar.Result exists = run(dir, "copy", file.toString(), full.toString());
        assertEquals(1, exists.exit(), exists.toString());
        assertTrue(exists.err().contains("exists"), exists.toString());
        assertEquals(2, run(dir, "copy", dir.resolve("absent").toString(), dir.resolve("x").toString()).exit());
    }

    @Test
    void shouldShowProgressOnStandardErrorOnlyInATerminal() throws Exception
    {
        final Path quietDump = dir.resolve("quiet.txt");
        final CambiumJar.Result quiet = run(dir, "dump", "-f", quietDump.toString(), file.toString());
        assertEquals(0, quiet.exit(), quiet.toString());
        assertEquals("", quiet.out() + quiet.err(), "no terminal, no progress");

        // script(1) from util-linux runs the command on a pseudo-terminal and records what it printed there
        final Path typescript = dir.resolve("typescript");
        final Path ttyDump = dir.resolve("tty.txt");
        final String command = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '" +
            CambiumJar.jar() + "' dump -f '" + ttyDump + "' '" + file + "'";
        final Process p = new ProcessBuilder("script", "-qec", command, typescript.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("script.out").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "script did not end");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("script.out")));
        final String terminal = Files.readString(typescript);
        assertTrue(terminal.contains("\rdump: 1 entries"), "progress in a terminal: " + terminal);
        assertEquals(Files.readString(quietDump), Files.readString(ttyDump), "the same dump either way");
    }

    @Test
    void shouldShowCopyAndCheckProgressOnlyInATerminal() throws Exception
    {
        final CambiumJar.Result quietCopy = run(dir, "copy", file.toString(), dir.resolve("quiet.cambium").toString());
        assertEquals(0, quietCopy.exit(), quietCopy.toString());
        assertEquals("", quietCopy.out() + quietCopy.err(), "no terminal, no progress; " + quietCopy);
        final CambiumJar.Result quietCheck = run(dir, "check", file.toString());
        assertEquals(0, quietCheck.exit(), quietCheck.toString());
        assertEquals("", quietCheck.err(), "no terminal, no progress; " + quietCheck);
        assertTrue(quietCheck.out().endsWith("ok\n"), quietCheck.toString());

        final String copy = inTerminal("copy", file.toString(), dir.resolve("tty.cambium").toString());
        assertTrue(copy.matches("(?s).*\rcopy: \\d+ of \\d+ pages.*"), "copy progress in a terminal: " + copy);
        assertTrue(copy.contains("copied revision "), copy);
        final String compact = inTerminal("copy", "--compact", file.toString(),
            dir.resolve("tty-c.cambium").toString());
        assertTrue(compact.matches("(?s).*\rcopy: \\d+ of 1003 entries.*"), "entries with --compact: " + compact);
        final String check = inTerminal("check", file.toString());
        assertTrue(check.matches("(?s).*\rcheck: \\d+ of \\d+ pages.*"), "check progress in a terminal: " + check);
        assertTrue(check.contains("ok"), check);
    }

    /** Runs the jar on a pseudo-terminal (script(1) from util-linux) and returns what the terminal showed. */
    private String inTerminal(final String... args) throws Exception
    {
        final Path typescript = Files.createTempFile(dir, "typescript", ".txt");
        final StringBuilder command = new StringBuilder("'" + Path.of(System.getProperty("java.home"), "bin", "java") +
            "' -jar '" + CambiumJar.jar() + "'");
        for (final String arg : args)
        {
            command.append(" '").append(arg).append('\'');
        }
        final Path output = Files.createTempFile(dir, "script", ".out");
        final Process p = new ProcessBuilder("script", "-qec", command.toString(), typescript.toString())
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "script did not end");
        assertEquals(0, p.exitValue(), Files.readString(output));
        return Files.readString(typescript);
    }

    @Test
    void shouldRefuseToCopyOrCheckAFileAnotherProcessHasOpen()
    {
        try (Database open = Database.open(file))
        {
            final Path dest = dir.resolve("copy.cambium");
            final CambiumJar.Result copy = run(dir, "copy", file.toString(), dest.toString());
            assertEquals(1, copy.exit(), copy.toString());
            assertTrue(copy.err().contains("is open in another process"), copy.toString());
            assertTrue(copy.err().contains("Database.backup"), "says how to copy an open database; " + copy);
            assertFalse(Files.exists(dest), copy.toString());

            final CambiumJar.Result check = run(dir, "check", file.toString());
            assertEquals(1, check.exit(), check.toString());
            assertTrue(check.err().contains("is open in another process"), check.toString());
            assertFalse(check.out().contains("damaged"), "a locked file is not a damaged one; " + check);
            assertTrue(open.check().ok(), "the refused commands left the open database alone");
        }
    }

    @Test
    void shouldDocumentEveryCommandAndItsExitStatuses()
    {
        final CambiumJar.Result top = run(dir, "--help");
        assertEquals(0, top.exit(), top.toString());
        for (final String command : List.of("demo", "stat", "check", "trees", "revisions", "get", "scan", "dump",
            "load", "copy",
            "compact"))
        {
            assertTrue(top.out().contains("  " + command + " "), command + " missing from --help; " + top);
            final CambiumJar.Result help = run(dir, command, "--help");
            assertEquals(0, help.exit(), help.toString());
            assertTrue(help.out().contains("usage: cambium " + command), help.toString());
            assertTrue(help.out().contains("Exit status:"), help.toString());
            assertEquals("", help.err(), help.toString());
        }
        final CambiumJar.Result none = run(dir);
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().startsWith("usage: cambium"), none.toString());
        final CambiumJar.Result unknown = run(dir, "frobnicate");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().startsWith("unknown command: frobnicate"), unknown.toString());
    }

    @Test
    void shouldRunTheDemoFromTheJarWithoutJvmFlags()
    {
        final CambiumJar.Result demo = run(dir, "demo");
        assertEquals(0, demo.exit(), demo.toString());
        assertTrue(Files.isRegularFile(dir.resolve(Demo.DEFAULT_FILE)),
            demo.toString());
        assertTrue(demo.out().contains("(objectClass=person) count from the index, O(log n): 3"), demo.toString());
        assertEquals("", demo.err(), demo.toString());
    }
}
