package dev.cambium.engine.space;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PageBits} against {@link BitSet} as the model: membership, the kept count, the changed flags of set and
 * clear, clearing a tail, and word copies of chunks (inside, straddling and past the end of the words held).
 */
class PageBitsTest
{
    @Test
    void shouldAgreeWithBitSetUnderRandomSetClearAndCopy()
    {
        final String property = System.getProperty("test.seed");
        final long seed = property == null || property.isBlank()
            ? new SecureRandom().nextLong()
            : Long.parseLong(property.trim());
        final String rerun = " [seed " + seed + ", rerun with -Dtest.seed=" + seed + "]";
        final Random random = new Random(seed);
        final BitSet model = new BitSet();
        for (int i = 0; i < 300; i++)
        {
            model.set(random.nextInt(2_000));
        }
        final PageBits bits = new PageBits(model);
        final long[] copy = new long[32];
        for (int step = 0; step < 20_000; step++)
        {
            final int page = random.nextInt(random.nextBoolean() ? 2_000 : 10_000);
            switch (random.nextInt(6))
            {
                case 0, 1 -> {
                    assertEquals(!model.get(page), bits.set(page), "set " + page + rerun);
                    model.set(page);
                }
                case 2, 3 -> {
                    assertEquals(model.get(page), bits.clear(page), "clear " + page + rerun);
                    model.clear(page);
                }
                case 4 -> {
                    final int firstWord = random.nextInt(200);
                    bits.copyWords(firstWord, copy, copy.length);
                    final long[] expected = new long[copy.length];
                    final long[] words = model.get(firstWord * 64, (firstWord + copy.length) * 64).toLongArray();
                    System.arraycopy(words, 0, expected, 0, words.length);
                    assertArrayEquals(expected, copy, "words from " + firstWord + rerun);
                }
                default -> {
                    if (random.nextInt(50) == 0)
                    {
                        final int from = random.nextInt(10_000);
                        final long removed = model.get(from, Math.max(from, model.length())).cardinality();
                        assertEquals(removed, bits.clearFrom(from), "clearFrom " + from + rerun);
                        model.clear(from, Math.max(from, model.length()));
                    }
                }
            }
            assertEquals(model.get(page), bits.get(page), "get " + page + rerun);
            final int from = random.nextInt(10_000);
            assertEquals(model.nextSetBit(from), bits.nextSetBit(from), "nextSetBit " + from + rerun);
            assertEquals(model.cardinality(), bits.cardinality(), "count" + rerun);
        }
        assertEquals(model, bits.toBitSet(), rerun);
    }
}
