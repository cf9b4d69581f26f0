package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.cambium.jmh.report.Fixtures.params;
import static dev.cambium.jmh.report.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RatioChartTest
{
    @Test
    void shouldDrawOneBarPerStoreExceptLmdbGrowingRightWhenFasterAndLeftWhenSlower() throws Exception
    {
        final var p = params("entries", "1000");
        final Comparison c = Comparison.of(List.of(
            result("G.get", Mode.AVERAGE_TIME, "cambium", 500, "ns/op", p), // 2× faster
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1000, "ns/op", p),
            result("G.get", Mode.AVERAGE_TIME, "mvstore", 4000, "ns/op", p)), // 4× slower
            List.of(), Map.of());
        final Document svg = parse(RatioChart.render(c));
        final List<Element> bars = new ArrayList<>();
        final NodeList rects = svg.getElementsByTagName("rect");
        for (int i = 0; i < rects.getLength(); i++)
        {
            final Element r = (Element)rects.item(i);
            if (r.getElementsByTagName("title").getLength() == 1)
            {
                bars.add(r);
            }
        }
        assertEquals(2, bars.size(), "Cambium and MVStore; LMDB is the reference line");
        final Element cambium = bars.get(0);
        final Element mvstore = bars.get(1);
        assertTrue(cambium.getTextContent().startsWith("Cambium, get: 2.00× LMDB"), cambium.getTextContent());
        assertTrue(mvstore.getTextContent().startsWith("MVStore, get: 0.25× LMDB"), mvstore.getTextContent());
        final double cambiumLeft = Double.parseDouble(cambium.getAttribute("x"));
        final double mvstoreLeft = Double.parseDouble(mvstore.getAttribute("x"));
        final double mvstoreRight = mvstoreLeft + Double.parseDouble(mvstore.getAttribute("width"));
        assertEquals(cambiumLeft, mvstoreRight, 0.11, "both bars meet at the 1× line");
        // On a log2 axis 4× slower is twice as long as 2× faster.
        assertEquals(2 * Double.parseDouble(cambium.getAttribute("width")),
            Double.parseDouble(mvstore.getAttribute("width")), 0.2);
    }

    @Test
    void shouldEscapeLabelsAndStayWellFormedForTheFixtureRun() throws Exception
    {
        final Comparison c = Comparison.of(BenchmarkResult.parseAll(Fixtures.text("several-stores/result.json")),
            Failure.parseLog(Fixtures.lines("several-stores/jmh.log")), Map.of());
        final String text = RatioChart.render(c);
        final Document svg = parse(text);
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertTrue(text.contains("Xodus: failed"), "a failed store is marked, not silently dropped");
        assertTrue(text.contains(">1/4×<") && text.contains(">16×<") && text.contains(">1×<"), "log2 ticks");
        assertTrue(text.contains("20.0×"), "Mavibot's commitDurable ratio is printed");
    }

    @Test
    void shouldCutBarsBeyondTheAxisAndStillPrintTheirRealRatio() throws Exception
    {
        final var p = params("entries", "1000");
        final String text = RatioChart.render(Comparison.of(List.of(
            result("R.readTxn", Mode.AVERAGE_TIME, "floor", 1, "ns/op", p),
            result("R.readTxn", Mode.AVERAGE_TIME, "lmdb", 4000, "ns/op", p)), List.of(), Map.of()));
        parse(text);
        assertTrue(text.contains(">4,000×<"), "the real ratio is printed");
        assertTrue(text.contains(">256×<") && !text.contains(">512×<"), "the axis stops at 2^8");
        assertTrue(text.contains("stroke=\"#ffffff\""), "the cut is marked");
    }

    private static Document parse(final String svg) throws Exception
    {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
