package dev.cambium.revision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The list of published revisions, newest at the head, with reader pins that keep old revisions alive.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Reader threads</b> (any number): {@link #head()}, {@link #pin()}, {@link RevisionNode#unpin(int)}.</li>
 *   <li><b>The single writer thread</b> (or the group commit's leader, one at a time): {@link #stage},
 *       {@link #publish}.</li>
 *   <li><b>The single cleaner thread</b>: {@link #retire}, {@link #liveRevisions()}.</li>
 *   <li>Any thread, as a racy snapshot for statistics: {@link #size()}, {@link #oldestLiveRevision()},
 *       {@link #pinnedCount()}, {@link #oldestPinnedRevision()}.</li>
 * </ul>
 *
 * <h2>Design note: why a reader can never pin a retired node</h2>
 * Each node's refcount is split into stripes (128 bytes apart, so that reader threads on different
 * stripes do not contend; {@link RevisionNode}). Pinning and retiring are CASes on those words, so they are
 * totally ordered per stripe:
 * <ul>
 *   <li>Retirement is {@code CAS(0 -> TOMBSTONE)} on every stripe in turn: if one stripe is pinned it fails
 *       and puts the stripes it took back to 0; once the last stripe is taken, the words never change again.</li>
 *   <li>Pinning is a CAS loop {@code count -> count + 1} on the reader's stripe that refuses the tombstone: on
 *       seeing it the reader re-reads the head and tries that node instead.</li>
 * </ul>
 * So if the reader's CAS wins, the cleaner's CAS on that stripe fails and the node cannot be retired until the
 * pin is released; if the cleaner's CAS wins, the pin attempt fails (and the reader moves on to the newer
 * head). A node that is no longer the head but not yet retired may be pinned: it is still intact, and the pin
 * stops the cleaner from retiring it.
 *
 * <p>The head is never retired: {@link #retire} reads the head once and only considers nodes older than
 * it, and the head only ever moves to newer nodes. A reader that sees a tombstone therefore finds a newer
 * head on its next read, and a head that cannot be tombstoned; its only other reason to retry is a CAS lost
 * to another reader that succeeded. {@link #pin()} is thus lock-free.
 *
 * <p>This is the pattern Caffeine uses for its node lifecycle (alive/retired/dead states changed by CAS and
 * checked on every access): the reclaiming side never frees what a racing reader could still grab, because
 * the grab and the reclaim contend on one word instead of on a separate "is it still in the list?" check.
 * The naive alternative (read head, then {@code incrementAndGet}) loses exactly the race "reader reads head,
 * writer publishes, cleaner retires the old head at count 0, reader increments": the model-checking test
 * and the jcstress negative control show it.
 *
 * <h2>Happens-before</h2>
 * <ul>
 *   <li>The writer's construction of a node (its final fields, its state object, its obsolete array and its
 *       {@code older} link) happens-before any reader that obtains it from the head, through the head's
 *       {@link AtomicReference} (volatile set in {@link #publish}, volatile get in {@link #pin()}).</li>
 *   <li>A reader's {@link RevisionNode#unpin(int)} happens-before the cleaner's successful retire CAS of that
 *       node's stripe, which reads the value the unpin wrote; so anything the reader did with the revision's pages
 *       precedes the cleaner's reuse of them.</li>
 * </ul>
 *
 * <h2>Links</h2>
 * Only the writer sets the {@code older} link of a new node, before publishing it; only the cleaner
 * rewrites {@code older} of published nodes, to unlink retired ones. The links of a retired node are left
 * as they were so that a concurrent statistics walk standing on it still reaches the rest of the list.
 *
 * @param <S> the engine's immutable per-revision state
 */
public final class RevisionList<S>
{
    private final AtomicReference<RevisionNode<S>> head;
    /** The newest node {@link #stage}d and not yet published, or null. Writer only. */
    private RevisionNode<S> staged;

    /**
     * Creates a list holding one revision. The creating thread must publish the list to the other threads
     * safely (for example by starting them afterwards).
     *
     * @param initialRevision the revision of the initial state
     * @param initialState the initial state
     */
    public RevisionList(long initialRevision, S initialState)
    {
        head = new AtomicReference<>(new RevisionNode<>(initialRevision, initialState, null, null));
    }

    /**
     * The newest published node, without pinning it. Any thread. The node may be retired at any moment
     * after this returns unless the caller pins it some other way; use {@link #pin()} to read its state.
     *
     * @return the current head
     */
    public RevisionNode<S> head()
    {
        return head.get();
    }

    /**
     * Pins the newest revision that is not retired, on stripe 0: see {@link #pin(int)}. The caller must call
     * {@link RevisionNode#unpin()} exactly once.
     *
     * @return a pinned node that the cleaner will not retire until it is unpinned
     */
    public RevisionNode<S> pin()
    {
        return pin(0);
    }

    /**
     * Pins the newest revision that is not retired: in practice the head, or a node that was the head a
     * moment ago. Reader threads. Lock-free. The caller must call {@link RevisionNode#unpin(int)} with the same
     * stripe exactly once.
     *
     * @param stripe the refcount stripe to pin, in {@code [0, RevisionNode.STRIPES)}; readers pass
     *               {@link RevisionNode#stripeOfCurrentThread()}
     * @return a pinned node that the cleaner will not retire until it is unpinned
     */
    public RevisionNode<S> pin(int stripe)
    {
        for (;;)
        {
            // The head read here may already be stale; that is fine as long as it is not retired, and
            // tryPin refuses a retired node, sending us back for the newer head.
            final RevisionNode<S> node = head.get();
            if (node.tryPin(stripe))
            {
                return node;
            }
        }
    }

    /**
     * Publishes a new revision as the head. The single writer thread only. The node is fully linked
     * (older = the current head) before it becomes visible.
     *
     * @param revision the new revision; must be greater than the head's
     * @param state the engine's immutable state of the revision
     * @param obsolete the pages this commit made obsolete, with the revisions that wrote them; may be
     *                 {@code null} for none
     * @return the new head (not pinned)
     * @throws IllegalArgumentException if the revision does not increase
     */
    public RevisionNode<S> publish(long revision, S state, ObsoletePages obsolete)
    {
        // Link first, then swap: the volatile set publishes the node with its link and fields, and with the nodes
        // staged before it.
        final RevisionNode<S> node = link(revision, state, obsolete);
        staged = null;
        head.set(node);
        return node;
    }

    /**
     * Links a revision that readers must never pin: the next {@link #publish} puts it, with the revisions staged
     * before it, between the current head and the published node, but it never becomes the head, so no reader can
     * pin it (a reader pins only a node it read as the head). The cleaner retires it like any unpinned node once it
     * is linked, which hands on what it made obsolete. A group commit stages every revision of a batch but the newest:
     * their pages need not all be written (a page a later revision of the batch made obsolete is not), and no meta
     * page names them. The single writer only.
     *
     * @param revision the revision; must be greater than the head's and the last staged one's
     * @param state the engine's immutable state of the revision
     * @param obsolete the pages this commit made obsolete, with the revisions that wrote them; may be {@code null}
     * @throws IllegalArgumentException if the revision does not increase
     */
    public void stage(long revision, S state, ObsoletePages obsolete)
    {
        staged = link(revision, state, obsolete);
    }

    private RevisionNode<S> link(final long revision, final S state, final ObsoletePages obsolete)
    {
        final RevisionNode<S> newest = staged != null ? staged : head.get();
        if (revision <= newest.revision())
        {
            throw new IllegalArgumentException(
                "revision " + revision + " must be greater than head revision " + newest.revision());
        }
        return new RevisionNode<>(revision, state, obsolete, newest);
    }

    /**
     * Retires every node older than the head (as read once at the start) that no reader has pinned, unlinks
     * them, and hands each to {@code onRetired}, oldest first. The single cleaner thread only.
     *
     * <p>A successful retire CAS reads the 0 written by the last {@link RevisionNode#unpin()}, so every
     * reader's use of the node happens-before {@code onRetired} is called for it.
     *
     * @param onRetired called once per retired node, oldest first, on the cleaner thread
     * @return the number of nodes retired by this call
     */
    public int retire(Consumer<RevisionNode<S>> onRetired)
    {
        Objects.requireNonNull(onRetired, "onRetired");
        final RevisionNode<S> newest = head.get();
        List<RevisionNode<S>> retired = null;
        RevisionNode<S> prev = newest;
        RevisionNode<S> node = newest.older;
        while (node != null)
        {
            final RevisionNode<S> next = node.older;
            if (node.tryRetire())
            {
                // Only this thread rewrites links of published nodes, so a plain volatile write suffices.
                prev.older = next;
                if (retired == null)
                {
                    retired = new ArrayList<>();
                }
                retired.add(node);
            }
            else
            {
                prev = node;
            }
            node = next;
        }
        if (retired == null)
        {
            return 0;
        }
        for (int i = retired.size() - 1; i >= 0; i--)
        {
            onRetired.accept(retired.get(i));
        }
        return retired.size();
    }

    /**
     * Number of nodes a reader holds (refcount above 0). Any thread; a racy snapshot.
     *
     * @return pinned node count
     */
    public int pinnedNodeCount()
    {
        int n = 0;
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            if (node.refCount() > 0)
            {
                n++;
            }
        }
        return n;
    }

    /**
     * Visits every node still linked (the head and every node not yet unlinked), newest first. The single
     * cleaner thread only (it is the only thread that unlinks, so the walk sees a stable chain).
     *
     * @param visitor called for each linked node
     */
    public void forEachLinked(Consumer<RevisionNode<S>> visitor)
    {
        Objects.requireNonNull(visitor, "visitor");
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            visitor.accept(node);
        }
    }

    /**
     * Revisions of the nodes not yet retired, newest first: from the cleaner's point of view, the revisions
     * that a reader may still have pinned or may still pin. The cleaner thread (exact); from other threads a
     * racy snapshot.
     *
     * @return live revisions, newest first
     */
    public long[] liveRevisions()
    {
        long[] out = new long[8];
        int n = 0;
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            if (!node.isRetired())
            {
                if (n == out.length)
                {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = node.revision();
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Number of nodes not yet retired. Any thread; a racy snapshot.
     *
     * @return live node count, at least 1
     */
    public int size()
    {
        int n = 0;
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            if (!node.isRetired())
            {
                n++;
            }
        }
        return n;
    }

    /**
     * The oldest revision not yet retired. Any thread; a racy snapshot (exact on the cleaner thread).
     *
     * @return the oldest live revision
     */
    public long oldestLiveRevision()
    {
        final RevisionNode<S> newest = head.get();
        long oldest = newest.revision();
        for (RevisionNode<S> node = newest.older; node != null; node = node.older)
        {
            if (!node.isRetired())
            {
                oldest = node.revision();
            }
        }
        return oldest;
    }

    /**
     * The oldest revision on which a reader holds a pin, for statistics (which revision an old reader is
     * keeping alive). Any thread; a racy snapshot: pins taken or released during the walk may or may not be
     * seen.
     *
     * @return the oldest pinned revision, or {@code -1} if no node is pinned
     */
    public long oldestPinnedRevision()
    {
        long oldest = -1;
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            if (node.refCount() > 0)
            {
                oldest = node.revision();
            }
        }
        return oldest;
    }

    /**
     * Sum of the pins held on all live nodes, for statistics. Any thread; a racy snapshot.
     *
     * @return total pins
     */
    public int pinnedCount()
    {
        int pins = 0;
        for (RevisionNode<S> node = head.get(); node != null; node = node.older)
        {
            final int count = node.refCount();
            if (count > 0)
            {
                pins += count;
            }
        }
        return pins;
    }
}
