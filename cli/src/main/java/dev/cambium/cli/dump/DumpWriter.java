package dev.cambium.cli.dump;

import java.io.IOException;
import java.io.Writer;

/**
 * Writes the text format of LMDB's {@code mdb_dump} (version 3), which {@code mdb_load} reads: per tree a header
 * ({@code VERSION=3}, {@code format=bytevalue} or {@code format=print}, {@code database=NAME}, {@code type=btree},
 * {@code mapsize=N}, {@code HEADER=END}), then each key and each value on a line of its own starting with a space,
 * then {@code DATA=END}.
 *
 * <p>{@code bytevalue} writes two lowercase hex digits per byte; {@code print} writes printable ASCII as it is and any
 * other byte, a backslash included, as a backslash and two hex digits ({@code \5c} for a backslash). Why not
 * {@code \\}, which LMDB's later {@code mdb_dump -p} writes: Debian's lmdb-utils 0.9.24 {@code mdb_load} decodes
 * {@code \\} right only when it is the first escape on its line (after any other escape it keeps a stale byte:
 * {@code c:\\dir\\0} loads as {@code c:\dirr0}), and its {@code mdb_dump -p} leaves a backslash single. Every
 * {@code mdb_load} reads {@code \5c} as a backslash; {@link DumpReader} reads both spellings.
 *
 * <p>Threads: one thread.
 */
public final class DumpWriter
{
    /** The version of the dump format, as {@code mdb_dump} writes it. */
    public static final int VERSION = 3;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Writer out;
    private final boolean print;
    private final StringBuilder line = new StringBuilder(256);

    /**
     * @param out   where to write (buffered by the caller).
     * @param print true for {@code format=print}, false for {@code format=bytevalue}.
     */
    public DumpWriter(final Writer out, final boolean print)
    {
        this.out = out;
        this.print = print;
    }

    /**
     * Starts a section.
     *
     * @param database the tree's name.
     * @param mapSize  the {@code mapsize} to write: the LMDB map size {@code mdb_load} should give its environment.
     * @throws IOException              if writing fails.
     * @throws IllegalArgumentException if the name holds a line break, which the format cannot carry.
     */
    public void beginSection(final String database, final long mapSize) throws IOException
    {
        if (database.indexOf('\n') >= 0 || database.indexOf('\r') >= 0)
        {
            throw new IllegalArgumentException("tree name " + database.replace("\n", "\\n").replace("\r", "\\r") +
                " holds a line break, which the mdb_dump format cannot carry");
        }
        out.write("VERSION=" + VERSION + "\n");
        out.write("format=" + (print ? "print" : "bytevalue") + "\n");
        out.write("database=" + database + "\n");
        out.write("type=btree\n");
        out.write("mapsize=" + mapSize + "\n");
        out.write("HEADER=END\n");
    }

    /**
     * Writes one entry.
     *
     * @param key   the key.
     * @param value the value.
     * @throws IOException if writing fails.
     */
    public void pair(final byte[] key, final byte[] value) throws IOException
    {
        item(key);
        item(value);
    }

    /**
     * Ends the section.
     *
     * @throws IOException if writing fails.
     */
    public void endSection() throws IOException
    {
        out.write("DATA=END\n");
    }

    private void item(final byte[] bytes) throws IOException
    {
        line.setLength(0);
        line.append(' ');
        for (final byte b : bytes)
        {
            final int c = b & 0xFF;
            if (!print)
            {
                line.append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            else if (c >= 0x20 && c < 0x7F && c != '\\') // a backslash as \5c: see the class comment
            {
                line.append((char)c);
            }
            else
            {
                line.append('\\').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        line.append('\n');
        out.append(line);
    }
}
