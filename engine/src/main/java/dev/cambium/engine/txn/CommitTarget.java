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
     * Queues a revision whose pages are written (or left to the batch's leader) for durability and publication
     * ({@link GroupCommit#written}); from now on the next write transaction builds on it. The caller still holds the
     * write gate.
     *
     * @param meta         the revision.
     * @param obsolete     the pages it made obsolete, with the revisions that wrote them.
     * @param pagesWritten how many pages the commit wrote (statistics).
     * @param deferred     the revision's pages if they wait in memory for the batch's leader ({@link #deferredPages});
     *                     null if the transaction wrote them.
     */
    void written(Meta meta, ObsoletePages obsolete, int pagesWritten, DeferredPages.Revision deferred);

    /**
     * @return where a commit leaves its pages for the batch's leader to write (group commit, while a batch is in
     * flight), or null if this commit writes its own pages.
     */
    DeferredPages deferredPages();

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
     * Gives the free end of the file back to the file system ({@code PageStore.shrinkFile}), only with the write
     * gate held and no batch in flight: then both meta slots hold their final high-water marks, and neither a
     * writer's growth and page writes nor a leader's meta write can race the truncation.
     *
     * @param holdingGate true if the calling transaction still holds the write gate; otherwise the gate is taken
     *                    only if it is free (another writer at work shrinks at its own commit, or close does).
     * @param exact       true to make every written revision durable first and truncate however little is freed (a
     *                    compaction's end); false to skip if a batch is in flight and to keep a growth step's slack.
     * @return the bytes given back; 0 if none, or if the gate or the batches were busy.
     */
    long shrinkFile(boolean holdingGate, boolean exact);

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
