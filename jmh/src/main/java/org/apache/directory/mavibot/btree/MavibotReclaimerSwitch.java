package org.apache.directory.mavibot.btree;

/**
 * Reaches Mavibot 1.0.0-M8's package-private switch for its page reclaimer, which has no public
 * setter. It lives in Mavibot's package (the jar is not sealed) only for that.
 *
 * <p>Why: on a reopened file the reclaimer can fail with a {@code NullPointerException} in
 * {@code TupleCursor.prev} while walking its B-tree of B-trees; Mavibot logs the failure, but the
 * reclaimer's rollback has already released the transaction lock, so the insert that triggered it
 * then fails with "does not hold the transactionLock" and the store is unusable.
 */
public final class MavibotReclaimerSwitch
{
    private MavibotReclaimerSwitch()
    {
    }

    /**
     * @param rm a record manager; its copied pages are no longer reclaimed (the file only grows).
     */
    public static void disable(final RecordManager rm)
    {
        rm._disableReclaimer(true);
    }
}
