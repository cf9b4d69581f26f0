package dev.cambium.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The engine as a Java module: a small application module ({@code probe}, compiled here with the system compiler
 * against the engine's jars on the module path) opens a database through the public API, sees only
 * {@code dev.cambium} and {@code dev.cambium.codec} exported (the internal modules export to the engine only),
 * cannot compile against {@code dev.cambium.engine}, and
 * gets the message naming the flag that fits the module path when the flag is missing or given for the class path.
 */
class ModulePathIT
{
    /** The engine's modules and their dependencies: the module path a user of the engine jar needs. */
    private static final Set<String> MODULES = Set.of("dev.cambium", "dev.cambium.btree", "dev.cambium.revision",
        "dev.cambium.failpoint", "dev.cambium.cleaner", "org.agrona", "org.jctools.core");
    private static final String MODULE_PATH_FLAG = "--add-exports=java.base/jdk.internal.misc=org.agrona";

    private static final String PROBE_MODULE_INFO = "module probe { requires dev.cambium; }\n";
    private static final String PROBE_MAIN = String.join("\n",
        "package probe;",
        "import dev.cambium.CambiumException;",
        "import dev.cambium.Database;",
        "import dev.cambium.codec.KeyCodecs;",
        "import java.nio.file.Path;",
        "import java.util.TreeSet;",
        "public final class Main {",
        "  public static void main(final String[] args) {",
        "    final Module engine = Database.class.getModule();",
        "    System.out.println(\"module \" + engine.getName());",
        "    final TreeSet<String> exported = new TreeSet<>();",
        "    for (final String p : engine.getPackages()) { if (engine.isExported(p)) { exported.add(p); } }",
        "    System.out.println(\"exported \" + exported);",
        "    System.out.println(\"internal exported \" + engine.isExported(\"dev.cambium.engine\"));",
        "    for (final String m : new String[] {\"btree\", \"revision\", \"failpoint\", \"cleaner\"}) {",
        "      final Module internal = ModuleLayer.boot().findModule(\"dev.cambium.\" + m).orElseThrow();",
        "      System.out.println(m + \" exported \" + internal.isExported(\"dev.cambium.\" + m) + \" to engine \"",
        "          + internal.isExported(\"dev.cambium.\" + m, engine));",
        "    }",
        "    try (Database db = Database.open(Path.of(args[0]))) {",
        "      db.write(t -> t.openOrCreateTree(\"t\").put(KeyCodecs.LONG.encode(7L), new byte[] {42}));",
        "      System.out.println(\"value \" + db.read(t -> t.tree(\"t\").get(KeyCodecs.LONG.encode(7L)))[0]);",
        "      System.out.println(\"check \" + db.check().ok());",
        "    } catch (final CambiumException e) {",
        "      System.out.println(\"failed \" + e.getMessage());",
        "    }",
        "  }",
        "}",
        "");

    @TempDir
    Path dir;

    private String modulePath;
    private Path probeClasses;

    @BeforeEach
    void compileProbe() throws IOException
    {
        modulePath = engineModulePath();
        probeClasses = dir.resolve("probe-classes");
        final String errors = compile(PROBE_MAIN, probeClasses);
        assertEquals("", errors, "the probe module should compile against the engine's exported packages");
    }

    @Test
    void shouldOpenDatabaseAsModuleExportingOnlyTheApiPackages()
    {
        final Run r = runProbe(List.of(MODULE_PATH_FLAG));
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("module dev.cambium\n"), r.toString());
        assertTrue(r.out.contains("exported [dev.cambium, dev.cambium.codec]\n"), r.toString());
        assertTrue(r.out.contains("internal exported false\n"), r.toString());
        for (final String m : List.of("btree", "revision", "failpoint", "cleaner"))
        {
            assertTrue(r.out.contains(m + " exported false to engine true\n"),
                "module dev.cambium." + m + " exports its package to the engine only; " + r);
        }
        assertTrue(r.out.contains("value 42\n"), r.toString());
        assertTrue(r.out.contains("check true\n"), r.toString());
    }

    @Test
    void shouldRefuseToCompileAgainstInternalPackages() throws IOException
    {
        final String internal = PROBE_MAIN.replace("import java.util.TreeSet;",
            "import java.util.TreeSet;\nimport dev.cambium.engine.Engine;");
        final String errors = compile(internal, dir.resolve("internal-classes"));
        assertTrue(errors.contains("dev.cambium.engine") && errors.contains("not visible"), errors);
    }

    @Test
    void shouldNameTheModulePathFlagWhenItIsMissing()
    {
        final Run none = runProbe(List.of());
        assertTrue(none.out.contains("failed Cambium needs the JVM option " +
            "--add-exports java.base/jdk.internal.misc=org.agrona"), none.toString());

        // The class-path spelling does not reach Agrona's module, and the message says which one does.
        final Run classPathFlag = runProbe(List.of("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"));
        assertTrue(classPathFlag.out.contains("failed Cambium needs the JVM option " +
            "--add-exports java.base/jdk.internal.misc=org.agrona"), classPathFlag.toString());
    }

    /** Picks the engine's modules out of this test's class path (jars after package, or target/classes). */
    private static String engineModulePath()
    {
        final TreeMap<String, String> found = new TreeMap<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            try
            {
                for (final ModuleReference m : ModuleFinder.of(Path.of(entry)).findAll())
                {
                    if (MODULES.contains(m.descriptor().name()))
                    {
                        found.put(m.descriptor().name(), entry);
                    }
                }
            }
            catch (final FindException e)
            {
                // not a module (a class directory without module-info, or a jar of another kind): not ours
            }
        }
        assertEquals(MODULES, found.keySet(), "engine modules on the test class path: " + found);
        return String.join(File.pathSeparator, found.values());
    }

    /** Compiles the probe module; returns the compiler's diagnostics, empty on success. */
    private String compile(final String main, final Path classes) throws IOException
    {
        final Path src = dir.resolve("src-" + classes.getFileName());
        Files.createDirectories(src.resolve("probe"));
        Files.writeString(src.resolve("module-info.java"), PROBE_MODULE_INFO);
        Files.writeString(src.resolve("probe/Main.java"), main);
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int status = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(),
            "--module-path", modulePath, src.resolve("module-info.java").toString(),
            src.resolve("probe/Main.java").toString());
        final String text = diagnostics.toString(StandardCharsets.UTF_8);
        if (status == 0)
        {
            return "";
        }
        assertNotEquals("", text, "javac failed without a message");
        return text;
    }

    private record Run(int exit, String out)
    {
    }

    private Run runProbe(final List<String> jvmOptions)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.addAll(jvmOptions);
        command.addAll(Arrays.asList("--module-path", modulePath + File.pathSeparator + probeClasses,
            "--module", "probe/probe.Main", dir.resolve("probe-" + jvmOptions.size() + ".cambium").toString()));
        try
        {
            final Path out = Files.createTempFile(dir, "probe", ".txt");
            final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            final Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS))
            {
                p.destroyForcibly().waitFor();
                fail("the probe did not finish: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        }
        catch (final IOException e)
        {
            throw new AssertionError("could not run " + command, e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
