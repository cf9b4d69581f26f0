package dev.cambium.revision;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Negative control: the obvious but broken protocol. A reader reads the head and then increments its count
 * unconditionally; the cleaner retires a node if its count reads 0. Between the reader's head read and its
 * increment, the writer can publish and the cleaner can retire the node, so the reader ends up holding a
 * retired node. The model-checking test must find this, proving it can find the bug RevisionList avoids.
 */
final class NaiveRevisionList
{
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
        final Node newest = head.get();
        for (Node node = newest.older; node != null; node = node.older)
        {
            if (!node.retired && node.count.get() == 0)
            {
                node.retired = true;
            }
        }
    }
}
