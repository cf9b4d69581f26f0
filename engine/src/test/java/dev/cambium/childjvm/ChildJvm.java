package dev.cambium.childjvm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a test main class in a child JVM set up like this one: the test class path, this JVM's module flags, a
 * small heap and quick start-up, and no options smuggled in through the environment. Its output goes to a file: a
 * pipe could fill up and block the child, and a killed child closes it. Stateless; called from test threads.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * What a finished child left.
     *
     * @param exitStatus its exit status.
     * @param output     its standard output and error.
     */
    public record Result(int exitStatus, String output)
    {
    }

    /**
     * Starts {@code main} and returns at once; the caller waits for or kills the child.
     *
     * @param main       the class whose {@code main} to run.
     * @param jvmOptions options for the child beyond the usual ones (e.g. {@code -D} properties).
     * @param output     where its standard output and error go (replaced).
     * @param args       its arguments.
     * @return the running child.
     * @throws IOException if it cannot be started.
     */
    public static Process start(final Class<?> main, final List<String> jvmOptions, final Path output,
        final String... args) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(moduleFlags());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(testClassPath());
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        return pb.start();
    }

    /**
     * Runs {@code main} and waits for it to end.
     *
     * @param main           the class whose {@code main} to run.
     * @param jvmOptions     options for the child beyond the usual ones (e.g. {@code -D} properties).
     * @param output         where its standard output and error go (replaced).
     * @param timeoutSeconds how long to wait before killing it and failing.
     * @param args           its arguments.
     * @return its exit status and output.
     * @throws IOException          if it cannot be started or its output read.
     * @throws InterruptedException if interrupted while waiting.
     */
    public static Result run(final Class<?> main, final List<String> jvmOptions, final Path output,
        final long timeoutSeconds, final String... args) throws IOException, InterruptedException
    {
        final Process child = start(main, jvmOptions, output, args);
        if (!child.waitFor(timeoutSeconds, TimeUnit.SECONDS))
        {
            child.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError(main.getSimpleName() + " " + String.join(" ", args) + " did not end within " +
                timeoutSeconds + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(child.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /**
     * @return the class path of the tests, for a child JVM that runs test classes.
     */
    public static String testClassPath()
    {
        // surefire may run tests through a manifest-only booter jar; it publishes the real path separately
        final String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The --add-exports/--add-opens flags of this JVM (from surefire's argLine). */
    private static List<String> moduleFlags()
    {
        final List<String> out = new ArrayList<>();
        final List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (int i = 0; i < in.size(); i++)
        {
            final String a = in.get(i);
            if (a.startsWith("--add-exports=") || a.startsWith("--add-opens="))
            {
                out.add(a);
            }
            else if ((a.equals("--add-exports") || a.equals("--add-opens")) && i + 1 < in.size())
            {
                out.add(a);
                out.add(in.get(++i));
            }
        }
        if (out.isEmpty())
        {
            // run outside surefire (IDE without the argLine): the flags the engine needs
            out.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
            out.add("--add-opens=java.base/java.util.zip=ALL-UNNAMED");
        }
        return out;
    }
}
