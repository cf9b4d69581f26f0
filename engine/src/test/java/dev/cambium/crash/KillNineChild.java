package dev.cambium.crash;

import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.WriteTransaction;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Child-JVM main for {@link KillNineTest}. Arguments: database file, ledger file, seed, and optionally the
 * {@link Durability} (default {@link Durability#SYNC}).
 *
 * <p>Opens the database with the default options and that durability, reads the number {@code c}
 * of its last commit from {@code meta/commit}, prints {@code ready <c>}, then commits {@code c+1, c+2, ...} of
 * {@link KillNineWorkload} forever. After each {@code commit()} returns, it appends the commit number (8 bytes,
 * big-endian) to the ledger and forces the ledger ({@code force(true)}): a number in the ledger is an acknowledged
 * commit. The parent ends it with SIGKILL; any other end (an exception) is a failure the parent reports.
 */
public final class KillNineChild
{
    private KillNineChild()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Path dbFile = Path.of(args[0]);
        final Path ledgerFile = Path.of(args[1]);
        final long seed = Long.parseLong(args[2]);
        final Durability durability = args.length > 3 ? Durability.valueOf(args[3]) : Durability.SYNC;
        try (Database db = Database.open(dbFile, DatabaseOptions.builder().durability(durability).build());
             FileChannel ledger = FileChannel.open(ledgerFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                 StandardOpenOption.APPEND))
        {
            long n = db.read(KillNineWorkload::lastCommit);
            System.out.println("ready " + n);
            System.out.flush();
            final ByteBuffer entry = ByteBuffer.allocate(8);
            while (true)
            {
                n++;
                try (WriteTransaction txn = db.beginWrite())
                {
                    KillNineWorkload.apply(txn, seed, n);
                    txn.commit();
                }
                // acknowledged: only now does the commit go into the ledger
                entry.clear();
                entry.putLong(n).flip();
                while (entry.hasRemaining())
                {
                    ledger.write(entry);
                }
                ledger.force(true);
            }
        }
        catch (final Throwable t)
        {
            System.out.println("CHILD FAILED");
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(3);
        }
    }
}
