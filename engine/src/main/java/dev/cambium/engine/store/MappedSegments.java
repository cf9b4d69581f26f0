package dev.cambium.engine.store;

import dev.cambium.DatabaseOptions;

import java.nio.MappedByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The read-only memory mappings of the database file: derives each new {@link Mapping} from the last one and keeps
 * the superseded segments reachable. {@link PageStore} publishes the current {@link Mapping} in its own volatile field
 * (so that {@link PageStore#wrap} reads it without going through this object) and calls this class only from the
 * writer thread, or from {@link PageStore#close()}.
 *
 * <h2>Why the mappings are never unmapped</h2>
 * The file is mapped read-only in segments of {@link DatabaseOptions#mapSegmentSize()} bytes, and never past its
 * end (reading past the end of a file is a SIGBUS). When the file grows the last segment is mapped again, larger;
 * the old mapping stays referenced until {@link PageStore#close()} because a reader may still be reading through it.
 * Explicitly unmapping while a reader runs would crash the JVM, so mappings are released only by the garbage
 * collector once nothing references them. The cost is virtual address space for the superseded segments. When
 * {@link PageStore#shrinkFile} truncates the free end of the file, only the mapping's page bound is lowered (before
 * the truncation): the segments keep covering the truncated range, which no live revision references and the bound
 * keeps every read out of, until the file grows again and the last segment is mapped anew.
 */
final class MappedSegments
{
    /**
     * An immutable set of segments covering [0, bytes) of the file; replaced, never changed (copy on write). Readers
     * read its final fields after the volatile read of {@link PageStore}'s field that published it.
     */
    static final class Mapping
    {
        /** The mapping of a closed store: {@link PageStore} tells a closed store from a short file by identity. */
        static final Mapping CLOSED = new Mapping(new MappedByteBuffer[0], 0, 0);

        final MappedByteBuffer[] segments;
        final long bytes;
        final long pages;

        Mapping(final MappedByteBuffer[] segments, final long bytes, final long pages)
        {
            this.segments = segments;
            this.bytes = bytes;
            this.pages = pages;
        }
    }

    private final Storage storage;
    private final long segmentSize;
    private final int segmentShift;
    private final int pageShift;
    /** Superseded segments, kept reachable so readers still using them stay valid. Writer only. */
    private final List<MappedByteBuffer> retired = new ArrayList<>();

    /**
     * @param storage     the file to map.
     * @param segmentSize the segment size, a power of two (checked by {@link PageStore}).
     * @param pageShift   log2 of the page size.
     */
    MappedSegments(final Storage storage, final long segmentSize, final int pageShift)
    {
        this.storage = storage;
        this.segmentSize = segmentSize;
        this.segmentShift = Long.numberOfTrailingZeros(segmentSize);
        this.pageShift = pageShift;
    }

    /**
     * @return a mapping of nothing, to grow from.
     */
    static Mapping empty()
    {
        return new Mapping(new MappedByteBuffer[0], 0, 0);
    }

    /**
     * Maps [0, bytes) of the file: reuses {@code old}'s unchanged segments, maps the grown last segment again and
     * retires the one it replaces. Writer thread.
     *
     * @param old   the current mapping.
     * @param bytes the file's length, no more.
     * @return the new mapping, for the caller to publish.
     * @throws dev.cambium.StorageException if mapping fails.
     */
    Mapping remap(final Mapping old, final long bytes)
    {
        final int count = (int)((bytes + segmentSize - 1) >>> segmentShift);
        final MappedByteBuffer[] segments = Arrays.copyOf(old.segments, Math.max(count, old.segments.length));
        final List<MappedByteBuffer> superseded = new ArrayList<>();
        for (int s = 0; s < count; s++)
        {
            final long start = (long)s << segmentShift;
            final long length = Math.min(segmentSize, bytes - start);
            if (segments[s] != null && segments[s].capacity() == length)
            {
                continue;
            }
            if (segments[s] != null)
            {
                superseded.add(segments[s]);
            }
            segments[s] = storage.mapReadOnly(start, length);
        }
        retired.addAll(superseded);
        return new Mapping(segments, bytes, bytes >>> pageShift);
    }

    /**
     * @param old   the current mapping.
     * @param bytes the length the file is about to be truncated to, below {@code old.bytes}.
     * @return {@code old}'s segments bounded to {@code bytes}: lowered, never unmapped (see the class comment).
     */
    Mapping lowered(final Mapping old, final long bytes)
    {
        return new Mapping(old.segments, bytes, bytes >>> pageShift);
    }

    /**
     * Drops the references to the retired segments, for the garbage collector to unmap them once no reader's view
     * references them. At close, once no new reads can start.
     */
    void clear()
    {
        retired.clear();
    }
}
