package dev.cambium.btree;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashMap;
import java.util.HashSet;
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
    public void wrap(final long pageId, final UnsafeBuffer view)
    {
        final UnsafeBuffer p = privatePages.get(pageId);
        if (p != null)
        {
            view.wrap(p, 0, pageSize);
            return;
        }
        final byte[] c = committed.get(pageId);
        if (c == null)
        {
            throw new IllegalStateException("no page " + pageId);
        }
        view.wrap(c);
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
    public long makePrivate(final long pageId)
    {
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
        final UnsafeBuffer b = new UnsafeBuffer(c.clone());
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
    public void free(final long pageId)
    {
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
