package dev.cambium.jmh.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's chart as hand-written SVG: for every workload row a group of horizontal bars, one per
 * store, showing its speed relative to LMDB on a log2 axis. Bars start at the 1× reference line and
 * grow right when the store is faster than LMDB, left when slower, so both directions read the same
 * way whatever the benchmark mode.
 *
 * <p>Output depends only on the comparison (fixed sizes, no fonts measured, no dates), so the same run
 * always draws the same file.
 */
public final class RatioChart
{
    private static final int FONT = 12;
    /** Average glyph width of a 12 px sans-serif face, used to size the label column without measuring text. */
    private static final double CHAR_WIDTH = 6.8;
    /** Pixels per power of two, within these bounds for the whole plot. */
    private static final int PX_PER_POWER = 64;
    private static final int MIN_PLOT_WIDTH = 480;
    private static final int MAX_PLOT_WIDTH = 880;
    /** Closest two tick labels may be, centre to centre; wider ranges label every 2nd or 3rd power. */
    private static final int MIN_TICK_SPACING = 52;
    private static final int GUTTER = 56;
    private static final int RIGHT_MARGIN = 70;
    private static final int BAR = 11;
    private static final int BAR_GAP = 3;
    private static final int GROUP_PAD = 8;
    private static final int TOP = 76;
    /** Ratios beyond 2^±8 (256×) are drawn to the edge, marked as cut, with their real value printed. */
    private static final int MAX_EXPONENT = 8;

    /** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
    private static final String[] KNOWN_COLOURS = {
        "#D55E00", // cambium
        "#000000", // lmdb (never drawn: it is the reference line)
        "#0072B2", // mvstore
        "#009E73", // xodus
        "#CC79A7", // mapdb
        "#E69F00", // mavibot
        "#999999", // floor
    };
    private static final String[] EXTRA_COLOURS = {"#56B4E9", "#F0E442", "#666666"};

    private RatioChart()
    {
    }

    /** One bar slot: a store's ratio, or the reason there is none. */
    private record Bar(String store, double ratio, String missing)
    {
    }

    private record Row(String label, List<Bar> bars)
    {
    }

    /**
     * Draws the chart.
     *
     * @param c the comparison
     * @return a standalone SVG document
     */
    public static String render(final Comparison c)
    {
        final List<String> compared = new ArrayList<>(c.stores());
        compared.remove(Stores.LMDB);
        final List<Row> rows = rows(c, compared);

        double min = 1;
        double max = 1;
        for (final Row r : rows)
        {
            for (final Bar b : r.bars())
            {
                if (!Double.isNaN(b.ratio()))
                {
                    min = Math.min(min, b.ratio());
                    max = Math.max(max, b.ratio());
                }
            }
        }
        // Pad by a fraction of a power of two so value labels fit beside the longest bars.
        final int lo = Math.max(-MAX_EXPONENT, Math.min(-1, (int)Math.floor(log2(min) - 0.6)));
        final int hi = Math.min(MAX_EXPONENT, Math.max(1, (int)Math.ceil(log2(max) + 0.6)));

        int longest = 0;
        for (final Row r : rows)
        {
            longest = Math.max(longest, r.label().length());
        }
        final int labelWidth = Math.max(140, (int)Math.ceil(longest * CHAR_WIDTH) + 16);
        final int plotLeft = labelWidth + GUTTER;
        final Axis axis = new Axis(lo, hi, plotLeft,
            Math.max(MIN_PLOT_WIDTH, Math.min(MAX_PLOT_WIDTH, PX_PER_POWER * (hi - lo))));
        final int width = plotLeft + axis.width + RIGHT_MARGIN;
        int height = TOP;
        for (final Row r : rows)
        {
            height += groupHeight(r);
        }
        final int plotBottom = height;
        height += 46;

        final StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
            .append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
            .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"").append(FONT)
            .append("\">\n");
        svg.append("<title>Speed relative to LMDB per workload (log2 scale)</title>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        text(svg, 12, 22, "start", 15, "bold",
            "Speed relative to LMDB (log2 scale): right of the 1× line = faster than LMDB, left = slower");
        legend(svg, compared, 12, 48);

