package dev.cambium.cli.dump;

/**
 * Input that is not in the {@code mdb_dump} text format, with the line where it goes wrong.
 */
public final class DumpFormatException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param line    the line number, from 1.
     * @param message what is wrong.
     */
    public DumpFormatException(final long line, final String message)
    {
        super("line " + line + ": " + message);
    }
}
