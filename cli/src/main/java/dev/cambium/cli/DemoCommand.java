package dev.cambium.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cambium demo [FILE]}: the README's first run.
 */
@Command(name = "demo", header = "Run the demo: an LDAP-like add across seven trees, then read it back.", description = "Create (or reuse) a database, commit an LDAP-like add across several trees in one transaction, "
    + "reopen it and print what it finds.", exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:success",
        "1:a database error (e.g. FILE is not a Cambium database)", "2:a usage error"})
final class DemoCommand extends DatabaseCommand implements Callable<Integer>
{
    @Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = Demo.DEFAULT_FILE, description = "The database file (default: ${DEFAULT-VALUE} in the working directory).")
    Path file;

    @Override
    public Integer call()
    {
        new Demo(out()).run(file);
        return Main.OK;
    }
}
