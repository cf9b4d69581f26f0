package dev.cambium.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the real {@code cambium.jar} (built by the package phase; failsafe passes its path as the system property
 * {@code cambium.jar}) in a child JVM, with no JVM flags: the jar's manifest must carry what Agrona needs.
 */
final class CambiumJar
{
    private static final long TIMEOUT_SECONDS = 120;

    /**
     * What a run printed and returned.
     *
     * @param exit the exit status.
     * @param out  standard output.
     * @param err  standard error.
     * @param args the arguments, for messages.
     */
    record Result(int exit, String out, String err, List<String> args)
    {
        List<String> lines()
        {
            return out.lines().toList();
        }

        @Override
        public String toString()
        {
            return "cambium " + String.join(" ", args) + " -> exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n"
                + err;
        }
    }

    private CambiumJar()
    {
    }

    static Path jar()
    {
        final String jar = System.getProperty("cambium.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar)))
        {
            fail("system property cambium.jar does not name the built jar (" + jar + "): run these tests with " +
                "mvn verify, which builds cli/target/cambium.jar in the package phase first");
        }
        return Path.of(jar);
    }

    /**
     * @param dir  a scratch directory (the working directory and the output files).
     * @param args the command line.
     * @return the result.
     */
    static Result run(final Path dir, final String... args)
    {
        return runWithInput(dir, null, args);
    }

    /**
     * @param dir   a scratch directory.
     * @param input standard input (a file), or null for none.
     * @param args  the command line.
     * @return the result.
     */
    static Result runWithInput(final Path dir, final Path input, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(Arrays.asList(args));
        try
        {
            final Path out = Files.createTempFile(dir, "stdout", ".txt");
            final Path err = Files.createTempFile(dir, "stderr", ".txt");
            final ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.redirectInput(input == null
                ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                : ProcessBuilder.Redirect.from(input.toFile()));
            final Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor();
                fail("cambium " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            final Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), List.of(args));
            Files.delete(out);
            Files.delete(err);
            return r;
        }
        catch (final IOException e)
        {
            throw new AssertionError("could not run cambium " + String.join(" ", args), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
