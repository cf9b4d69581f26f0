package dev.cambium.revision;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Negative control, NOT for production: the naive pin protocol that {@link RevisionList} replaces. A reader reads the
 * head and then increments its count unconditionally; the cleaner retires a node if its count reads 0. Between the
 * reader's head read and its increment, the writer can publish and the cleaner can retire the node, so the reader
 * ends up holding a retired node. The checks of the real protocol must find this, proving they can find the bug
 * RevisionList avoids: {@link PinVersusRetireModelCheckTest} (Lincheck, through {@link PinRetireProtocol#naive()})
 * and the stress module's jcstress test {@code NaivePinVersusRetire}, which gets this class from this module's
 * test-jar (hence public).
 */
public final class NaiveRevisionList
{
    /** A revision with a plain count and a retired flag. */
    public static final class Node
    {
        public final long revision;
        final AtomicInteger count = new AtomicInteger();
        public volatile boolean retired;
        volatile Node older;

        Node(long revision, Node older)
        {
            this.revision = revision;
            this.older = older;
        }
    }

    private final AtomicReference<Node> head = new AtomicReference<>(new Node(0, null));

    /** Reader: reads the head, then increments its count, whatever happened in between. */
    public Node pin()
    {
        final Node node = head.get();
        node.count.incrementAndGet();
        return node;
    }

    /** Writer: publishes a new head. */
    public void publish(long revision)
    {
        head.set(new Node(revision, head.get()));
    }

    /** Cleaner: retires every older node whose count reads 0. */
    public void retire()
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
