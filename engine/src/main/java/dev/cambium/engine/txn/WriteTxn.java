package dev.cambium.engine.txn;

import dev.cambium.CheckReport;
import dev.cambium.CorruptDatabaseException;
import dev.cambium.Durability;
import dev.cambium.NoSuchTreeException;
import dev.cambium.Tree;
import dev.cambium.TreeExistsException;
import dev.cambium.WriteTransaction;
import dev.cambium.btree.BTreeWriter;
import dev.cambium.engine.catalog.CatalogEntry;
import dev.cambium.engine.space.FreeSpace;
import dev.cambium.engine.space.FreeSpaceRoot;
import dev.cambium.engine.store.Meta;
import dev.cambium.engine.store.PageDamage;
import dev.cambium.engine.store.PageStore;
import dev.cambium.failpoint.Failpoint;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * The write transaction: a working memory of private pages over the newest revision, a catalog
 * that changes with it, and the commit sequence.
 *
 * <p>Threads: one thread at a time; the engine (its {@link CommitTarget}) guarantees that only one write
 * transaction exists. Commit's publication (the head swap) happens-before any reader that pins the new revision
 * reads its pages.
 */
public final class WriteTxn extends AbstractTxn implements WriteTransaction
{
    private final CommitTarget target;
    private final PageStore store;
    private final Meta base;
    private final WorkingMemory wm;
    private final FreeSpace freeSpace;
    final BTreeWriter writer;
    private final UnsafeBuffer entry = new UnsafeBuffer(new byte[CatalogEntry.LENGTH]);
    private boolean catalogChanged;
    private long copiesAtEnd;
    /** Set by {@link #relocateTail} and {@link #publishUnchanged}: commit publishes a revision even if unchanged. */
    private boolean publishAnyway;

    /**
     * @param target    where the commit goes (durability, publication, end of the write gate).
     * @param store     the page store.
     * @param base      the newest committed revision, which this transaction builds on.
     * @param wm        the writer's working memory, begun on {@code base}.
     * @param freeSpace the writer's free space, which {@code wm} allocates from.
     * @param writer    the writer's tree writer over {@code wm}; like {@code wm}, reused by every transaction.
     */
    public WriteTxn(final CommitTarget target, final PageStore store, final Meta base, final WorkingMemory wm,
        final FreeSpace freeSpace, final BTreeWriter writer)
    {
        super(store, wm, writer, new Scratch(), base.catalogRoot(), base.catalogRootRevision(), base.treeCount(),
            base.highWater());
        this.target = target;
        this.freeSpace = freeSpace;
        this.store = store;
        this.base = base;
        this.wm = wm;
        this.writer = writer;
    }

    @Override
    boolean writable()
    {
        return true;
    }

    /**
     * @return this transaction's high-water mark: its base's (the newest written revision, durable or still in a
     *         batch being forced) plus the pages it appended. Writer thread.
     */
    @Override
    public long highWater()
    {
        return wm.highWater();
    }

    @Override
    public long revision()
    {
        return base.revision() + 1;
    }

    /**
     * @return true until the transaction commits, rolls back or closes.
     */
    public boolean isOpen()
    {
        return !ended;
    }

    @Override
    public Tree createTree(final String name)
    {
        checkOpen();
        final byte[] bytes = encodeName(name);
        if (handle(name) != null || lookup(bytes))
        {
            throw new TreeExistsException("a tree named '" + name + "' exists");
        }
        putCatalog(bytes, 0, 0, 0);
        treeCount++;
        final TreeHandle h = new TreeHandle(this, name, bytes, 0, 0, 0);
        addHandle(h);
        return h;
    }

    @Override
    public Tree openOrCreateTree(final String name)
    {
        checkOpen();
        return hasTree(name) ? tree(name) : createTree(name);
    }

    @Override
    public void dropTree(final String name)
    {
        checkOpen();
        final TreeHandle h = (TreeHandle)tree(name); // NoSuchTreeException if absent
        try
        {
            writer.freeTree(h.root, h.rootRevision);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("tree '" + name + "'", e);
        }
        keyScratch.wrap(h.encodedName);
        try
        {
            catalogRoot = writer.delete(catalogRoot, catalogRootRevision, keyScratch, 0, h.encodedName.length);
            catalogRootRevision = writer.rootRevision();
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("catalog", e);
        }
        if (!writer.lastDeleteFound())
        {
            throw new NoSuchTreeException("no tree named '" + name + "'");
        }
        treeCount--;
        catalogChanged = true;
        h.markDropped();
        removeHandle(name);
    }

