package dev.cambium.btree;

/** Seed handling for randomized tests: {@code -Dtest.seed=N} reproduces a run. */
final class Seeds
{
    private Seeds()
    {
    }

    static long seed()
    {
        final String s = System.getProperty("test.seed");
        if (s == null || s.isBlank())
        {
            return new java.util.SplittableRandom().nextLong();
        }
        return Long.parseLong(s.trim());
    }
}
