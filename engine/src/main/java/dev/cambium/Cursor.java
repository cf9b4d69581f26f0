package dev.cambium;

import org.agrona.DirectBuffer;

/**
 * A position in a tree, moved in key order.
 *
 * <p>A new cursor is not positioned: call {@link #first()}, {@link #last()} or {@link #seek(byte[])}.
 * Movement methods return false (and leave the cursor unpositioned) when they run off the end.
 * {@link #key()} and {@link #value()} of an unpositioned cursor throw {@link IllegalStateException}.
 *
 * <p><b>Changes during iteration</b> (write transactions only): a cursor stays positioned by
 * key. If its tree is changed (through any handle of the transaction) while the cursor is
 * positioned, the cursor remembers the key it was on and, on its next use, sees the tree as it now
 * is: {@link #next()} moves to the smallest key greater than that key, {@link #prev()} to the largest
 * key smaller than it, and {@link #key()}/{@link #value()} return the entry if it still exists, or
 * throw {@link IllegalStateException} if it was deleted.
 *
 * <p>Threads: same as the transaction it came from.
 */
public interface Cursor extends AutoCloseable
{
    /**
     * @return true if positioned on the smallest key; false if the tree is empty.
     */
    boolean first();

    /**
     * @return true if positioned on the largest key; false if the tree is empty.
     */
    boolean last();

    /**
     * @param key the key to look for.
     * @return true if positioned on the smallest key {@code >= key}; false if there is none.
     */
    boolean seek(byte[] key);

    /**
     * Zero-copy {@link #seek(byte[])}.
     *
     * @param key    buffer holding the key.
     * @param offset offset of the key.
     * @param length length of the key.
     * @return true if positioned on the smallest key {@code >= key}; false if there is none.
     */
    boolean seek(DirectBuffer key, int offset, int length);

    /**
     * @return true if moved to the next key; false at the end (the cursor is then unpositioned).
     */
    boolean next();

    /**
     * @return true if moved to the previous key; false at the start (the cursor is then unpositioned).
     */
    boolean prev();

    /**
     * @return a copy of the current key.
     */
    byte[] key();

    /**
     * @return a copy of the current value.
     */
    byte[] value();

    /**
     * @return a view of the current key, valid until the cursor moves.
     */
    DirectBuffer keyBuffer();

    /**
     * @return a view of the current value, valid until the cursor moves.
     */
    DirectBuffer valueBuffer();

    /**
     * Releases the cursor. Idempotent.
     */
    @Override
    void close();
}
