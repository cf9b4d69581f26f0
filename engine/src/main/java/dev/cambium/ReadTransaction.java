package dev.cambium;

import java.util.List;

/**
 * A consistent, read-only view of every tree as of one committed revision.
 *
 * <p>Beginning a read transaction pins the newest revision with a CAS, taking no engine lock (its
 * registration for leak detection with the JDK's {@code Cleaner} takes a brief JDK-internal lock shared
 * only by readers); it never waits for, and never delays, the writer. Everything read through it (trees, cursors, zero-copy views)
 * reflects that revision, however many commits follow, until {@link #close()}. A read transaction
 * left open keeps the pages of its revision from being reclaimed, so close it promptly.
 *
 * <p>Threads: a transaction is not thread-safe; use it (and its trees and cursors) from one thread
 * at a time. Different transactions may be used concurrently from different threads.
 */
public interface ReadTransaction extends AutoCloseable
{
    /**
     * @return the revision this transaction sees; for a write transaction, the revision it will
     * commit as.
     */
    long revision();

    /**
     * Opens a named tree.
     *
     * @param name the tree's name.
     * @return the tree as of this transaction's revision; the same object for repeated calls.
     * @throws NoSuchTreeException         if there is no tree of that name.
     * @throws TransactionClosedException if the transaction has ended.
     */
    Tree tree(String name);

    /**
     * @param name a tree name.
     * @return true if a tree of that name exists in this transaction's view.
     */
    boolean hasTree(String name);

    /**
     * @return the names of all trees in this transaction's view, in unsigned byte order of their UTF-8
     * encoding.
     */
    List<String> treeNames();

    /**
     * Ends the transaction and releases its revision. Idempotent. For a write transaction that was
     * not committed, this rolls back.
     */
    @Override
    void close();
}
