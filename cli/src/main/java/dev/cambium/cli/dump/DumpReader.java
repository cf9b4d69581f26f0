package dev.cambium.cli.dump;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads the text format {@link DumpWriter} and LMDB's {@code mdb_dump} write, as {@code mdb_load} does: any
 * number of sections, each a header of {@code key=value} lines up to {@code HEADER=END}, then key and value lines
 * (each starting with a space) up to {@code DATA=END}.
 *
 * <p>Header keys: {@code VERSION} must be 3, {@code format} {@code bytevalue} or {@code print}, {@code type}
 * {@code btree}; {@code database} names the tree; {@code duplicates=1} (an LMDB {@code MDB_DUPSORT} database, many
 * values per key) is refused, as a tree holds one value per key; the other keys {@code mdb_dump} writes
 * ({@code mapsize}, {@code maxreaders}, {@code db_pagesize}, {@code mapaddr}) and LMDB's flag keys mean nothing to
 * Cambium and are skipped; an unknown key is reported through the warning sink and skipped, as {@code mdb_load}
 * does.
 *
 * <p>Threads: one thread.
 */
public final class DumpReader
{
    /**
     * One section's header.
     *
     * @param database the {@code database=} name, or null if the section has none (LMDB's main database).
     * @param print    true for {@code format=print}.
     * @param line     the line the section starts at.
     */
    public record Section(String database, boolean print, long line)
    {
    }

    private final BufferedReader in;
    private final Consumer<String> warnings;
    private long lineNumber;
    private Section section;

    /**
     * @param in       the input, decoded as ISO-8859-1 so that each char is one byte of the file.
     * @param warnings receives a message for each header key skipped as unknown.
     */
    public DumpReader(final BufferedReader in, final Consumer<String> warnings)
    {
        this.in = in;
        this.warnings = warnings;
    }

    /**
     * @return the number of the line read last, from 1.
     */
    public long line()
    {
        return lineNumber;
    }

    private String readLine() throws IOException
    {
        final String l = in.readLine();
        if (l != null)
        {
            lineNumber++;
        }
        return l;
    }

    /**
     * Reads the next section's header. The pairs of the previous section must have been read to its end.
     *
     * @return the header, or null at the end of the input.
     * @throws IOException         if reading fails.
     * @throws DumpFormatException if the header is malformed.
     */
    public Section nextSection() throws IOException
    {
        if (section != null)
        {
            throw new IllegalStateException(
                "the pairs of the section at line " + section.line() + " were not all read");
        }
        String l = readLine();
        while (l != null && l.isEmpty())
        {
            l = readLine();
        }
        if (l == null)
        {
            return null;
        }
        final long start = lineNumber;
        String database = null;
        boolean print = false;
        boolean versionSeen = false;
        while (true)
        {
            if (l == null)
            {
                throw new DumpFormatException(lineNumber,
                    "input ends inside the header of the section at line " + start);
            }
            if (l.equals("HEADER=END"))
            {
                break;
            }
            final int eq = l.indexOf('=');
            if (eq <= 0)
            {
                throw new DumpFormatException(lineNumber, "expected KEY=VALUE in a header, found '" + l + "'");
            }
            final String key = l.substring(0, eq);
            final String value = l.substring(eq + 1);
            switch (key)
            {
                case "VERSION":
                    if (!value.equals(String.valueOf(DumpWriter.VERSION)))
                    {
                        throw new DumpFormatException(lineNumber, "unsupported VERSION=" + value + " (only 3 is read)");
                    }
                    versionSeen = true;
                    break;
                case "format":
                    if (value.equals("print"))
                    {
                        print = true;
                    }
                    else if (value.equals("bytevalue"))
                    {
                        print = false;
                    }
                    else
                    {
                        throw new DumpFormatException(lineNumber, "unsupported format=" + value +
                            " (bytevalue or print)");
                    }
                    break;
                case "database":
                    // the input is read as ISO-8859-1 (one char per byte); names are UTF-8
                    database = new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                    break;
                case "type":
                    if (!value.equals("btree"))
                    {
                        throw new DumpFormatException(lineNumber, "unsupported type=" + value + " (only btree)");
                    }
                    break;
                case "duplicates":
                case "dupsort":
                    if (!value.equals("0"))
                    {
                        throw new DumpFormatException(lineNumber, key + "=" + value +
                            ": a database with many values per key (MDB_DUPSORT) cannot be loaded into a tree," +
                            " which holds one value per key");
                    }
                    break;
                case "mapsize":
                case "maxreaders":
                case "db_pagesize":
                case "mapaddr":
                case "reversekey":
                case "integerkey":
                case "dupfixed":
                case "integerdup":
                case "reversedup":
                    break; // LMDB environment and ordering settings: Cambium orders keys by unsigned bytes only
                default:
                    warnings.accept("line " + lineNumber + ": unrecognized keyword ignored: " + key);
                    break;
            }
            l = readLine();
        }
        if (!versionSeen)
        {
            throw new DumpFormatException(start, "the section has no VERSION=3 line");
        }
        section = new Section(database, print, start);
        return section;
    }

