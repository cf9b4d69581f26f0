package dev.cambium.engine.store;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The narrow interface through which every byte of the database file passes. {@link FileStorage} is the real
 * implementation; tests wrap it to inject failures, and a later fault-injecting implementation simulates power
 * loss (dropping writes that were not forced). Keeping it this small is deliberate: every operation that can
 * lose or reorder data on a real device must be visible here, and nothing else.
 *
 * <p>Every failure is reported as an unchecked {@link dev.cambium.StorageException} whose message names the path
 * and the operation.
 *
 * <p>Threads: {@link #read}, {@link #size} and {@link #mapReadOnly} may be called from any thread;
 * {@link #write}, {@link #force}, {@link #truncate} and {@link #close} only from the single writer thread
 * (or during open/close, when no other thread uses the storage). Positional reads and writes do not share a file
 * position, so a read never disturbs a write.
 */
public interface Storage
{
    /**
     * @return the path of the file, for messages.
     */
    Path path();

    /**
     * @return the current length of the file in bytes.
     */
    long size();

    /**
     * Writes all remaining bytes of {@code src} at {@code position}, looping on short writes. On return
     * {@code src}'s position equals its limit. The bytes reach the operating system, not necessarily the device:
     * only {@link #force} makes them durable.
     *
     * @param src      the bytes to write.
     * @param position the file offset of the first byte.
     */
    void write(ByteBuffer src, long position);

    /**
     * Reads exactly {@code dst.remaining()} bytes from {@code position}, looping on short reads.
     *
     * @param dst      where the bytes go; on return its position equals its limit.
     * @param position the file offset of the first byte.
     * @throws dev.cambium.StorageException if the file ends before {@code dst} is full, or the read fails.
     */
    void read(ByteBuffer dst, long position);

    /**
     * Forces written bytes to the device: {@code fsync} when {@code metadata} is true, else {@code fdatasync}
     * (which may skip the size change of a grown file, so force with metadata after growth).
     * After a failure the caller must not retry and assume success: the kernel may have dropped the dirty pages.
     *
     * @param metadata whether file metadata (the size) must be forced too.
     */
    void force(boolean metadata);

    /**
     * Shrinks the file to {@code size} bytes; a size at or beyond the current length changes nothing (the
     * semantics of {@link java.nio.channels.FileChannel#truncate}). The engine truncates only the free end of the
     * file, which no reader can reach ({@link PageStore#shrinkFile}); mappings over it stay, unread.
     *
     * @param size the new length.
     */
    void truncate(long size);

    /**
     * Maps {@code [position, position + length)} read-only. The range must lie inside the file: mapping past the
     * end and reading there would crash the JVM (SIGBUS), so implementations refuse it.
     *
     * @param position the file offset of the mapping.
     * @param length   the length, at most {@link Integer#MAX_VALUE}.
     * @return the mapping; it stays valid after {@link #close()} until it is garbage collected.
     */
    MappedByteBuffer mapReadOnly(long position, long length);

    /**
     * Asks that writes at or after {@code from} go through a read-write mapping of the file rather than positional
     * writes from now on, where the storage can do so with the same durability ({@link FileStorage#mapWrites(long)}).
     * One promise of {@link #write} weakens: a write the file system cannot back may return as if it had worked, its
     * failure surfacing later in the thread (docs/design.md, the failure table's {@code mappedWrites} row). Writer
     * thread, before the first write it should apply to.
     *
     * @param from the first offset it applies to.
     * @return whether it now does; false (the default) for a storage that cannot.
     */
    default boolean mapWrites(final long from)
    {
        return false;
    }

    /**
     * Closes the file. Existing mappings stay valid. Idempotent.
     */
    void close();
}
