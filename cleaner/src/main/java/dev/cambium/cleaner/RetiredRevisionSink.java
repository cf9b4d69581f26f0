package dev.cambium.cleaner;

import dev.cambium.revision.RevisionNode;

/**
 * Receives revisions the cleaner has retired; supplied by the engine, which frees their obsolete pages.
 *
 * <p>Called on the cleaner thread only (or the thread driving the cleaner's
 * {@link org.agrona.concurrent.AgentInvoker}), oldest revision first. No reader holds or can take a pin on
 * the node: every reader's last unpin happens-before this call.
 *
 * @param <S> the engine's immutable per-revision state
 */
@FunctionalInterface
public interface RetiredRevisionSink<S> {
    /**
     * Takes ownership of a retired revision.
     *
     * @param node the retired node; {@link RevisionNode#isRetired()} is true
     */
    void retired(RevisionNode<S> node);
}