    private void putCatalog(final byte[] name, final long root, final long rootRevision, final long size)
    {
        CatalogEntry.write(entry, root, rootRevision, size);
        keyScratch.wrap(name);
        try
        {
            catalogRoot = writer.put(catalogRoot, catalogRootRevision, treeCount, keyScratch, 0, name.length, entry, 0,
                CatalogEntry.LENGTH);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("catalog", e);
        }
        catalogRootRevision = writer.rootRevision();
        catalogChanged = true;
    }

    /**
     * Commits, as one linear sequence. See docs/design.md, "Commit". The {@link Failpoint}s named in the
     * sequence let tests fail, halt or hold the commit at each step; they compile to nothing unless enabled.
     */
    @Override
    public void commit()
    {
        checkOpen();
        boolean spaceCommitted = false;
        boolean published = false;
        try
        {
            // 1. Record each changed tree's root and entry count in the catalog (dirtying its path).
            for (final TreeHandle h : openedHandles())
            {
                if (h.dirty)
                {
                    putCatalog(h.encodedName, h.root, h.rootRevision, h.size);
                    h.dirty = false;
                }
            }

            // 2. A transaction that changed nothing publishes no revision.
            if (!wm.isDirty() && !catalogChanged && !publishAnyway)
            {
                return;
            }

            // 3a. Shrink: lower the high-water mark over the free pages at the end of the file (design.md, section 3
            //     and "Shrinking the file"); step 13 gives them back to the file system.
            wm.lowerHighWater(freeSpace.trimTail(wm.highWater()));

            // 3. Bring the free-space map up to date: the pages written are used, the pages released are
            //    unused. Updating the map changes pages too, so this repeats until nothing changes.
            wm.beginFreeSpaceMapUpdate();
            final FreeSpaceRoot map = freeSpace.persist(writer, wm);

            // 4. Describe the new revision: catalog root, tree count, free-space map and high-water mark, each root
            //    with the revision that wrote it.
            final Meta meta = base.next(revision(), wm.highWater(), catalogRoot, catalogRootRevision, treeCount,
                map.root(), map.rootRevision(), freeSpace.unusedAfter(wm), System.currentTimeMillis());

            // 5. Grow the file if the new pages lie past its end: a zero page at the new end, the pages before it a
            //    hole that step 6 fills (real zeros throughout when pages are written through a mapping).
            Failpoint.BEFORE_DATA_WRITE.hit();
            store.ensureCapacity(meta.highWater());

            // 6. Write the private pages in page order, each stamped with its CRC32C. With group commit, the pages over
            //    data the file holds wait in memory instead, for the batch's leader, which writes those the batch's
            //    newest revision still uses (DeferredPages); pages into new space are written here, where a full disk
            //    fails only this commit.
            final int n = wm.sortPages();
            final DeferredPages deferred = target.deferredPages();
            final DeferredPages.Revision waiting = deferred != null && n <= DeferredPages.MAX_PAGES
                ? deferred.take(revision(), wm.sortedIds(), wm.sortedBuffers(), n, store)
                : null;
            final int writeNow = waiting == null ? n : n - waiting.ids().length;
            store.writePages(wm.sortedIds(), wm.sortedBuffers(), writeNow); // also when 0: see discardNewerMeta
            Failpoint.AFTER_DATA_WRITE.hit();

            // 7. Map any new part of the file before the revision can be published and a reader given a page in it.
            store.mapUpTo(meta.highWater());

            // 8. The writer's free space follows the written revision: written pages used, obsolete pages pending
            //    (they reach the cleaner only with the published, hence durable, revision), pages allocated and freed
            //    here free at once. From here on a failure refuses writes: memory is ahead of the file.
            spaceCommitted = true;
            freeSpace.commit(wm, map);

            // 9. Queue the revision for durability; the next write transaction builds on it.
            target.written(meta, wm.obsolete(), n, waiting);

            // 10. Group commit (SYNC): open the write gate before the forces, so the next transactions write their
            //     pages while this batch is forced.
            if (target.opensGateBeforeForce())
            {
                end();
            }

            // 11. Wait until durable and published; the first waiter with no batch in progress leads: force the data,
            //     write the newest queued meta to the slot not holding the newest durable one, force it, publish
            //     each revision of the batch in order (GroupCommit). New readers see this revision from now on.
            target.awaitDurable(revision());
            published = true;
            Failpoint.AFTER_PUBLISH.hit();

            // 12. Strict mode (checkEveryCommit, a diagnostic; holding the gate): the whole database must be consistent
            //     after every commit.
            if (target.checkEveryCommit())
            {
                final CheckReport report = target.check();
                if (!report.ok())
                {
                    throw new CorruptDatabaseException("check after commit of revision " + revision() +
                        " found: " + String.join("; ", report.problems()));
                }
            }

            // 13. Give the file's free end back to the file system, above both meta slots' high-water marks and
            //     only when it exceeds a growth step, with the write gate held and no batch in flight, so that the
            //     truncation races neither a writer's growth and page writes nor a batch's meta write; skipped while
            //     another writer works (a later commit or close shrinks). design.md, "Shrinking the file".
            target.shrinkFile(!ended, false);
        }
        catch (final RuntimeException | Error e)
        {
            if (spaceCommitted)
            {
                // Memory (the free space, the next base) is ahead of what is durable, and the file may hold a meta
                // that memory does not know; a later commit could reuse this revision's pages. Stop writing.
                store.refuseWrites(published
                    ? "a commit failed after writing its meta page"
                    : "a commit failed after its pages were written, before its meta write", e);
            }
            throw e;
        }
        finally
        {
            if (!ended)
            {
                end();
            }
        }
    }