    /**
     * Reads the next entry of the current section.
     *
     * @return the key and the value, or null at {@code DATA=END}.
     * @throws IOException         if reading fails.
     * @throws DumpFormatException if a line is malformed or the input ends before {@code DATA=END}.
     */
    public byte[][] nextPair() throws IOException
    {
        if (section == null)
        {
            throw new IllegalStateException("no section: call nextSection() first");
        }
        final String k = readLine();
        if (k == null)
        {
            throw new DumpFormatException(lineNumber, "input ends before DATA=END of the section at line " +
                section.line());
        }
        if (k.equals("DATA=END"))
        {
            section = null;
            return null;
        }
        final byte[] key = item(k, "key");
        final String v = readLine();
        if (v == null || v.equals("DATA=END"))
        {
            throw new DumpFormatException(lineNumber, "a key without a value");
        }
        return new byte[][]{key, item(v, "value")};
    }

    private byte[] item(final String l, final String what)
    {
        if (l.isEmpty() || l.charAt(0) != ' ')
        {
            throw new DumpFormatException(lineNumber, "a " + what + " line must start with a space (or be DATA=END)");
        }
        return section.print() ? unescape(l) : hex(l);
    }

    private byte[] hex(final String l)
    {
        final int n = l.length() - 1;
        if ((n & 1) != 0)
        {
            throw new DumpFormatException(lineNumber, "odd number of hex digits");
        }
        final byte[] b = new byte[n / 2];
        for (int i = 0; i < b.length; i++)
        {
            final int hi = Character.digit(l.charAt(1 + 2 * i), 16);
            final int lo = Character.digit(l.charAt(2 + 2 * i), 16);
            if (hi < 0 || lo < 0)
            {
                throw new DumpFormatException(lineNumber, "not a hex digit at column " + (2 + 2 * i));
            }
            b[i] = (byte)(hi << 4 | lo);
        }
        return b;
    }

    private byte[] unescape(final String l)
    {
        final byte[] b = new byte[l.length() - 1];
        int n = 0;
        int i = 1;
        while (i < l.length())
        {
            final char c = l.charAt(i);
            if (c == '\\')
            {
                if (i + 1 < l.length() && l.charAt(i + 1) == '\\')
                {
                    b[n++] = '\\';
                    i += 2;
                    continue;
                }
                final int hi = i + 1 < l.length() ? Character.digit(l.charAt(i + 1), 16) : -1;
                final int lo = i + 2 < l.length() ? Character.digit(l.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0)
                {
                    throw new DumpFormatException(lineNumber, "bad escape at column " + (i + 1) +
                        ": a backslash must be followed by a backslash or two hex digits");
                }
                b[n++] = (byte)(hi << 4 | lo);
                i += 3;
            }
            else if (c > 0xFF)
            {
                throw new DumpFormatException(lineNumber, "character U+" + Integer.toHexString(c) + " at column " +
                    (i + 1) + " is not a byte; write it as \\xx escapes");
            }
            else
            {
                b[n++] = (byte)c;
                i++;
            }
        }
        return Arrays.copyOf(b, n);
    }
}
