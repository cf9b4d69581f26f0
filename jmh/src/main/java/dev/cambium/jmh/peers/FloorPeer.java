package dev.cambium.jmh.peers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The floor: the same entries in sorted flat arrays in the heap (keys back to back in one
 * {@code byte[]}, values likewise in chunks of at most 1 GiB), found by binary search. No
 * transactions, no pages, no files: the time every store would need if it did nothing but find the
 * entry, for read workloads only.
 *
 * <p>Writes are collected and merged into the arrays (a sort, later puts winning) at the next
 * {@link #beginRead()}; the benchmarks write only before reading. All keys must have one length and
 * all values one length.
 */
final class FloorPeer implements Peer
{
    private static final int MAX_CHUNK_BYTES = 1 << 30;

    private final List<byte[]> pendingKeys = new ArrayList<>();
    private final List<byte[]> pendingValues = new ArrayList<>();
    private volatile Arrays2 arrays = new Arrays2(0, 0, 0, new byte[0], new byte[0][]);
    /** Set by writers, cleared by the merge; lets readers skip the lock when nothing is pending. */
    private volatile boolean pending;

    /** Immutable sorted arrays, published whole so readers never see a half-built state. */
    private static final class Arrays2
    {
        final int size;
        final int keyLength;
        final int valueLength;
        final byte[] keys;
        final byte[][] valueChunks;
        final int entriesPerChunk;

        Arrays2(final int size, final int keyLength, final int valueLength, final byte[] keys,
            final byte[][] valueChunks)
        {
            this.size = size;
            this.keyLength = keyLength;
            this.valueLength = valueLength;
            this.keys = keys;
            this.valueChunks = valueChunks;
            this.entriesPerChunk = entriesPerChunk(valueLength);
        }

        static int entriesPerChunk(final int valueLength)
        {
            return valueLength == 0 ? Integer.MAX_VALUE : Math.max(1, MAX_CHUNK_BYTES / valueLength);
        }

        byte[] key(final int i)
        {
            return Arrays.copyOfRange(keys, i * keyLength, (i + 1) * keyLength);
        }

        byte[] value(final int i)
        {
            final int off = (i % entriesPerChunk) * valueLength;
            return Arrays.copyOfRange(valueChunks[i / entriesPerChunk], off, off + valueLength);
        }
    }

    @Override
    public String name()
    {
        return "floor";
    }

    @Override
    public void open(final Path dir, final Durability durability)
    {
        // Nothing to open: the floor lives in the heap.
    }

    @Override
    public synchronized void putBatch(final byte[][] keys, final byte[][] values, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            pendingKeys.add(keys[i]);
            pendingValues.add(values[i]);
        }
        pending = true;
    }

    private synchronized Arrays2 sealed()
    {
        if (pendingKeys.isEmpty())
        {
            return arrays;
        }
        final Arrays2 old = arrays;
        final int n = old.size + pendingKeys.size();
        final byte[][] k = new byte[n][];
        final byte[][] v = new byte[n][];
        for (int i = 0; i < old.size; i++)
        {
            k[i] = old.key(i);
            v[i] = old.value(i);
        }
        for (int i = 0; i < pendingKeys.size(); i++)
        {
            k[old.size + i] = pendingKeys.get(i);
            v[old.size + i] = pendingValues.get(i);
        }
        pendingKeys.clear();
        pendingValues.clear();
        pending = false;
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        // Stable sort by key: among equal keys the later put stays last, and wins below.
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(k[a], k[b]));
        int unique = 0;
        for (int i = 0; i < n; i++)
        {
            if (i + 1 == n || !Arrays.equals(k[order[i]], k[order[i + 1]]))
            {
                order[unique++] = order[i];
            }
        }
        final int kl = k[order[0]].length;
        final int vl = v[order[0]].length;
        final int perChunk = Arrays2.entriesPerChunk(vl);
        final byte[] flatKeys = new byte[Math.multiplyExact(unique, kl)];
        final byte[][] chunks = new byte[(unique + perChunk - 1) / perChunk][];
        for (int c = 0; c < chunks.length; c++)
        {
            chunks[c] = new byte[Math.min(perChunk, unique - c * perChunk) * vl];
        }
        for (int i = 0; i < unique; i++)
        {
            final byte[] key = k[order[i]];
            final byte[] value = v[order[i]];
            if (key.length != kl || value.length != vl)
            {
                throw new IllegalArgumentException("the floor needs one key length and one value length");
            }
            System.arraycopy(key, 0, flatKeys, i * kl, kl);
            System.arraycopy(value, 0, chunks[i / perChunk], (i % perChunk) * vl, vl);
        }
        arrays = new Arrays2(unique, kl, vl, flatKeys, chunks);
        return arrays;
    }

    @Override
    public Reader beginRead()
    {
        return new FloorReader(pending ? sealed() : arrays);
    }

    @Override
    public void close()
    {
    }

    private static final class FloorReader implements Reader
    {
        private final Arrays2 a;

        FloorReader(final Arrays2 a)
        {
            this.a = a;
        }

        @Override
        public long get(final byte[] key)
        {
            final int i = find(key);
            if (i < 0)
            {
                return Fingerprint.ABSENT;
            }
            final int vl = a.valueLength;
            final byte[] chunk = a.valueChunks[i / a.entriesPerChunk];
            final int voff = (i % a.entriesPerChunk) * vl;
            return Fingerprint.valueOf(vl, Fingerprint.head(chunk, voff, vl), Fingerprint.tail(chunk, voff, vl));
        }

        /** @return the entry number of {@code key}, or -1 if absent (binary search of the flat keys). */
        private int find(final byte[] key)
        {
            final byte[] keys = a.keys;
            final int kl = a.keyLength;
            int lo = 0;
            int hi = a.size - 1;
            while (lo <= hi)
            {
                final int mid = (lo + hi) >>> 1;
                final int off = mid * kl;
                final int c = Arrays.compareUnsigned(keys, off, off + kl, key, 0, key.length);
                if (c < 0)
                {
                    lo = mid + 1;
                }
                else if (c > 0)
                {
                    hi = mid - 1;
                }
                else
                {
                    return mid;
                }
            }
            return -1;
        }

        /** Finds the entry as {@link #get} does, then copies the value out: the cost of the copy alone. */
        @Override
        public long getCopy(final byte[] key)
        {
            final int i = find(key);
            return i < 0 ? Fingerprint.ABSENT : Fingerprint.valueOf(a.value(i));
        }

        @Override
        public long scanForward()
        {
            long acc = 0;
            for (int i = 0; i < a.size; i++)
            {
                acc = step(acc, i);
            }
            return acc;
        }

        /** Copies every key and value out, in order: the floor of a copying scan. */
        @Override
        public long scanForwardCopy()
        {
            long acc = 0;
            for (int i = 0; i < a.size; i++)
            {
                acc = Fingerprint.scanStep(acc, a.key(i), a.value(i));
            }
            return acc;
        }

        @Override
        public long scanBackward()
        {
            long acc = 0;
            for (int i = a.size - 1; i >= 0; i--)
            {
                acc = step(acc, i);
            }
            return acc;
        }

        private long step(final long acc, final int i)
        {
            final int kl = a.keyLength;
            final int vl = a.valueLength;
            final byte[] chunk = a.valueChunks[i / a.entriesPerChunk];
            return Fingerprint.scanStep(acc, kl, Fingerprint.head(a.keys, i * kl, kl), vl,
                Fingerprint.head(chunk, (i % a.entriesPerChunk) * vl, vl));
        }

        @Override
        public void close()
        {
        }
    }
}