        int y = TOP;
        int index = 0;
        for (final Row r : rows)
        {
            final int h = groupHeight(r);
            if (index++ % 2 == 0)
            {
                svg.append("<rect x=\"0\" y=\"").append(y).append("\" width=\"").append(width).append("\" height=\"")
                    .append(h).append("\" fill=\"#f3f3f3\"/>\n");
            }
            text(svg, labelWidth, y + h / 2.0 + FONT / 2.0 - 2, "end", FONT, null, r.label());
            y += h;
        }

        // Grid and axis: one line per power of two, labelled as densely as the labels fit; the 1×
        // reference line is drawn over the bars later.
        final int stride = (int)Math.ceil(MIN_TICK_SPACING / ((double)axis.width / (hi - lo)));
        for (int e = lo; e <= hi; e++)
        {
            final double x = axis.x(Math.pow(2, e));
            svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(fmt(x))
                .append("\" y2=\"").append(plotBottom).append("\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>\n");
            if (e % stride == 0)
            {
                text(svg, x, plotBottom + 18, "middle", FONT, null, tick(e));
            }
        }
        text(svg, plotLeft + axis.width / 2.0, plotBottom + 38, "middle", FONT, null,
            "× LMDB (higher = faster; ratios from score direction: throughput ÷, time inverted)");

        final double one = axis.x(1);
        y = TOP;
        for (final Row r : rows)
        {
            int by = y + GROUP_PAD;
            if (r.bars().isEmpty())
            {
                text(svg, one + 6, y + groupHeight(r) / 2.0 + FONT / 2.0 - 2, "start", 11, null, "no LMDB result");
            }
            for (final Bar b : r.bars())
            {
                bar(svg, b, r.label(), by, axis);
                by += BAR + BAR_GAP;
            }
            y += groupHeight(r);
        }
        svg.append("<line x1=\"").append(fmt(one)).append("\" y1=\"").append(TOP - 4).append("\" x2=\"")
            .append(fmt(one)).append("\" y2=\"").append(plotBottom)
            .append("\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n");
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static List<Row> rows(final Comparison c, final List<String> compared)
    {
        final List<Row> rows = new ArrayList<>();
        for (final Section s : c.sections())
        {
            for (final String role : s.roles())
            {
                final List<Bar> bars = new ArrayList<>();
                final boolean hasLmdb = s.results(role).containsKey(Stores.LMDB);
                if (hasLmdb)
                {
                    for (final String store : compared)
                    {
                        final double r = s.speedup(role, store, Stores.LMDB);
                        if (!Double.isNaN(r))
                        {
                            bars.add(new Bar(store, r, null));
                        }
                        else if (s.failures().containsKey(store))
                        {
                            bars.add(new Bar(store, Double.NaN, "failed"));
                        }
                        else if (s.declaredStores() != null && s.declaredStores().contains(store))
                        {
                            bars.add(new Bar(store, Double.NaN, "not run"));
                        }
                    }
                }
                rows.add(new Row(c.label(s, role), bars));
            }
        }
        return rows;
    }

