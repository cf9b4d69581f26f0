package dev.cambium.engine;

import dev.cambium.DatabaseOptions;
import dev.cambium.ReadTransactionInfo;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.txn.ReadTxn;
import dev.cambium.engine.txn.ReaderPin;
import dev.cambium.revision.RevisionNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Forgotten-reader detection for one engine: the open-reader count, the count of read transactions
 * released by the garbage collector, and (only when {@link DatabaseOptions#maxReadTransactionAge()}
 * is set or {@link DatabaseOptions#trackReadTransactionOrigins()} is true) a registry of the open
 * read transactions with their open times and origins.
 *
 * <p>Leak release uses {@link dev.cambium.engine.txn.ForgottenReaderRelease#SHARED}, shared by all engines in
 * the JVM: a single daemon thread, rather than a thread per open database; it needs no closing, and a forgotten
 * transaction of a closed engine is still released (unpinning an in-memory node of a closed engine is harmless).
 * The open-reader count is a {@link LongAdder}: reader threads beginning and ending transactions update it
 * without contending on one cache line.
 *
 * <p>Threads: {@link #opened} on the thread beginning a read transaction; {@link ReaderPin.Listener#released}
 * on the closing thread, or on the cleaner's thread for a leak; {@link #checkAges} and the statistics
 * from any thread, concurrently (the registry is a concurrent set; iteration is weakly consistent).
 */
final class ReadTransactionTracker implements ReaderPin.Listener, ReaderPin.Opener
{
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final String database;
    private final LongAdder openReaders;
    private final AtomicLong leaked = new AtomicLong();
    private final boolean trackOrigins;
    private final long maxAgeNanos;
    private final Set<ReaderPin> open;

    /**
     * @param database    the database's name, for messages.
     * @param options     the options; ages and origins are tracked as they say.
     * @param openReaders the engine's open-reader count, decremented here on every release.
     */
    ReadTransactionTracker(final String database, final DatabaseOptions options, final LongAdder openReaders)
    {
        this.database = database;
        this.openReaders = openReaders;
        final Duration maxAge = options.maxReadTransactionAge();
        this.maxAgeNanos = maxAge == null ? -1 : saturatedNanos(maxAge);
        this.trackOrigins = options.trackReadTransactionOrigins();
        this.open = trackOrigins || maxAge != null ? ConcurrentHashMap.newKeySet() : null;
    }

    private static long saturatedNanos(final Duration d)
    {
        try
        {
            return d.toNanos();
        }
        catch (final ArithmeticException e)
        {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Creates the pin of a read transaction being begun. Untracked: one allocation, no clock read.
     *
     * @param txn    the transaction being begun.
     * @param node   the pinned revision.
     * @param stripe the refcount stripe it was pinned on.
     * @return its pin.
     */
    @Override
    public ReaderPin opened(final ReadTxn txn, final RevisionNode<Meta> node, final int stripe)
    {
        // The clock only when tracked: System.nanoTime() took 100 to 180 ns on a KVM guest (kvm-clock), as much as
        // the rest of a begin and end together, and untracked transactions need no open time.
        final ReaderPin pin = ReaderPin.of(txn, node, stripe, open != null ? System.nanoTime() : ReaderPin.UNTIMED,
            trackOrigins ? new Throwable("read transaction opened here") : null, this);
        if (open != null)
        {
            open.add(pin);
        }
        return pin;
    }

    @Override
    public void released(final ReaderPin pin, final boolean leakedTxn)
    {
        openReaders.decrement();
        if (open != null)
        {
            open.remove(pin);
        }
        if (leakedTxn)
        {
            try
            {
                final String age = pin.openedNanos() == ReaderPin.UNTIMED
                    ? ""
                    : " after about " + (System.nanoTime() - pin.openedNanos()) / 1_000_000 + " ms";
                LOG.log(System.Logger.Level.WARNING,
                    "read transaction on revision " + pin.revision() + " of " + database +
                        " was never closed and became unreachable" + age +
                        "; released it. Close read transactions (try-with-resources)" +
                        (pin.origin() == null
                            ? "; set DatabaseOptions.trackReadTransactionOrigins(true) to see where it was opened"
                            : "; it was opened at:"),
                    pin.origin());
            }
            finally
            {
                // Counted after the warning is logged: whoever sees the count also sees the warning.
                leaked.incrementAndGet();
            }
        }
    }

    /**
     * @return read transactions released by the cleaner since open.
     */
    long leaked()
    {
        return leaked.get();
    }

    /**
     * Lists the open read transactions older than the maximum age, oldest first, and logs a warning
     * with its origin for each one the first time it is found over age.
     *
     * @param nowNanos the current {@link System#nanoTime()}.
     * @return the over-age transactions; empty if no maximum age is set.
     */
    List<ReadTransactionInfo> checkAges(final long nowNanos)
    {
        if (maxAgeNanos < 0 || open.isEmpty())
        {
            return List.of();
        }
        final List<ReaderPin> over = new ArrayList<>();
        for (final ReaderPin pin : open)
        {
            if (!pin.isReleased() && nowNanos - pin.openedNanos() > maxAgeNanos)
            {
                over.add(pin);
            }
        }
        over.sort(Comparator.comparingLong(p -> p.openedNanos() - nowNanos));
        final List<ReadTransactionInfo> result = new ArrayList<>(over.size());
        for (final ReaderPin pin : over)
        {
            final long age = nowNanos - pin.openedNanos();
            result.add(new ReadTransactionInfo(pin.revision(), Duration.ofNanos(age), pin.originText()));
            if (pin.claimAgeReport())
            {
                LOG.log(System.Logger.Level.WARNING,
                    "read transaction on revision " + pin.revision() + " of " + database + " has been open for " +
                        Duration.ofNanos(age) + ", more than maxReadTransactionAge " + Duration.ofNanos(maxAgeNanos) +
                        "; it keeps that revision's pages from being reclaimed. It was opened at:",
                    pin.origin());
            }
        }
        return result;
    }

    /**
     * @param nowNanos the current {@link System#nanoTime()}.
     * @return how long the oldest open read transaction has been open; 0 if none is open or open
     * transactions are not tracked.
     */
    long oldestAgeNanos(final long nowNanos)
    {
        if (open == null)
        {
            return 0;
        }
        long oldest = 0;
        for (final ReaderPin pin : open)
        {
            if (!pin.isReleased())
            {
                oldest = Math.max(oldest, nowNanos - pin.openedNanos());
            }
        }
        return oldest;
    }
}