    /**
     * One step of a compaction ({@code engine.compact.Compaction}): copies on write the pages of every tree, of the
     * catalog and of the free-space map that lie in the tail of the file (at or above the point where the free pages
     * below could hold every live page above), so that the copies take the lowest free pages. At most about
     * {@code budget} pages are copied; the old ones become obsolete like any copied page. Commit to publish.
     *
     * @param budget how many pages to copy at most (the step's bound: a commit of that many pages).
     * @return the number of pages copied; 0 when no live page lies in the tail.
     */
    public long relocateTail(final long budget)
    {
        checkOpen();
        final long threshold = freeSpace.relocationThreshold(wm.highWater());
        long moved = 0;
        for (final String name : treeNames())
        {
            final TreeHandle h = (TreeHandle)tree(name);
            final long root = relocated(h.root, h.rootRevision, threshold, budget - moved);
            if (writer.lastRelocated() > 0)
            {
                h.root = root;
                h.rootRevision = writer.rootRevision();
                h.dirty = true;
                moved += writer.lastRelocated();
            }
        }
        final long root = relocated(catalogRoot, catalogRootRevision, threshold, budget - moved);
        if (writer.lastRelocated() > 0)
        {
            catalogRoot = root;
            catalogRootRevision = writer.rootRevision();
            catalogChanged = true;
            moved += writer.lastRelocated();
        }
        moved += freeSpace.relocateMap(writer, threshold, budget - moved);
        publishAnyway |= moved > 0;
        return moved;
    }

    private long relocated(final long root, final long rootRevision, final long threshold, final long budget)
    {
        try
        {
            return writer.relocate(root, rootRevision, threshold, budget);
        }
        catch (final CorruptDatabaseException e)
        {
            throw PageDamage.located("relocation", e);
        }
    }

    /**
     * Makes {@link #commit()} publish a revision even if nothing changed, so that the commit lowers the high-water
     * mark over free pages at the end of the file (step 3a) and records it in a meta slot; used by compaction.
     */
    public void publishUnchanged()
    {
        checkOpen();
        publishAnyway = true;
    }

    /**
     * Truncates the file to the newest revision's high-water mark (or the other meta slot's, if higher), however
     * little that gives back, while this transaction holds the write gate; every written revision is made durable
     * first (leading a batch if need be), so no meta write is in flight. Used at the end of a compaction; the
     * transaction must not have changed anything.
     *
     * @return the bytes given back.
     */
    public long shrinkFile()
    {
        checkOpen();
        if (wm.isDirty() || catalogChanged)
        {
            throw new IllegalStateException("shrinkFile() in a transaction that changed pages");
        }
        return target.shrinkFile(true, true);
    }

    @Override
    public void rollback()
    {
        if (!ended)
        {
            end();
        }
    }

    @Override
    public void close()
    {
        rollback();
    }

    private void end()
    {
        ended = true;
        copiesAtEnd = wm.copies();
        wm.release();
        final List<TreeHandle> all = openedHandles();
        clearHandles();
        all.forEach(TreeHandle::markDropped);
        target.writeEnded(this);
    }

    /**
     * @return how many committed pages this transaction copied so far.
     */
    public long copies()
    {
        return ended ? copiesAtEnd : wm.copies();
    }

    @Override
    public String toString()
    {
        return "WriteTransaction{revision=" + revision() + (ended ? ", ended" : "") + '}';
    }
}
