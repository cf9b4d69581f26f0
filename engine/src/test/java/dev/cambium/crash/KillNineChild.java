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
 * {@link Durability} (default {@link Durability#SYNC}) and the number of committing threads (default 1).
 *
 * <p>Opens the database with the default options and that durability, reads the number {@code c}
 * of its last commit from {@code meta/commit}, prints {@code ready <c>}, then commits {@code c+1, c+2, ...} of
 * {@link KillNineWorkload} forever, from each committing thread (each transaction applies the commit after the one
 * its base holds, so with several threads the commits share group-commit batches and still apply in order). After
 * a {@code commit()} returns, its thread appends the commit number (8 bytes, big-endian) to the ledger, unless a
 * higher one is there already, and forces the ledger ({@code force(true)}): a number in the ledger is an
 * acknowledged commit, and so is every lower one. The parent ends it with SIGKILL; any other end (an exception) is a failure the parent reports.
 */
public final class KillNineChild
{
    private KillNineChild()
    {
    }

    public static void main(final String[] args) throws IOException, InterruptedException
    {
        final Path dbFile = Path.of(args[0]);
        final Path ledgerFile = Path.of(args[1]);
        final long seed = Long.parseLong(args[2]);
        final Durability durability = args.length > 3 ? Durability.valueOf(args[3]) : Durability.SYNC;
        final int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        final boolean mapped = args.length > 5 && Boolean.parseBoolean(args[5]);
        try (Database db = Database.open(dbFile,
            DatabaseOptions.builder().durability(durability).mappedWrites(mapped).build());
            FileChannel ledger = FileChannel.open(ledgerFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND))
        {
            final long ready = db.read(KillNineWorkload::lastCommit);
            System.out.println("ready " + ready);
            System.out.flush();
            final Ledger acknowledged = new Ledger(ledger, ready);
            final Thread[] committers = new Thread[threads];
            for (int i = 0; i < threads; i++)
            {
                committers[i] = new Thread(() -> commitForever(db, seed, acknowledged), "committer-" + i);
                committers[i].start();
            }
            for (final Thread t : committers)
            {
                t.join();
            }
        }
        catch (final Throwable t)
        {
            fail(t);
        }
    }

    private static void fail(final Throwable t)
    {
        System.out.println("CHILD FAILED");
        t.printStackTrace(System.out);
        System.out.flush();
        System.exit(3);
    }

    /**
     * One committing thread: each transaction applies the commit after the one its base holds ({@code meta/commit}
     * + 1), so the committers together apply the workload's commits in order, whichever thread gets the write gate.
     */
    private static void commitForever(final Database db, final long seed, final Ledger acknowledged)
    {
        try
        {
            while (true)
            {
                final long n;
                try (WriteTransaction txn = db.beginWrite())
                {
                    n = KillNineWorkload.lastCommit(txn) + 1;
                    KillNineWorkload.apply(txn, seed, n);
                    txn.commit();
                }
                acknowledged.record(n); // acknowledged: only now does the commit go into the ledger
            }
        }
        catch (final Throwable t)
        {
            fail(t);
        }
    }

    /** The forced ledger of acknowledged commits; entries increase (a commit returning after a newer one is covered). */
    private static final class Ledger
    {
        private final FileChannel channel;
        private final ByteBuffer entry = ByteBuffer.allocate(8);
        private long last;

        Ledger(final FileChannel channel, final long last)
        {
            this.channel = channel;
            this.last = last;
        }

        synchronized void record(final long n) throws IOException
        {
            if (n <= last)
            {
                return;
            }
            last = n;
            entry.clear();
            entry.putLong(n).flip();
            while (entry.hasRemaining())
            {
                channel.write(entry);
            }
            channel.force(true);
        }
    }
}
