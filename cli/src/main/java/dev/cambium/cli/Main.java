package dev.cambium.cli;

import dev.cambium.CambiumException;
import dev.cambium.cli.dump.DumpFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The {@code cambium} command line: {@code java -jar cli/target/cambium.jar <command> [args]}.
 *
 * <p>Commands: {@code demo}, {@code stat}, {@code check}, {@code trees}, {@code revisions}, {@code get},
 * {@code scan}, {@code dump}, {@code load}, {@code copy}; {@code <command> --help} describes each. Exit status:
 * 0 on success, 1 on a database error (for {@code check}: damage found), 2 on a usage error; {@code get} exits 3
 * when the key is absent.
 */
@Command(name = "cambium", synopsisHeading = "usage: ", description = "Operator tools for Cambium database files.", subcommands = {
    DemoCommand.class, StatCommand.class, CheckCommand.class, TreesCommand.class, RevisionsCommand.class,
    GetCommand.class, ScanCommand.class, DumpCommand.class, LoadCommand.class, CopyCommand.class,
    CompactCommand.class,
    HelpCommand.class}, exitCodeListHeading = "%nExit status:%n", exitCodeList = {
        "0:success",
        "1:a database error (for check: damage found)",
        "2:a usage error (unknown command or option, missing file)",
        "3:get: the key is absent"})
public final class Main implements Callable<Integer>
{
    /** Success. */
    static final int OK = 0;
    /** A database or I/O error; for {@code check}, damage found. */
    static final int FAILURE = 1;
    /** A usage error. */
    static final int USAGE = 2;
    /** {@code get}: the key is absent. */
    static final int ABSENT = 3;

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

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
        final PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        final PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try
        {
            return commandLine(o, e).execute(args);
        }
        finally
        {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(final PrintWriter out, final PrintWriter err)
    {
        final CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExitCodeExceptionMapper(t -> t instanceof ParameterException ? USAGE : FAILURE);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, command, parsed) ->
        {
            command.getErr().println("error: " + describe(ex));
            return FAILURE;
        });
        for (final CommandLine sub : cl.getSubcommands().values())
        {
            sub.getCommandSpec().usageMessage().synopsisHeading("usage: ");
        }
        return cl;
    }

    private static int usageError(final ParameterException ex, final String[] args)
    {
        final CommandLine c = ex.getCommandLine();
        final PrintWriter err = c.getErr();
        if (ex instanceof UnmatchedArgumentException && c.getCommandSpec().parent() == null && args.length > 0 &&
            !args[0].startsWith("-"))
        {
            err.println("unknown command: " + args[0]);
        }
        else
        {
            err.println(ex.getMessage());
        }
        UnmatchedArgumentException.printSuggestions(ex, err);
        c.usage(err);
        return USAGE;
    }

    /** The message of a failure, without a stack trace: the CLI's errors are the engine's clear exceptions. */
    private static String describe(final Exception ex)
    {
        if (ex instanceof CambiumException || ex instanceof DumpFormatException
            || ex instanceof IllegalArgumentException)
        {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException || ex instanceof IOException)
        {
            final Throwable cause = ex instanceof UncheckedIOException ? ex.getCause() : ex;
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        return ex.toString();
    }

    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }
}
