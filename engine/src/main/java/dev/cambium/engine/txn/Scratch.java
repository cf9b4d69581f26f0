package dev.cambium.engine.txn;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * The views a transaction's calls wrap around their arguments and catalog entries, and the encoding of the tree
 * name looked up last. A view is wrapped by the call that uses it and never read by a later call, so a transaction
 * may inherit them from an earlier one ({@link ReadContext}).
 *
 * <p>Threads: the transaction's thread.
 */
final class Scratch
{
    final UnsafeBuffer key = new UnsafeBuffer(0, 0);
    final UnsafeBuffer value = new UnsafeBuffer(0, 0);
    final UnsafeBuffer entry = new UnsafeBuffer(0, 0);
    private String lastName;
    private byte[] lastEncoded;

    /**
     * @param name a tree name.
     * @return its UTF-8 bytes; the same array as the last time for the same name. Callers never change it.
     */
    byte[] encode(final String name)
    {
        if (!name.equals(lastName))
        {
            lastEncoded = name.getBytes(StandardCharsets.UTF_8);
            lastName = name;
        }
        return lastEncoded;
    }
}
