package dev.cambium;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-JVM main for {@link JvmFlagTest}: opens a database twice (the second attempt runs after a
 * failed class initialisation in Agrona, if the first failed), writes and reads one entry, and
 * prints one line per attempt: {@code OK <value>} or {@code FAILED <exception class>: <message>}.
 */
public final class JvmFlagProbe
{
    private JvmFlagProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            final Path file = dir.resolve("probe-" + attempt + ".cambium");
            try (Database db = Database.open(file))
            {
                db.write(txn -> txn.createTree("t").put(new byte[]{1}, new byte[]{42}));
                System.out.println("OK " + db.read(r -> r.tree("t").get(new byte[]{1})[0]));
            }
            catch (final Throwable t)
            {
                System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
        System.out.println("DONE " + Files.exists(dir));
    }
}
