package dev.cambium.jmh.report;

/**
 * One JMH metric: the score, its error (half-width of the 99.9% confidence interval, NaN when JMH
 * had too few samples to compute one) and JMH's unit string.
 *
 * @param score the score
 * @param error the score error, NaN when unknown
 * @param unit  the unit as JMH printed it, e.g. {@code ns/op} or {@code ops/s}
 */
public record Metric(double score, double error, String unit)
{
}