    private static void bar(final StringBuilder svg, final Bar b, final String label, final int y, final Axis axis)
    {
        final String colour = colour(b.store());
        final double one = axis.x(1);
        final double textY = y + BAR - 1.5;
        if (b.missing() != null)
        {
            svg.append("<rect x=\"").append(fmt(one - 3)).append("\" y=\"").append(y + 3)
                .append("\" width=\"6\" height=\"")
                .append(BAR - 6).append("\" fill=\"none\" stroke=\"").append(colour).append("\"/>\n");
            text(svg, one + 8, textY, "start", 10, null, Stores.displayName(b.store()) + ": " + b.missing());
            return;
        }
        final double min = Math.pow(2, axis.lo);
        final double max = Math.pow(2, axis.hi);
        final boolean cut = b.ratio() < min || b.ratio() > max;
        final double end = axis.x(Math.max(min, Math.min(max, b.ratio())));
        final double left = Math.min(one, end);
        final double w = Math.max(1, Math.abs(end - one));
        svg.append("<rect x=\"").append(fmt(left)).append("\" y=\"").append(y).append("\" width=\"").append(fmt(w))
            .append("\" height=\"").append(BAR).append("\" fill=\"").append(colour).append("\"><title>")
            .append(Format.xml(Stores.displayName(b.store()) + ", " + label + ": " + Format.ratio(b.ratio()) + " LMDB"))
            .append("</title></rect>\n");
        final boolean right = b.ratio() >= 1;
        if (cut)
        {
            // Two white slashes near the end say the bar is longer than the axis.
            final double s = right ? end - 10 : end + 6;
            for (int i = 0; i < 2; i++)
            {
                svg.append("<line x1=\"").append(fmt(s + 4 * i)).append("\" y1=\"").append(y + BAR).append("\" x2=\"")
                    .append(fmt(s + 4 * i + 3)).append("\" y2=\"").append(y)
                    .append("\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n");
            }
        }
        text(svg, right ? end + 4 : end - 4, textY, right ? "start" : "end", 10, null, Format.ratio(b.ratio()));
    }

    private static void legend(final StringBuilder svg, final List<String> compared, final int x0, final int y)
    {
        double x = x0;
        for (final String store : compared)
        {
            final String name = Stores.displayName(store);
            svg.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y - 10)
                .append("\" width=\"12\" height=\"12\" fill=\"")
                .append(colour(store)).append("\"/>\n");
            text(svg, x + 17, y, "start", FONT, null, name);
            x += 17 + name.length() * CHAR_WIDTH + 18;
        }
        svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(y - 11).append("\" x2=\"").append(fmt(x))
            .append("\" y2=\"").append(y + 3).append("\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n");
        text(svg, x + 6, y, "start", FONT, null, "LMDB = 1×");
    }

    private static int groupHeight(final Row r)
    {
        final int bars = Math.max(1, r.bars().size());
        return 2 * GROUP_PAD + bars * BAR + (bars - 1) * BAR_GAP;
    }

    /** Colour by position in the fixed store order, so a store keeps its colour whatever else ran. */
    private static String colour(final String store)
    {
        final int known = Stores.ORDER.indexOf(store);
        if (known >= 0)
        {
            return KNOWN_COLOURS[known];
        }
        return EXTRA_COLOURS[Math.floorMod(store.hashCode(), EXTRA_COLOURS.length)];
    }

    /** The log2 ratio axis: powers of two from {@code lo} to {@code hi} across {@code width} pixels. */
    private record Axis(int lo, int hi, int left, int width)
    {
        double x(final double ratio)
        {
            return left + (log2(ratio) - lo) / (hi - lo) * width;
        }
    }

    private static double log2(final double v)
    {
        return Math.log(v) / Math.log(2);
    }

    private static String tick(final int exponent)
    {
        if (exponent >= 0)
        {
            return (1L << exponent) + "×";
        }
        return "1/" + (1L << -exponent) + "×";
    }

    private static void text(final StringBuilder svg, final double x, final double y, final String anchor,
        final int size, final String weight, final String content)
    {
        svg.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" text-anchor=\"")
            .append(anchor).append('"');
        if (size != FONT)
        {
            svg.append(" font-size=\"").append(size).append('"');
        }
        if (weight != null)
        {
            svg.append(" font-weight=\"").append(weight).append('"');
        }
        svg.append(" fill=\"#222222\">").append(Format.xml(content)).append("</text>\n");
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
