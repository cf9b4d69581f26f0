package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkResultTest
{
    @Test
    void shouldReadAResultFileWrittenByJmh137()
    {
        final List<BenchmarkResult> all = BenchmarkResult.parseAll(Fixtures.text("jmh-1.37-result.json"));
        assertEquals(8, all.size());
        final BenchmarkResult get = all.get(6);
        assertEquals("dev.cambium.jmh.peers.SmokeFixture.get", get.benchmark());
        assertEquals("get", get.method());
        assertEquals("SmokeFixture", get.className());
        assertEquals(Mode.AVERAGE_TIME, get.mode());
        assertEquals("cambium", get.store());
        assertEquals(Map.of("entries", "100"), get.params());
        assertEquals(2.7515461160511765, get.primary().score());
        assertTrue(Double.isNaN(get.primary().error()), "JMH writes \"NaN\" for a single iteration's error");
        assertEquals("ns/op", get.primary().unit());
        assertEquals(0.0015, get.allocatedBytesPerOp(), 0.001);
        assertTrue(get.groupMethods().isEmpty(), "gc.* metrics are not group methods");
    }

    @Test
    void shouldTreatGroupMethodsAsRolesButNotProfilerMetrics()
    {
        final BenchmarkResult group = BenchmarkResult.parseAll(Fixtures.text("jmh-1.37-result.json")).get(3);
        assertEquals("readersWithWriter", group.method());
        assertEquals(List.of("reader", "writer"), List.copyOf(group.groupMethods().keySet()));
        assertEquals(50187937.70, group.groupMethods().get("reader").score(), 0.01);
        assertEquals("ops/s", group.groupMethods().get("writer").unit());
    }

    @Test
    void shouldReadAllocationWithOrWithoutTheOldProfilerPrefix()
    {
        final String json = "[" + entry("a", "\u00b7gc.alloc.rate.norm") + "," + entry("b", "gc.alloc.rate.norm") + "]";
        final List<BenchmarkResult> all = BenchmarkResult.parseAll(json);
        assertEquals(48.0, all.get(0).allocatedBytesPerOp());
        assertEquals(48.0, all.get(1).allocatedBytesPerOp());
    }

    @Test
    void shouldSplitTheStoreFromTheWorkloadParametersAndAcceptNumbersWrittenByHand()
    {
        final BenchmarkResult r = BenchmarkResult.parseAll("[{\"benchmark\":\"p.C.m\",\"mode\":\"thrpt\","
            + "\"params\":{\"store\":\"lmdb\",\"entries\":1000000,\"keyOrder\":\"random\"},"
            + "\"primaryMetric\":{\"score\":1.5E3,\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\"}}]").get(0);
        assertEquals("lmdb", r.store());
        assertEquals(Map.of("entries", "1000000", "keyOrder", "random"), r.params());
        assertEquals(1500.0, r.primary().score());
        assertTrue(Double.isNaN(r.allocatedBytesPerOp()), "no -prof gc, no allocation figure");
    }

    @Test
    void shouldLeaveTheStoreNullWhenTheBenchmarkHasNoStoreParameter()
    {
        final BenchmarkResult r = BenchmarkResult.parseAll("[{\"benchmark\":\"p.C.m\",\"mode\":\"ss\","
            + "\"primaryMetric\":{\"score\":1,\"scoreUnit\":\"s/op\"}}]").get(0);
        assertNull(r.store());
        assertEquals(Mode.SINGLE_SHOT, r.mode());
        assertTrue(r.params().isEmpty());
    }

    @Test
    void shouldNameTheEntryThatIsNotShapedLikeAJmhResult()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchmarkResult.parseAll("{}"))
            .getMessage().contains("JSON array"));
        final String missingMetric = "[" + entry("a", "gc.alloc.rate.norm")
            + ",{\"benchmark\":\"p.C.m\",\"mode\":\"avgt\"}]";
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> BenchmarkResult.parseAll(missingMetric));
        assertTrue(e.getMessage().startsWith("result entry 1: ") && e.getMessage().contains("primaryMetric"),
            e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkResult.parseAll(
            "[{\"benchmark\":\"p.C.m\",\"mode\":\"fast\",\"primaryMetric\":{\"score\":1}}]"));
    }

    private static String entry(final String store, final String allocName)
    {
        return "{\"benchmark\":\"p.C.get\",\"mode\":\"avgt\",\"params\":{\"store\":\"" + store + "\"},"
            + "\"primaryMetric\":{\"score\":10.0,\"scoreError\":0.5,\"scoreUnit\":\"ns/op\"},"
            + "\"secondaryMetrics\":{\"" + allocName
            + "\":{\"score\":48.0,\"scoreError\":\"NaN\",\"scoreUnit\":\"B/op\"}}}";
    }
}
