package dev.cambium.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code demo} command, run twice on the same file: both runs succeed and print the same
 * findings (the second run overwrites the same entries, so the counts do not change).
 */
class DemoTest
{
    @TempDir
    Path dir;

    private record Run(int exit, List<String> out, String err)
    {
    }

    private static Run run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8))
        {
            exit = Main.run(args, o, e);
        }
        return new Run(exit, Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\\R")),
            err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRunDemoTwiceOnSameFileWithSameFindings()
    {
        final Path file = dir.resolve("demo.cambium");
        for (int round = 1; round <= 2; round++)
        {
            final Run r = run("demo", file.toString());
            final String diag = "round " + round + ", exit " + r.exit() + "\nout:\n" + String.join("\n", r.out()) +
                "\nerr:\n" + r.err();
            assertEquals(0, r.exit(), diag);
            assertEquals("", r.err(), diag);
            assertTrue(Files.isRegularFile(file), diag);
            final int trees = r.out().indexOf(r.out().stream().filter(l -> l.matches("revision \\d+, trees:"))
                .findFirst().orElseThrow(() -> new AssertionError("no tree list; " + diag)));
            // the tree list: indented "name  N entries" lines, at least the entries, dn and objectClass trees
            final List<String> listed = r.out().subList(trees + 1, r.out().size()).stream()
                .takeWhile(l -> l.matches(" {2}\\S+\\s+\\d+ entries")).toList();
            assertTrue(listed.size() >= 3, diag);
            for (final String name : new String[]{"entries", "dn", "objectClass", "cn"})
            {
                assertTrue(listed.stream().anyMatch(l -> l.trim().startsWith(name + " ")), name + " missing; " + diag);
            }
            assertTrue(listed.stream().anyMatch(l -> l.trim().matches("entries\\s+5 entries")),
                "5 entries after the rollback of the sixth; " + diag);
            assertTrue(r.out().contains("(objectClass=person) count from the index, O(log n): 3"), diag);
            assertTrue(r.out().contains("cn=Moss present after rollback: false"), diag);
            assertTrue(r.out().contains("rolled back the add of cn=Moss"), diag);
            assertTrue(r.out().contains("(cn=jen*):"), diag);
            assertEquals(2, r.out().stream().filter(l -> l.matches(" {2}id \\d+: cn=Jen.*")).count(),
                "Jen Barber and Jenkins; " + diag);
        }
    }

    @Test
    void shouldReportUsageErrors()
    {
        final Run none = run();
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("usage"), none.err());
        final Run unknown = run("frobnicate");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown command: frobnicate"), unknown.err());
        final Run tooMany = run("demo", dir.resolve("a").toString(), dir.resolve("b").toString());
        assertEquals(2, tooMany.exit());
        final Run help = run("help");
        assertEquals(0, help.exit());
    }

    @Test
    void shouldExitOneWithMessageWhenFileIsNotADatabase() throws Exception
    {
        final Path text = Files.writeString(dir.resolve("notes.txt"), "not a database\n".repeat(1000));
        final Run r = run("demo", text.toString());
        assertEquals(1, r.exit(), String.join("\n", r.out()) + r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertTrue(r.err().contains("not a Cambium database"), r.err());
    }
}
