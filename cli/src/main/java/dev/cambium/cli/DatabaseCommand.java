package dev.cambium.cli;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every command shares: {@code --help}, its output streams, and opening an existing database file.
 */
abstract class DatabaseCommand
{
    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    PrintWriter err()
    {
        return spec.commandLine().getErr();
    }

    ParameterException usage(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * Parses a key or value given on the command line.
     *
     * @param format the format it is written in.
     * @param label  what it is, for the message (an option or parameter name).
     * @param text   the text.
     * @return the bytes.
     * @throws ParameterException if the text is not valid in the format (a usage error, exit status 2).
     */
    byte[] parse(final ByteFormat format, final String label, final String text)
    {
        try
        {
            return format.parse(text);
        }
        catch (final IllegalArgumentException e)
        {
            throw usage(label + ": " + e.getMessage());
        }
    }

    /**
     * Opens a database file that must exist (never creates one).
     *
     * @param file the file.
     * @return the open database.
     * @throws ParameterException if the file does not exist (a usage error, exit status 2).
     */
    Database openExisting(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw usage("no such database file: " + file);
        }
        return Database.open(file, DatabaseOptions.DEFAULTS);
    }
}
