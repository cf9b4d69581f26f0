package dev.cambium;

import dev.cambium.codec.KeyRange;
import org.agrona.DirectBuffer;

/**
 * One named B+tree as seen by one transaction: a sorted map from byte-string keys to byte-string
 * values.
 *
 * <p>Keys are ordered by unsigned lexicographic byte order (a shorter key sorts before every longer
 * key it is a prefix of). Use {@link dev.cambium.codec.KeyCodecs} to encode numbers, strings, UUIDs
 * and tuples so that this order is the natural one.
 *
 * <p>Limits: a key is 1 to {@link Limits#maxKeyLength(int)} bytes (1322 at the default 4 KiB
 * page); a value is 0 to {@link Limits#MAX_VALUE_LENGTH} bytes. Large values are stored on overflow
 * pages.
 *
 * <p>Zero-copy views ({@link #get(DirectBuffer, int, int, DirectBuffer)}, cursor buffers) point
 * into the mapped file and stay valid until the transaction ends; in a write transaction a view of
 * a changed page is valid only until the tree is next changed.
 *
 * <p>A tree obtained from a read transaction rejects writes with
 * {@link ReadOnlyTransactionException}. Every method throws {@link TransactionClosedException} once
 * its transaction has ended.
 */
public interface Tree
{
    /**
     * @return the tree's name.
     */
    String name();

    /**
     * @param key the key.
     * @return a copy of the value, or null if the key is absent.
     */
    byte[] get(byte[] key);

    /**
     * Zero-copy lookup.
     *
     * @param key       buffer holding the key.
     * @param offset    offset of the key in {@code key}.
     * @param length    length of the key.
     * @param valueView wrapped around the value if found; untouched otherwise.
     * @return true if the key was found.
     */
    boolean get(DirectBuffer key, int offset, int length, DirectBuffer valueView);

    /**
     * @param key the key.
     * @return true if the key is present.
     */
    boolean containsKey(byte[] key);

    /**
     * Zero-copy presence test.
     *
     * @param key    buffer holding the key.
     * @param offset offset of the key.
     * @param length length of the key.
     * @return true if the key is present.
     */
    boolean containsKey(DirectBuffer key, int offset, int length);

    /**
     * Inserts or replaces an entry.
     *
     * @param key   the key.
     * @param value the value (may be empty, not null).
     */
    void put(byte[] key, byte[] value);

    /**
     * Zero-copy insert or replace.
     *
     * @param key         buffer holding the key.
     * @param keyOffset   offset of the key.
     * @param keyLength   length of the key.
     * @param value       buffer holding the value.
     * @param valueOffset offset of the value.
     * @param valueLength length of the value.
     */
    void put(DirectBuffer key, int keyOffset, int keyLength, DirectBuffer value, int valueOffset, int valueLength);

    /**
     * @param key the key.
     * @return true if an entry was removed.
     */
    boolean delete(byte[] key);

    /**
     * Zero-copy delete.
     *
     * @param key    buffer holding the key.
     * @param offset offset of the key.
     * @param length length of the key.
     * @return true if an entry was removed.
     */
    boolean delete(DirectBuffer key, int offset, int length);

    /**
     * @return the number of entries, in O(1).
     */
    long size();

    /**
     * Counts entries in a key range in O(log n), using the subtree counts kept in branch pages.
     *
     * @param fromInclusive lower bound, or null for no lower bound.
     * @param toExclusive   upper bound, or null for no upper bound.
     * @return the number of entries with {@code fromInclusive <= key < toExclusive}.
     */
    long count(byte[] fromInclusive, byte[] toExclusive);

    /**
     * Deletes every entry with {@code fromInclusive <= key < toExclusive}. The number to delete is
     * taken from {@link #count(byte[], byte[])} first, so the deletions need no key comparisons
     * against the upper bound; each costs one O(log n) descent.
     *
     * @param fromInclusive lower bound, or null for no lower bound.
     * @param toExclusive   upper bound, or null for no upper bound.
     * @return the number of entries deleted.
     */
    long deleteRange(byte[] fromInclusive, byte[] toExclusive);

    /**
     * Deletes every entry in a range: {@code deleteRange(range.from(), range.to())}.
     *
     * @param range the keys to delete.
     * @return the number of entries deleted.
     */
    default long deleteRange(final KeyRange range)
    {
        return deleteRange(range.from(), range.to());
    }

    /**
     * Counts the entries in a range in O(log n): {@code count(range.from(), range.to())}.
     *
     * @param range the keys to count.
     * @return the number of entries in the range.
     */
    default long count(final KeyRange range)
    {
        return count(range.from(), range.to());
    }

    /**
     * @return a new cursor, not yet positioned.
     */
    Cursor cursor();

    /**
     * A cursor that sees only the keys in {@code range} (see "Bounded cursors" on {@link Cursor}).
     * A scan of a range is
     * {@code try (Cursor c = tree.cursor(range)) { for (boolean ok = c.first(); ok; ok = c.next()) { ... } }}.
     *
     * @param range the keys the cursor may stand on.
     * @return a new cursor, not yet positioned.
     */
    Cursor cursor(KeyRange range);
}
