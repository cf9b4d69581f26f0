package dev.cambium;

import java.time.Duration;
import java.util.Objects;

/**
 * An open read transaction that has been open longer than
 * {@link DatabaseOptions#maxReadTransactionAge()}, from {@link Database#checkReadTransactions()}.
 *
 * @param revision the revision the transaction pins.
 * @param age      how long it had been open when checked.
 * @param origin   the stack trace of where it was begun, or {@code null} if origins were not tracked.
 */
public record ReadTransactionInfo(long revision, Duration age, String origin)
{
    /**
     * @param revision the revision the transaction pins.
     * @param age      how long it had been open when checked; not null.
     * @param origin   the stack trace of where it was begun, or {@code null}.
     */
    public ReadTransactionInfo
    {
        Objects.requireNonNull(age, "age");
    }
}
