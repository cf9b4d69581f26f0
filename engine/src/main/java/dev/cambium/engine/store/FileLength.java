package dev.cambium.engine.store;

import dev.cambium.StorageException;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The database file's length: its growth, its truncation, the growth step both use, whether the
 * size changed since the last force (so that the force carries the metadata), and the positional read that copes
 * with a truncation racing it. {@link PageStore} decides when to grow or shrink and what to do about a failure; this
 * class only changes the file and keeps the length.
 *
 * <p>Threads: {@link #grow} and {@link #truncate} are called by the writer thread; {@link #takeGrownSinceForce} by
 * whoever forces (the group-commit leader, one thread at a time, possibly while the writer grows the file: see
 * there); {@link #size} and {@link #readInside} by any thread.
 */
final class FileLength
{
    private final Storage storage;
    private final Path path;
    private final int pageSize;
    private final long minGrowth;
    private final long maxGrowth;
    /** Whether growth writes every new byte (for writes through a mapping) or only the new last page. */
    private final boolean zeroFill;
    /**
     * The file's length as the writer last grew or observed it. Written only by the writer; volatile because
     * {@code Database.stats()} reads it from any thread.
     */
    private volatile long size;
    /** Set when the size changes (growth or truncation); cleared by the force, which then carries the metadata. */
    private volatile boolean grownSinceForce;
    private ByteBuffer zeros;

    /**
     * @param storage   the file.
     * @param pageSize  the page size.
     * @param minGrowth the least a growth adds.
     * @param maxGrowth the most a growth adds beyond what is needed.
     * @param zeroFill  whether growth writes zeros over the whole new part (the data pages are written through a
     *                  mapping) or only its last page (positional writes): see {@link #grow}.
     */
    FileLength(final Storage storage, final int pageSize, final long minGrowth, final long maxGrowth,
        final boolean zeroFill)
    {
        this.storage = storage;
        this.path = storage.path();
        this.pageSize = pageSize;
        this.minGrowth = minGrowth;
        this.maxGrowth = maxGrowth;
        this.zeroFill = zeroFill;
        this.size = storage.size();
    }

    /**
     * @return the file's length as the writer last grew or observed it. Any thread.
     */
    long size()
    {
        return size;
    }

    /**
     * @param from a length.
     * @return the growth step from that length: a quarter of it, clamped to [minGrowth, maxGrowth].
     */
    long growthStep(final long from)
    {
        return Math.min(Math.max(from / 4, minGrowth), maxGrowth);
    }

    /**
     * Makes the file at least {@code needed} bytes long: if it is shorter, to {@code max(needed, size +
     * growthStep(size))}, rounded up to a page. Writer thread.
     *
     * <p>How, depends on how the data pages are written:
     * <ul>
     *     <li><b>Positional writes</b> (the default): one zero page at the new end, so the file is long enough and the
     *     pages before it are a hole that the commits' own page writes fill. Growth with real zeros wrote each new
     *     page twice, zeros first: a sequential load's commits spent more in growth than in their own page writes
     *     (docs/design.md section 7, "Sequential loads"). A page written into the hole on a full disk fails in that
     *     {@code pwrite} ({@code ENOSPC}: ext4 and XFS reserve the blocks of a buffered write when it is made), which
     *     fails the commit before its meta, as a growth that fails does. Pages no revision has written are never
     *     read; they read as zeros.</li>
     *     <li><b>Writes through a mapping</b> ({@code zeroFill}): real zeros over the whole new part, one write per
     *     page. A store through a mapping into a hole on a full disk cannot fail: the kernel raises SIGBUS later.
     *     One write per page, not per chunk: Linux (6.x, ext4) caches a file in folios as large as the writes that
     *     created them, and a later 4 KiB write into a large folio walks every block of it (section 7, "Loads in
     *     random order").</li>
     * </ul>
     *
     * @param needed the length the next commit needs.
     * @return true if the file grew.
     * @throws StorageException if a write fails; the length then counts the zeros known to be written (none for a
     *                          positional growth).
     */
    boolean grow(final long needed)
    {
        if (needed <= size)
        {
            return false;
        }
        long target = Math.max(needed, size + growthStep(size));
        target = (target + pageSize - 1) & -(long)pageSize;
        if (zeros == null)
        {
            zeros = ByteBuffer.allocateDirect(pageSize);
        }
        final long from = size;
        // A file whose length is not a multiple of the page (a torn growth) is aligned by zeros from its end.
        final boolean hole = !zeroFill && (from & (pageSize - 1)) == 0;
        long at = hole ? target - pageSize : from;
        try
        {
            while (at < target)
            {
                final int n = (int)Math.min(pageSize - (at & (pageSize - 1)), target - at);
                storage.write(zeros.clear().limit(n), at);
                at += n;
            }
        }
        catch (final StorageException e)
        {
            // Partly grown (a full disk, typically). Remember only the zeros known to be written (none past a hole);
            // a retry of the commit writes the rest. Nothing refers to the new bytes, so writes stay allowed.
            failed(hole ? from : at);
            throw new StorageException("growing " + path + " from " + from + " to " + target + " bytes failed at " +
                "offset " + at + " (no revision refers to the new bytes; the commit can be retried): " +
                e.getMessage(), e);
        }
        catch (final RuntimeException | Error e)
        {
            failed(hole ? from : at);
            throw e;
        }
        // Set after the zero writes: a force on another thread (a group-commit leader) that clears the flag before
        // this line leaves it set for the next force, one that clears it after covers these writes.
        grownSinceForce = true;
        size = target;
        return true;
    }

    /** After a failed growth: the length known to be written, and a size change for the next force to carry. */
    private void failed(final long known)
    {
        size = known;
        grownSinceForce = true;
    }

    /**
     * Truncates the file to {@code length}; the next force carries the size change. Writer thread.
     *
     * @param length the new length, below the current one.
     * @throws RuntimeException if the truncation fails; the length is then unknown and left as it was.
     */
    void truncate(final long length)
    {
        storage.truncate(length);
        size = length;
        grownSinceForce = true; // the size changed: the next force carries the metadata
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code position} as far as the file reaches now, and zeros past its end
     * (for {@link PageStore#readPages}). Any thread; a positional read.
     *
     * @param position the file offset.
     * @param dst      receives the bytes; its position ends at its limit.
     * @throws StorageException if the read fails (other than by a truncation racing it).
     */
    void readInside(final long position, final ByteBuffer dst)
    {
        final int start = dst.position();
        final int end = dst.limit();
        for (int attempt = 0;; attempt++)
        {
            // The writer may have shrunk the file below the pinned revision's high-water mark (see shrinkFile):
            // the pages past the end are unused by every live revision, so they read as zeros.
            final long inFile = Math.max(0, Math.min(end - start, storage.size() - position));
            dst.limit(start + (int)inFile).position(start);
            try
            {
                storage.read(dst, position);
                break;
            }
            catch (final StorageException e)
            {
                if (attempt >= 2 || storage.size() >= position + inFile)
                {
                    throw e;
                }
                // Truncated between the size and the read: read again up to the new end.
            }
        }
        dst.limit(end);
        while (dst.hasRemaining())
        {
            dst.put((byte)0);
        }
    }

    /**
     * Clears the flag set when the size changes and returns it: true if the next force must carry the metadata
     * ({@code fsync} rather than {@code fdatasync}). Cleared before the force: a growth finished after this read
     * sets it again for the next force. The one thread that forces.
     *
     * @return true if the size changed since the last call.
     */
    boolean takeGrownSinceForce()
    {
        final boolean changed = grownSinceForce;
        grownSinceForce = false;
        return changed;
    }
}
