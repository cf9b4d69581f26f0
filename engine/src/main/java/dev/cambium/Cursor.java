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
 * <p><b>Bounded cursors</b> ({@link Tree#cursor(dev.cambium.codec.KeyRange)}) see only the keys of
 * their range: every method above behaves as if the tree held nothing outside it ({@link #first()} is
 * the smallest key in the range, {@link #next()} returns false at the range's end, a seek below the
 * range lands on its first key). The bound checks compare in place and allocate nothing, so
 * {@code for (boolean ok = c.first(); ok; ok = c.next())} with {@link #keyBuffer()} and
 * {@link #valueBuffer()} scans a range without allocating per entry.
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
     * Same as {@link #seek(byte[])}: the smallest key {@code >= key}.
     *
     * @param key the key to look for.
     * @return true if positioned; false if there is no such key.
     */
    boolean seekCeiling(byte[] key);

    /**
     * @param key the key to look for.
     * @return true if positioned on the largest key {@code <= key}; false if there is none.
     */
    boolean seekFloor(byte[] key);

    /**
     * @param key the key to look for.
     * @return true if positioned on the smallest key {@code > key}; false if there is none.
     */
    boolean seekHigher(byte[] key);

    /**
     * @param key the key to look for.
     * @return true if positioned on the largest key {@code < key}; false if there is none.
     */
    boolean seekLower(byte[] key);

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
