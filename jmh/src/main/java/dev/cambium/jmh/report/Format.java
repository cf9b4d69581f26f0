package dev.cambium.jmh.report;

import java.util.Locale;

/**
 * Number and text formatting for the report. Everything goes through {@link Locale#ROOT} so the page
 * is byte-for-byte the same on every machine for the same input.
 */
final class Format
{
    static final String MISSING = "—";

    private Format()
    {
    }

    /** A score with four significant digits (more left of the point are kept), thousands grouped; "n/a" for NaN. */
    static String score(final double x)
    {
        return Double.isNaN(x) ? "n/a" : fixed(x, decimals(x));
    }

    /** A score's error with as many decimals as the score itself, so the two line up; "n/a" for NaN. */
    static String error(final double error, final double score)
    {
        return Double.isNaN(error) ? "n/a" : fixed(error, Double.isNaN(score) ? decimals(error) : decimals(score));
    }

    private static int decimals(final double x)
    {
        final double a = Math.abs(x);
        if (a == 0 || Double.isInfinite(a))
        {
            return 3;
        }
        // Clamp so a denormal score cannot ask for hundreds of digits.
        return Math.max(0, Math.min(12, 3 - (int)Math.floor(Math.log10(a))));
    }

    private static String fixed(final double x, final int decimals)
    {
        return String.format(Locale.ROOT, "%,." + decimals + "f", x);
    }

    /** A speed ratio such as {@code 1.23×}; the dash when unknown. */
    static String ratio(final double r)
    {
        if (Double.isNaN(r))
        {
            return MISSING;
        }
        if (r >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f×", r);
        }
        if (r >= 10)
        {
            return String.format(Locale.ROOT, "%.1f×", r);
        }
        if (r >= 0.1)
        {
            return String.format(Locale.ROOT, "%.2f×", r);
        }
        // Two significant digits, so a store 300 times slower does not read as 0.00×.
        return String.format(Locale.ROOT, "%.2g×", r);
    }

    /** A fraction as a whole percentage; the dash when unknown. */
    static String percent(final double f)
    {
        return Double.isNaN(f) ? MISSING : String.format(Locale.ROOT, "%.0f%%", f * 100);
    }

    /** Heap bytes per operation; JMH's gc profiler reports fractions, which below 10 B are kept to one decimal. */
    static String bytesPerOp(final double b)
    {
        if (Double.isNaN(b))
        {
            return MISSING;
        }
        return b >= 10 ? String.format(Locale.ROOT, "%,.0f", b) : String.format(Locale.ROOT, "%.1f", b);
    }

    static String bytes(final long b)
    {
        return String.format(Locale.ROOT, "%,d", b);
    }

    static String mebibytes(final double b)
    {
        return String.format(Locale.ROOT, "%,.1f", b / (1024.0 * 1024.0));
    }

    static String factor(final double f)
    {
        return Double.isNaN(f) || Double.isInfinite(f) ? MISSING : String.format(Locale.ROOT, "%.2f", f);
    }

    /** Text for a markdown table cell: pipes escaped, line breaks flattened, HTML-like text defused. */
    static String cell(final String text)
    {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", " ").replace("\n", " ");
    }

    /** Text in a markdown code span inside a table cell: backticks cannot be escaped there, so they become quotes. */
    static String code(final String text)
    {
        return "`" + text.replace("`", "'").replace("|", "\\|").replace("\r", " ").replace("\n", " ") + "`";
    }

    /** Text in a markdown code span outside tables, where a pipe needs no escape. */
    static String inlineCode(final String text)
    {
        return "`" + text.replace("`", "'").replace("\r", " ").replace("\n", " ") + "`";
    }

    /** Text for SVG character data and attribute values. */
    static String xml(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
