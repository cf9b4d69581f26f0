package dev.cambium.stress;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Negative control, NOT for production: the naive pin protocol that {@link dev.cambium.revision.RevisionList}
 * replaces. A reader reads the head and then increments its count unconditionally; the cleaner marks a node
 * retired if its count reads 0. A reader that is descheduled between the two steps ends up holding a
 * retired node.
 */
final class NaiveRevisionList
{
    /** A revision with a plain count and a retired flag. */
    static final class Node
    {
        final long revision;
        final AtomicInteger count = new AtomicInteger();
        volatile boolean retired;
        volatile Node older;

        Node(long revision, Node older)
        {
            this.revision = revision;
            this.older = older;
        }
    }

    private final AtomicReference<Node> head = new AtomicReference<>(new Node(0, null));

    Node pin()
    {
        final Node node = head.get();
        node.count.incrementAndGet();
        return node;
    }

    void publish(long revision)
    {
        head.set(new Node(revision, head.get()));
    }

    void retire()
    {
        for (Node node = head.get().older; node != null; node = node.older)
        {
            if (node.count.get() == 0)
            {
                node.retired = true;
            }
        }
    }
}
