package dev.cambium;

/** Seeds for randomized tests: {@code -Dtest.seed=N} reproduces a run; the seed is in every failure message. */
public final class TestSeeds
{
    private TestSeeds()
    {
    }

    /**
     * @return the seed from {@code -Dtest.seed}, or a fresh random one.
     */
    public static long seed()
    {
        final String s = System.getProperty("test.seed");
        if (s == null || s.isBlank())
        {
            return new java.util.SplittableRandom().nextLong();
        }
        return Long.parseLong(s.trim());
    }
}
