package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory working memory for tests: committed pages are immutable byte arrays, private pages
 * are copies; "commit" makes the private pages committed. Freed committed pages stay readable so
 * old roots can be checked as snapshots.
 */
final class MemoryPages implements PageWriter
{
    final int pageSize;
    final Map<Long, byte[]> committed = new HashMap<>();
    final Map<Long, UnsafeBuffer> privatePages = new HashMap<>();
    final Set<Long> freedCommitted = new HashSet<>();
    final Set<Long> allFreedCommitted = new HashSet<>();
    /** When not null, every wrap ({@code "W id"}) and prefetch ({@code "P id"}) in call order. */
    List<String> reads;
    long nextId = 2;
    long revision = 1;
    int copies;

    MemoryPages(final int pageSize)
    {
        this.pageSize = pageSize;
    }

    @Override
    public int pageSize()
    {
        return pageSize;
    }

    @Override
    public void wrap(final long pageId, final long expectedRevision, final UnsafeBuffer view)
    {
        if (reads != null)
        {
            reads.add("W " + pageId);
        }
        final UnsafeBuffer p = privatePages.get(pageId);
        if (p != null)
        {
            view.wrap(p, 0, pageSize);
        }
        else
        {
            final byte[] c = committed.get(pageId);
            if (c == null)
            {
                throw new IllegalStateException("no page " + pageId);
            }
            view.wrap(c);
        }
        if (PageHeader.revision(view) != expectedRevision)
        {
            throw revisionMismatch(pageId, expectedRevision, PageHeader.revision(view));
        }
    }

    /** Records the call; loads nothing (the pages are heap arrays). */
    @Override
    public long prefetch(final long pageId)
    {
        if (reads != null)
        {
            reads.add("P " + pageId);
        }
        return 0;
    }

    /** Starts recording reads ({@link #reads}) afresh. */
    void recordReads()
    {
        reads = new ArrayList<>();
    }

    /** The revision in a page's header (0 for the empty tree): what a pointer to it must record. */
    long revisionOf(final long pageId)
    {
        if (pageId == BTreeReader.EMPTY)
        {
            return 0;
        }
        final UnsafeBuffer p = privatePages.get(pageId);
        return PageHeader.revision(p != null ? p : new UnsafeBuffer(committed.get(pageId)));
    }

    @Override
    public RuntimeException corrupt(final long pageId, final String problem)
    {
        return new IllegalStateException("page " + pageId + ": " + problem);
    }

    @Override
    public long revision()
    {
        return revision;
    }

    @Override
    public boolean isPrivate(final long pageId)
    {
        return privatePages.containsKey(pageId);
    }

    @Override
    public long makePrivate(final long pageId, final long expectedRevision)
    {
        wrap(pageId, expectedRevision, new UnsafeBuffer(0, 0));
        if (privatePages.containsKey(pageId))
        {
            return pageId;
        }
        final byte[] c = committed.get(pageId);
        if (c == null)
        {
            throw new IllegalStateException("no committed page " + pageId);
        }
        if (!freedCommitted.add(pageId))
        {
            throw new IllegalStateException("page " + pageId + " copied twice in one transaction");
        }
        copies++;
        final long id = nextId++;
        // As the engine's working memory does, into a buffer that held another page: the copy must not depend on it.
        final byte[] reused = new byte[c.length];
        Arrays.fill(reused, (byte)0x5A);
        final UnsafeBuffer b = new UnsafeBuffer(reused);
        PageCopy.copy(new UnsafeBuffer(c), b, c.length);
        PageHeader.stamp(b, id, revision);
        privatePages.put(id, b);
        return id;
    }

    @Override
    public long allocate()
    {
        final long id = nextId++;
        final UnsafeBuffer b = new UnsafeBuffer(new byte[pageSize]);
        PageHeader.stamp(b, id, revision);
        privatePages.put(id, b);
        return id;
    }

    @Override
    public void free(final long pageId, final long revision)
    {
        wrap(pageId, revision, new UnsafeBuffer(0, 0));
        if (privatePages.remove(pageId) != null)
        {
            return;
        }
        if (!committed.containsKey(pageId))
        {
            throw new IllegalStateException("free of unknown page " + pageId);
        }
        if (!freedCommitted.add(pageId))
        {
            throw new IllegalStateException("page " + pageId + " freed twice");
        }
    }

    @Override
    public void wrapWritable(final long pageId, final UnsafeBuffer view)
    {
        final UnsafeBuffer p = privatePages.get(pageId);
        if (p == null)
        {
            throw new IllegalStateException("page " + pageId + " is not private");
        }
        view.wrap(p, 0, pageSize);
    }

    /** Makes private pages committed; returns the committed pages freed by this transaction. */
    Set<Long> commit()
    {
        for (final Map.Entry<Long, UnsafeBuffer> e : privatePages.entrySet())
        {
            final byte[] bytes = new byte[pageSize];
            e.getValue().getBytes(0, bytes);
            committed.put(e.getKey(), bytes);
        }
        privatePages.clear();
        final Set<Long> freed = new HashSet<>(freedCommitted);
        for (final Long id : freed)
        {
            if (!allFreedCommitted.add(id))
            {
                throw new IllegalStateException("page " + id + " freed in two transactions");
            }
        }
        freedCommitted.clear();
        revision++;
        return freed;
    }

    /** Discards private pages (rollback). */
    void rollback()
    {
        privatePages.clear();
        freedCommitted.clear();
    }
}
