package dev.cambium.jmh.peers;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetTest
{
    @Test
    void shouldListConsecutiveKeysInKeyOrderWrappingAfterTheLast()
    {
        final Dataset data = Dataset.of(5, 4, "random", 10, 42L);
        final byte[] probes = data.inOrderProbes(5, 3);
        final int[] expected = {3, 4, 0, 1, 2};
        for (int i = 0; i < expected.length; i++)
        {
            assertArrayEquals(data.keys[expected[i]], Arrays.copyOfRange(probes, i * 4, i * 4 + 4), "probe " + i);
        }
        assertArrayEquals(Arrays.copyOfRange(data.inOrderProbes(5, 0), 4, 8), data.keys[1]);
    }

    @Test
    void shouldRejectAnInOrderStreamLongerThanTheDataSetOrStartingOutsideIt()
    {
        final Dataset data = Dataset.of(5, 4, "sequential", 10, 42L);
        assertThrows(IllegalArgumentException.class, () -> data.inOrderProbes(6, 0));
        assertThrows(IllegalArgumentException.class, () -> data.inOrderProbes(0, 0));
        assertThrows(IllegalArgumentException.class, () -> data.inOrderProbes(5, 5));
        assertThrows(IllegalArgumentException.class, () -> data.inOrderProbes(5, -1));
    }
}
