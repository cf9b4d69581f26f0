package dev.cambium.revision;

/**
 * The three operations of the pin-versus-retire race, so that the same model-checking scenario runs
 * against the real {@link RevisionList} and against the {@link NaiveRevisionList} negative control.
 */
interface PinRetireProtocol
{
    /** Reader: pins some node and returns it. */
    Object pin();

    /** Reader: releases a node returned by {@link #pin()}. */
    void unpin(Object node);

    /** Writer: publishes the next revision. */
    void publishNext();

    /** Cleaner: retires what it can. */
    void retire();

    /** Whether the given node (as returned by {@link #pin()}) is retired. */
    boolean isRetired(Object node);

    /** The real protocol, the reader on stripe 0 (the first one the cleaner takes). */
    static PinRetireProtocol real()
    {
        return real(0);
    }

    /** The real protocol, the reader pinning the given refcount stripe. */
    static PinRetireProtocol real(int stripe)
    {
        final RevisionList<String> list = new RevisionList<>(0, "r0");
        return new PinRetireProtocol()
        {
            private long next = 1;

            @Override
            public Object pin()
            {
                return list.pin(stripe);
            }

            @Override
            public void unpin(Object node)
            {
                ((RevisionNode<?>)node).unpin(stripe);
            }

            @Override
            public void publishNext()
            {
                list.publish(next, "r" + next, null);
                next++;
            }

            @Override
            public void retire()
            {
                list.retire(node ->
                {
                });
            }

            @Override
            public boolean isRetired(Object node)
            {
                return ((RevisionNode<?>)node).isRetired();
            }
        };
    }

    /** The naive protocol that the real one replaces. */
    static PinRetireProtocol naive()
    {
        final NaiveRevisionList list = new NaiveRevisionList();
        return new PinRetireProtocol()
        {
            private long next = 1;

            @Override
            public Object pin()
            {
                return list.pin();
            }

            @Override
            public void unpin(Object node)
            {
                ((NaiveRevisionList.Node)node).count.decrementAndGet();
            }

            @Override
            public void publishNext()
            {
                list.publish(next++);
            }

            @Override
            public void retire()
            {
                list.retire();
            }

            @Override
            public boolean isRetired(Object node)
            {
                return ((NaiveRevisionList.Node)node).retired;
            }
        };
    }
}
