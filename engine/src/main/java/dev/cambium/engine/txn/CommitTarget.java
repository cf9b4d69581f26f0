package dev.cambium.engine.txn;

import dev.cambium.CheckReport;
import dev.cambium.Durability;
import dev.cambium.engine.store.Meta;
import dev.cambium.revision.ObsoletePages;

/**
 * What a write transaction needs from the database it commits to, and nothing more: how durable a commit must be,
 * where to publish it, and whom to tell that the transaction ended. Implemented by the engine; keeps the
 * transaction from calling back into the engine's other business.
 *
 * <p>Threads: the thread that runs the write transaction, while it holds the engine's write gate.
 */
public interface CommitTarget
{
    /**
     * @return whether a commit forces its pages and its meta page ({@link Durability#SYNC}) or not.
     */
    Durability durability();

    /**
     * @return true if every commit runs the consistency check (strict mode, for tests).
     */
    boolean checkEveryCommit();

    /**
     * The last step of a commit: makes the revision visible to new readers and hands its obsolete pages to the
     * cleaner.
     *
     * @param meta         the committed revision, durable as {@link #durability()} asks.
     * @param obsolete     the pages it made obsolete, with the revisions that wrote them.
     * @param pagesWritten how many pages the commit wrote (statistics).
     */
    void publish(Meta meta, ObsoletePages obsolete, int pagesWritten);

    /**
     * Checks the database as just published, for strict mode; the caller still holds the write gate.
     *
     * @return the report.
     */
    CheckReport check();

    /**
     * Called exactly once when the transaction ends (commit, rollback or close): releases the write gate.
     *
     * @param txn the transaction.
     */
    void writeEnded(WriteTxn txn);
}
