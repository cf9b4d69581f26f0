package dev.cambium.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code cambium} command line: {@code java -jar cli/target/cambium.jar <command> [args]}.
 *
 * <p>Commands: {@code demo [file]} (default file {@code cambium-demo.db} in the working directory).
 * Exit status: 0 on success, 1 on a database error, 2 on a usage error.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * @param args the command and its arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command; separated from {@link #main} for tests.
     *
     * @param args the command line.
     * @param out  standard output.
     * @param err  standard error.
     * @return the exit status.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0 || "help".equals(args[0]) || "--help".equals(args[0]) || "-h".equals(args[0]))
        {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try
        {
            switch (args[0])
            {
                case "demo":
                    if (rest.length > 1)
                    {
                        err.println("demo takes at most one argument: the database file");
                        return 2;
                    }
                    new Demo(out).run(Path.of(rest.length == 1 ? rest[0] : Demo.DEFAULT_FILE));
                    return 0;
                default:
                    err.println("unknown command: " + args[0]);
                    usage(err);
                    return 2;
            }
        }
        catch (final dev.cambium.CambiumException e)
        {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static void usage(final PrintStream s)
    {
        s.println("usage: java -jar cambium.jar <command> [args]");
        s.println("commands:");
        s.println("  demo [file]   create (or reuse) a database, commit an LDAP-like add across several trees,");
        s.println("                reopen it and print what it finds (default file: " + Demo.DEFAULT_FILE + ")");
        s.println("  help          this text");
    }
}
