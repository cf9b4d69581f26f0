package dev.cambium;

import dev.cambium.engine.store.DatabaseLock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-JVM main for {@link ProcessLockTest}: the other process. Arguments: a mode and the database file.
 * <ul>
 *     <li>{@code probe}: tries {@link Database#open(Path)}. If the open is refused with a {@link CambiumException} it
 *     prints {@code REFUSED <exception class>: <message>}; if it opens, it commits tree {@code intruder} (as a second
 *     writer would), prints {@code OPENED AND COMMITTED revision <r>} and closes.</li>
 *     <li>{@code hold}: opens the database, commits key {@code 1} into tree {@code held}, prints {@code ready} and
 *     waits for a line on its standard input (or its end); then commits key {@code 2}, closes and prints
 *     {@code closed}. The parent may kill it instead while it waits.</li>
 *     <li>{@code lock}: takes the database's {@link DatabaseLock} without opening or creating the database (as an
 *     opener does first), prints {@code ready}, waits for a line, releases it and prints {@code released}.</li>
 * </ul>
 * Any other outcome prints {@code CHILD FAILED} with the stack trace and exits with status 3.
 */
public final class ProcessLockChild
{
    private ProcessLockChild()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Path file = Path.of(args[1]);
            switch (args[0])
            {
                case "probe" -> probe(file);
                case "hold" -> hold(file);
                case "lock" -> lockOnly(file);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
            System.out.flush();
        }
        catch (final Throwable t)
        {
            System.out.println("CHILD FAILED");
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(3);
        }
    }

    private static void probe(final Path file)
    {
        final Database db;
        try
        {
            db = Database.open(file);
        }
        catch (final CambiumException e)
        {
            System.out.println("REFUSED " + e.getClass().getName() + ": " + e.getMessage());
            return;
        }
        try (db)
        {
            db.write(txn -> txn.openOrCreateTree("intruder").put(bytes("b"), bytes("written by the second process")));
            System.out.println("OPENED AND COMMITTED revision " + db.revision());
        }
    }

    private static void hold(final Path file) throws Exception
    {
        try (Database db = Database.open(file))
        {
            db.write(txn -> txn.openOrCreateTree("held").put(bytes("1"), bytes("one")));
            System.out.println("ready");
            System.out.flush();
            awaitParent();
            db.write(txn -> txn.tree("held").put(bytes("2"), bytes("two")));
        }
        System.out.println("closed");
    }

    private static void lockOnly(final Path file) throws IOException
    {
        try (DatabaseLock lock = DatabaseLock.acquire(file))
        {
            System.out.println("ready");
            System.out.flush();
            awaitParent();
        }
        System.out.println("released");
    }

    /** The parent's line (or the end of the pipe) is the signal to go on. */
    private static void awaitParent() throws IOException
    {
        while (true)
        {
            final int c = System.in.read();
            if (c == -1 || c == '\n')
            {
                return;
            }
        }
    }

    static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
