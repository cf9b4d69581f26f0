package dev.cambium.engine.store;

import dev.cambium.TestSeeds;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PageChecksumScratchTest
{
    private static final int PAGE = 4096;

    @Test
    void shouldComputeWhatTheAllocatingChecksumComputesForEveryPageOfSeveralBuffers()
    {
        final long seed = TestSeeds.seed();
        final SplittableRandom random = new SplittableRandom(seed);
        final ByteBuffer[] buffers = {filled(ByteBuffer.allocateDirect(8 * PAGE), random),
            filled(ByteBuffer.allocateDirect(3 * PAGE), random), filled(ByteBuffer.allocate(5 * PAGE), random)};
        final PageChecksum.Scratch scratch = new PageChecksum.Scratch();
        for (int round = 0; round < 200; round++)
        {
            final ByteBuffer b = buffers[random.nextInt(buffers.length)];
            final int offset = random.nextInt(b.capacity() / PAGE) * PAGE;
            final int position = b.position();
            final int limit = b.limit();
            assertEquals(PageChecksum.compute(b, offset, PAGE), scratch.compute(b, offset, PAGE),
                "page at " + offset + ", seed " + seed);
            assertEquals(position, b.position(), "the shared buffer's position is untouched");
            assertEquals(limit, b.limit(), "the shared buffer's limit is untouched");
        }
    }

    @Test
    void shouldSeeAPageChangedBetweenTwoChecksums()
    {
        final ByteBuffer b = ByteBuffer.allocateDirect(2 * PAGE);
        final PageChecksum.Scratch scratch = new PageChecksum.Scratch();
        final int before = scratch.compute(b, PAGE, PAGE);
        b.put(PAGE + 100, (byte)1);
        final int after = scratch.compute(b, PAGE, PAGE);
        assertEquals(PageChecksum.compute(b, PAGE, PAGE), after);
        assertNotEquals(before, after, "one changed byte changes the checksum");
    }

    private static ByteBuffer filled(final ByteBuffer b, final SplittableRandom random)
    {
        for (int i = 0; i < b.capacity(); i++)
        {
            b.put(i, (byte)random.nextInt());
        }
        return b;
    }
}
