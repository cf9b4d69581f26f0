package dev.cambium;

import dev.cambium.childjvm.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a JVM started without Agrona's {@code --add-exports} flag sees (observed on Java 17 with
 * Agrona 2.6.0): {@link Database#open} throws a {@link CambiumException} naming the flag (wrapping
 * the {@link IllegalAccessError}), on the first attempt and on later attempts in the same JVM. With
 * only {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (no {@code --add-opens}) the
 * engine works, because checksums use {@link java.util.zip.CRC32C}.
 */
class JvmFlagTest
{
    private static final String FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    @TempDir
    Path dir;

    private record Result(int exit, String out)
    {
    }

    private Result runChild(final List<String> jvmOptions) throws Exception
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(ChildJvm.testClassPath());
        cmd.add(JvmFlagProbe.class.getName());
        cmd.add(dir.toString());
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // no JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS that could smuggle the flags in
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        final Process p = pb.start();
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final Thread drain = new Thread(() -> copy(p.getInputStream(), buf), "drain-child");
        drain.start();
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            drain.join(10_000);
            fail("child JVM did not finish; output so far:\n" + buf.toString(StandardCharsets.UTF_8));
        }
        drain.join(30_000);
        return new Result(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    }

    private static void copy(final InputStream in, final ByteArrayOutputStream out)
    {
        try (in)
        {
            in.transferTo(out);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldNameMissingAddExportsFlagWhenOpeningWithoutIt() throws Exception
    {
        final Result r = runChild(List.of());
        final List<String> lines = Arrays.asList(r.out().split("\\R"));
        final String diag = "exit " + r.exit() + ", output:\n" + r.out();
        assertEquals(0, r.exit(), "the probe must exit normally, not die of an uncaught error; " + diag);
        assertFalse(r.out().contains("Exception in thread"), diag);
        assertTrue(lines.contains("DONE true"), diag);
        final List<String> failures = lines.stream().filter(l -> l.startsWith("FAILED ")).toList();
        assertEquals(2, failures.size(),
            "both attempts fail cleanly (the second after Agrona's failed class init); " + diag);
        for (final String f : failures)
        {
            assertTrue(f.startsWith("FAILED " + CambiumException.class.getName() + ": "), diag);
            assertTrue(f.contains(FLAG), "message must name the flag; " + diag);
        }
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("OK")), diag);
    }

    @Test
    void shouldWorkWithOnlyTheAddExportsFlag() throws Exception
    {
        final Result r = runChild(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        final String diag = "exit " + r.exit() + ", output:\n" + r.out();
        assertEquals(0, r.exit(), diag);
        final List<String> lines = Arrays.asList(r.out().split("\\R"));
        assertEquals(2, lines.stream().filter("OK 42"::equals).count(), diag);
        assertTrue(lines.contains("DONE true"), diag);
    }

    @Test
    void shouldFindTheProbeOnTheTestClassPath()
    {
        final String classPath = ChildJvm.testClassPath();
        assertTrue(Arrays.stream(classPath.split(File.pathSeparator)).anyMatch(e -> e.contains("test-classes")),
            "test class path: " + classPath);
    }
}
