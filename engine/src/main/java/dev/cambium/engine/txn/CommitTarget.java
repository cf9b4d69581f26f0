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
 * <p>Threads: the thread that runs the write transaction, while it holds the engine's write gate; only
 * {@link #awaitDurable} may also be called after the gate was released ({@link #writeEnded}).
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
     * Queues a revision whose pages are written for durability and publication ({@link GroupCommit#written}); from
     * now on the next write transaction builds on it. The caller still holds the write gate.
     *
     * @param meta         the revision.
     * @param obsolete     the pages it made obsolete, with the revisions that wrote them.
     * @param pagesWritten how many pages the commit wrote (statistics).
     */
    void written(Meta meta, ObsoletePages obsolete, int pagesWritten);

    /**
     * @return true if a commit opens the write gate for the next writer once its revision is queued, before the
     * forces ({@link Durability#SYNC} without strict mode): group commit. Otherwise the gate stays held until the
     * revision is published.
     */
    boolean opensGateBeforeForce();

    /**
     * Returns once the revision is durable as {@link #durability()} asks and published to new readers
     * ({@link GroupCommit#awaitDurable}). May be called after {@link #writeEnded}.
     *
     * @param revision the revision queued by {@link #written}.
     */
    void awaitDurable(long revision);

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
