package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FormatTest
{
    @Test
    void shouldKeepTwoSignificantDigitsForRatiosFarBelowOne()
    {
        assertEquals("0.0012×", Format.ratio(0.00123));
        assertEquals("0.050×", Format.ratio(0.05));
        assertEquals("0.10×", Format.ratio(0.1));
        assertEquals("1.25×", Format.ratio(1.25));
        assertEquals("20.0×", Format.ratio(20));
        assertEquals("4,379×", Format.ratio(4379.4));
        assertEquals("—", Format.ratio(Double.NaN));
    }

    @Test
    void shouldPrintScoresWithFourSignificantDigitsAndErrorsWithTheScoresDecimals()
    {
        assertEquals("344.6", Format.score(344.6344278950453));
        assertEquals("12.3", Format.error(12.345, 344.6));
        assertEquals("1,234,568", Format.score(1234567.8));
        assertEquals("0.002215", Format.score(0.0022154));
        assertEquals("2.752", Format.score(2.7515));
        assertEquals("n/a", Format.error(Double.NaN, 2.0));
        assertEquals("n/a", Format.score(Double.NaN));
    }

    @Test
    void shouldEscapeMarkdownTableCellsAndXml()
    {
        assertEquals("a \\| b &lt;c&gt; d", Format.cell("a | b <c>\nd"));
        assertEquals("`it's \\| x`", Format.code("it`s | x"));
        assertEquals("&lt;a href=&quot;x&quot;&gt; &amp;", Format.xml("<a href=\"x\"> &"));
    }
}
