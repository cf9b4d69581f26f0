package dev.cambium.jmh.report;

/**
 * JMH benchmark modes as they appear in result files, and which direction of the score is better.
 */
public enum Mode
{
    /** Operations per unit of time: higher is better. */
    THROUGHPUT("thrpt", true),
    /** Average time per operation: lower is better. */
    AVERAGE_TIME("avgt", false),
    /** Sampled time per operation: lower is better. */
    SAMPLE_TIME("sample", false),
    /** Time of one invocation: lower is better. */
    SINGLE_SHOT("ss", false);

    private final String jmhName;
    private final boolean higherIsBetter;

    Mode(final String jmhName, final boolean higherIsBetter)
    {
        this.jmhName = jmhName;
        this.higherIsBetter = higherIsBetter;
    }

    /**
     * @param jmhName the {@code mode} field of a JMH result, e.g. {@code thrpt}
     * @return the mode
     * @throws IllegalArgumentException for a name JMH does not write
     */
    public static Mode of(final String jmhName)
    {
        for (final Mode m : values())
        {
            if (m.jmhName.equals(jmhName))
            {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown JMH mode '" + jmhName + "'");
    }

    /** @return the short name JMH writes, e.g. {@code avgt} */
    public String jmhName()
    {
        return jmhName;
    }

    /** @return true when a higher score is better (throughput), false when lower is (times) */
    public boolean higherIsBetter()
    {
        return higherIsBetter;
    }

    /**
     * How many times faster {@code a} is than {@code b}, from their scores in this mode: a result
     * above 1 means {@code a} is better, whatever the direction of the score.
     *
     * @param a score of the store being compared
     * @param b score of the reference store, same mode and unit
     * @return the speed ratio, NaN if either score is not a positive finite number
     */
    public double speedup(final double a, final double b)
    {
        if (!(a > 0 && b > 0) || Double.isInfinite(a) || Double.isInfinite(b))
        {
            return Double.NaN;
        }
        return higherIsBetter ? a / b : b / a;
    }

    /** @return a sentence fragment for table captions, e.g. "higher is better" */
    public String direction()
    {
        return higherIsBetter ? "higher is better" : "lower is better";
    }
}
