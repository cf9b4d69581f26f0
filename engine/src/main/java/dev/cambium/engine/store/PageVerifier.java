package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.btree.NodeCheck;
import dev.cambium.btree.PageHeader;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The verification of a mapped page ({@link #verify}) and the bitmap of pages that need none
 * ({@link #isVerified}, {@link #markVerified}, {@link #grown}), for {@link PageStore#wrap}. Static and stateless:
 * {@link PageStore} keeps the bitmap in its own volatile field and passes it in, so that the read path calls
 * these methods directly (inlined by the JIT) instead of through another object. Any thread, as documented per
 * method.
 */
final class PageVerifier
{
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

    private PageVerifier()
    {
    }

    /**
     * Checks the page's checksum, id, written revision ({@code <= maxRevision}) and, for a leaf or branch, the
     * order of its keys ({@link NodeCheck}); returns the written revision. Any thread.
     *
     * @param path        the file, for messages.
     * @param pageSize    the page size.
     * @param pageId      the page.
     * @param segment     the segment holding it, which lies inside the file.
     * @param inSegment   its offset in {@code segment}.
     * @param view        a view wrapped over it.
     * @param maxRevision the highest revision it may have been written by.
     * @param checksums   the caller's checksum scratch, or {@code null}.
     * @return the revision that wrote the page.
     * @throws CorruptDatabaseException if a check fails.
     */
    static long verify(final Path path, final int pageSize, final long pageId, final MappedByteBuffer segment,
        final int inSegment, final UnsafeBuffer view, final long maxRevision,
        final PageChecksum.ScratchSource checksums)
    {
        // Safe to checksum the mapped slice: the page lies inside the mapping, and the mapping inside the file.
        final int computed = checksums == null
            ? PageChecksum.compute(segment, inSegment, pageSize)
            : checksums.scratch().compute(segment, inSegment, pageSize);
        final int stored = view.getInt(PageHeader.CHECKSUM_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (computed != stored)
        {
            throw new CorruptDatabaseException(String.format(
                "checksum mismatch on page %d of %s (stored %08x, computed %08x)", pageId, path, stored, computed));
        }
        final long headerId = view.getLong(PageHeader.PAGE_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (headerId != pageId)
        {
            throw new CorruptDatabaseException("page id mismatch on page " + pageId + " of " + path +
                ": its header names page " + headerId + " (misdirected write?)");
        }
        final long written = view.getLong(PageHeader.REVISION_OFFSET, ByteOrder.LITTLE_ENDIAN);
        if (written > maxRevision)
        {
            throw writtenLater(path, pageId, written, maxRevision);
        }
        // Here, not on every read: with FIRST_READ a page's key order costs one pass per page and open.
        final String disorder = NodeCheck.keyOrderProblem(view, pageSize);
        if (disorder != null)
        {
            throw PageDamage.page(path, pageId, disorder);
        }
        return written;
    }

    /**
     * @param path        the file.
     * @param pageId      the page.
     * @param written     the revision in its header.
     * @param maxRevision the highest it may be.
     * @return the exception for a page written by a revision later than the one reading it. Any thread.
     */
    static CorruptDatabaseException writtenLater(final Path path, final long pageId, final long written,
        final long maxRevision)
    {
        return new CorruptDatabaseException("page " + pageId + " of " + path + " was written by revision " +
            written + ", later than revision " + maxRevision + " that reads it (a page of a revision the file " +
            "no longer holds: writes lost in a power loss without a force?)");
    }

    /**
     * @param bits   the bitmap.
     * @param pageId the page.
     * @return true if the page's bit is set. Any thread.
     */
    static boolean isVerified(final long[] bits, final long pageId)
    {
        final int word = (int)(pageId >>> 6);
        // Plain read: a stale view only means verifying again.
        return word < bits.length && (bits[word] & (1L << pageId)) != 0;
    }

    /**
     * Sets the page's bit, if the bitmap covers it. Any thread.
     *
     * @param bits   the bitmap.
     * @param pageId the page.
     */
    static void markVerified(final long[] bits, final long pageId)
    {
        final int word = (int)(pageId >>> 6);
        if (word < bits.length)
        {
            // Atomic OR so that concurrent readers marking neighbouring pages do not lose each other's bits.
            BITS.getAndBitwiseOr(bits, word, 1L << pageId);
        }
    }

    /**
     * Clears the bits of every page from {@code firstPage} on: the file was truncated there, so a page regrown at
     * such an id is a hole until written again. Writer thread, with no reader able to reach those pages.
     *
     * @param bits      the bitmap.
     * @param firstPage the first page cut off.
     */
    static void clearFrom(final long[] bits, final long firstPage)
    {
        int word = (int)(firstPage >>> 6);
        if (word >= bits.length)
        {
            return;
        }
        BITS.getAndBitwiseAnd(bits, word, (1L << firstPage) - 1); // keep the bits below firstPage in its word
        for (word++; word < bits.length; word++)
        {
            BITS.setVolatile(bits, word, 0L);
        }
    }

    /**
     * @param old   the bitmap.
     * @param pages the number of pages it must cover.
     * @return {@code old} if it covers them, else a larger copy (by half at least) for the writer to publish.
     * Writer thread.
     * @throws IllegalStateException if the bitmap would not fit in an array.
     */
    static long[] grown(final long[] old, final long pages)
    {
        final long words = (pages + 63) >>> 6;
        if (words <= old.length)
        {
            return old;
        }
        if (words > Integer.MAX_VALUE - 8)
        {
            throw new IllegalStateException("file too large for the verification bitmap: " + pages + " pages");
        }
        final int length = (int)Math.min(Integer.MAX_VALUE - 8, Math.max(words, old.length + (old.length >> 1)));
        // A reader setting a bit in `old` after this copy loses it: the page is verified once more. Harmless.
        return Arrays.copyOf(old, length);
    }
}
