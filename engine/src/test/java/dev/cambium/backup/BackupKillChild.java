package dev.cambium.backup;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.failpoint.Action;
import dev.cambium.failpoint.Failpoint;
import dev.cambium.failpoint.Hold;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child-JVM main for {@link BackupKillTest}. Arguments: source file, target file, failpoint name, hits to skip,
 * {@code full} or {@code compact}. Builds the source, holds the backup at the failpoint, prints {@code HELD} and
 * waits there to be killed; {@code NOT HELD} means the point was never reached.
 */
public final class BackupKillChild
{
    private BackupKillChild()
    {
    }

    /**
     * @param args source, target, failpoint, skip, mode.
     * @throws Exception on failure (the parent sees the output).
     */
    public static void main(final String[] args) throws Exception
    {
        final Path source = Path.of(args[0]);
        final Path target = Path.of(args[1]);
        final Failpoint point = Failpoint.valueOf(args[2]);
        final long skip = Long.parseLong(args[3]);
        final boolean compact = args[4].equals("compact");
        try (Database db = Database.open(source, DatabaseOptions.builder().durability(Durability.SYNC).build()))
        {
            BackupWorkload.load(db);
            for (int i = 0; i < 100; i++)
            {
                db.write(BackupWorkload::apply);
            }
            final Hold hold = Action.hold();
            point.arm(hold, skip, 1);
            final Thread reporter = new Thread(() ->
            {
                try
                {
                    if (hold.awaitReached(Duration.ofSeconds(60)))
                    {
                        System.out.println("HELD at " + point + " after " + skip + " hits");
                        System.out.flush();
                    }
                }
                catch (final InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                }
            });
            reporter.setDaemon(true);
            reporter.start();
            db.backup(target, compact);
            System.out.println("NOT HELD: the backup finished");
        }
    }
}
