package dev.cambium.codec;

import java.security.SecureRandom;
import java.util.Random;

/**
 * Seeds for randomized tests. Maven passes {@code -Dtest.seed=} through as an empty string when unset,
 * so {@code Long.getLong} alone would not do: blank means "pick a fresh seed".
 */
final class TestSeed
{
    final long seed;
    final Random random;

    private TestSeed(final long seed)
    {
        this.seed = seed;
        this.random = new Random(seed);
    }

    static TestSeed create()
    {
        final String property = System.getProperty("test.seed");
        final long seed = property == null || property.isBlank()
            ? new SecureRandom().nextLong()
            : Long.parseLong(property.trim());
        return new TestSeed(seed);
    }

    /** For assertion messages: how to reproduce the failure. */
    String with(final String message)
    {
        return message + " [seed " + seed + ", rerun with -Dtest.seed=" + seed + "]";
    }

    @Override
    public String toString()
    {
        return with("");
    }
}
