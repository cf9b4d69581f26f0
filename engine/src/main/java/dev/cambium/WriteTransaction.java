package dev.cambium;

/**
 * The single write transaction of a database: changes to any number of trees that become visible
 * together, atomically, at {@link #commit()}, or not at all.
 *
 * <p>Only one write transaction exists at a time; {@link Database#beginWrite()} waits while another
 * is open. Changes are made in the transaction's private working memory; nothing reaches the file
 * before {@code commit()}, so {@link #rollback()} only discards memory.
 *
 * <p>Threads: use from one thread at a time (the thread that began it need not be the one that
 * ends it).
 */
public interface WriteTransaction extends ReadTransaction
{
    /**
     * Creates a new, empty tree.
     *
     * @param name the tree's name: non-empty, at most {@link Limits#maxKeyLength(int)} bytes of UTF-8.
     * @return the new tree.
     * @throws TreeExistsException if a tree of that name exists.
     */
    Tree createTree(String name);

    /**
     * @param name the tree's name.
     * @return the existing tree of that name, or a new empty one.
     */
    Tree openOrCreateTree(String name);

    /**
     * Deletes a tree and all its entries. Trees and cursors obtained for it before become unusable.
     *
     * @param name the tree's name.
     * @throws NoSuchTreeException if there is no tree of that name.
     */
    void dropTree(String name);

    /**
     * Makes every change of this transaction durable (per {@link Durability}) and visible to new
     * read transactions, atomically, as one new revision. A transaction that changed nothing
     * publishes no revision. The transaction ends whether this returns or throws; if it throws,
     * no change of it is visible and the previous revision stays intact.
     *
     * <p>In {@link Durability#SYNC} mode, commits of several threads share their forces (group commit): the
     * next write transaction may begin once this one's pages are written, and this call returns once its
     * revision is durable. If the forces of its batch fail, this commit, every commit of the batch and every
     * later one fail, and the database refuses writes until reopened.
     *
     * @throws TransactionClosedException if the transaction already ended.
     * @throws StorageException           if writing or forcing the file failed.
     */
    void commit();

    /**
     * Discards every change of this transaction. Idempotent; a no-op after commit.
     */
    void rollback();
}
