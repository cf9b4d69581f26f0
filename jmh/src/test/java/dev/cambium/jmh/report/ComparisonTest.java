package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

import static dev.cambium.jmh.report.Fixtures.group;
import static dev.cambium.jmh.report.Fixtures.params;
import static dev.cambium.jmh.report.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest
{
    private static final SortedMap<String, String> P = params("entries", "1000");

    @Test
    void shouldCallAStoreFasterWhenItsTimePerOpIsLowerInAvgtMode()
    {
        final Comparison c = Comparison.of(List.of(
            result("G.get", Mode.AVERAGE_TIME, "cambium", 500, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1000, "ns/op", P)), List.of(), Map.of());
        final Section s = c.sections().get(0);
        assertEquals(2.0, s.speedup(Section.SINGLE, "cambium", "lmdb"), 1e-12);
        assertEquals(0.5, s.speedup(Section.SINGLE, "lmdb", "cambium"), 1e-12);
    }

    @Test
    void shouldCallAStoreFasterWhenItsThroughputIsHigherInThrptMode()
    {
        final Comparison c = Comparison.of(List.of(
            result("C.commitDurable", Mode.THROUGHPUT, "cambium", 500, "ops/s", P),
            result("C.commitDurable", Mode.THROUGHPUT, "lmdb", 1000, "ops/s", P)), List.of(), Map.of());
        final Section s = c.sections().get(0);
        assertEquals(0.5, s.speedup(Section.SINGLE, "cambium", "lmdb"), 1e-12);
        assertEquals(2.0, s.speedup(Section.SINGLE, "lmdb", "cambium"), 1e-12);
    }

    @Test
    void shouldListTheConcurrentCommitWorkloadsByThreadCountAfterCommitDurable()
    {
        final Comparison c = Comparison.of(List.of(
            result("D.concurrentCommits16", Mode.THROUGHPUT, "cambium", 3, "ops/s", P),
            result("R.readTxn", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("D.concurrentCommits4", Mode.THROUGHPUT, "cambium", 2, "ops/s", P),
            result("D.concurrentCommits1", Mode.THROUGHPUT, "cambium", 1, "ops/s", P),
            result("C.commitDurable", Mode.THROUGHPUT, "cambium", 1, "ops/s", P)), List.of(), Map.of());
        assertEquals(
            List.of("commitDurable", "concurrentCommits1", "concurrentCommits4", "concurrentCommits16", "readTxn"),
            c.sections().stream().map(Section::workload).toList());
    }

    @Test
    void shouldTreatSampleAndSingleShotTimesAsLowerIsBetter()
    {
        assertEquals(4.0, Mode.SAMPLE_TIME.speedup(1, 4));
        assertEquals(4.0, Mode.SINGLE_SHOT.speedup(1, 4));
        assertTrue(Double.isNaN(Mode.THROUGHPUT.speedup(0, 4)), "a zero score has no meaningful ratio");
        assertTrue(Double.isNaN(Mode.AVERAGE_TIME.speedup(Double.NaN, 4)));
    }

    @Test
    void shouldSortWorkloadsInContractOrderAndParametersNumerically()
    {
        final Comparison c = Comparison.of(List.of(
            result("Z.zzz", Mode.THROUGHPUT, "lmdb", 1, "ops/s", P),
            result("R.readTxn", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", params("keyLength", "16")),
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", params("keyLength", "8")),
            result("S.scanForward", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P)), List.of(), Map.of());
        final List<String> labels = c.sections().stream().map(s -> c.label(s, "")).toList();
        assertEquals(List.of("get (keyLength=8)", "get (keyLength=16)", "scanForward", "readTxn", "zzz"), labels);
    }

    @Test
    void shouldPutEachCopyingVariantRightAfterItsZeroCopyWorkload()
    {
        final Comparison c = Comparison.of(List.of(
            result("R.scanBackward", Mode.AVERAGE_TIME, "lmdb", 1, "ms/op", P),
            result("R.scanForwardCopy", Mode.AVERAGE_TIME, "lmdb", 1, "ms/op", P),
            result("R.getOwnTxn", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("R.getInOrder", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("R.scanForward", Mode.AVERAGE_TIME, "lmdb", 1, "ms/op", P),
            result("R.getCopy", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("R.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P)), List.of(), Map.of());
        final List<String> labels = c.sections().stream().map(s -> c.label(s, "")).toList();
        assertEquals(List.of("get", "getCopy", "getInOrder", "getOwnTxn", "scanForward", "scanForwardCopy",
            "scanBackward"), labels);
    }

    @Test
    void shouldOrderStoresFixedWithUnknownStoresLast()
    {
        final Comparison c = Comparison.of(List.of(
            result("G.get", Mode.AVERAGE_TIME, "zeta", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "floor", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "alpha", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "mavibot", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "mapdb", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "xodus", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "mvstore", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "cambium", 1, "ns/op", P)), List.of(), Map.of());
        assertEquals(List.of("cambium", "lmdb", "mvstore", "xodus", "mapdb", "mavibot", "floor", "alpha", "zeta"),
            List.copyOf(c.stores()));
        assertEquals(List.copyOf(c.stores()), List.copyOf(c.sections().get(0).results(Section.SINGLE).keySet()));
    }

    @Test
    void shouldSplitAGroupIntoReaderAndWriterRowsAndComputeReaderThroughputKept()
    {
        final Comparison c = Comparison.of(List.of(
            group("cambium", 900, 50, P), group("lmdb", 400, 40, P),
            result("ReadersBenchmark.readersAlone", Mode.THROUGHPUT, "cambium", 1000, "ops/s", P),
            result("ReadersBenchmark.readersAlone", Mode.THROUGHPUT, "lmdb", 500, "ops/s", P)), List.of(), Map.of());
        final Section withWriter = c.sections().get(0);
        assertEquals("readersWithWriter", withWriter.workload());
        assertTrue(withWriter.isGroup());
        assertEquals(List.of("reader", "writer"), withWriter.roles());
        assertEquals(2.25, withWriter.speedup("reader", "cambium", "lmdb"), 1e-12);
        assertEquals(1.25, withWriter.speedup("writer", "cambium", "lmdb"), 1e-12);
        final Section alone = c.readersAloneFor(withWriter);
        assertEquals("readersAlone", alone.workload());
        assertEquals(0.9, Comparison.readerThroughputKept(withWriter, alone, "cambium"), 1e-12);
        assertEquals(0.8, Comparison.readerThroughputKept(withWriter, alone, "lmdb"), 1e-12);
        assertTrue(Double.isNaN(Comparison.readerThroughputKept(withWriter, alone, "mvstore")));
        assertEquals("readersWithWriter: reader", c.label(withWriter, "reader"));
    }

    @Test
    void shouldNotPairReadersWithABaselineOfOtherParameters()
    {
        final Comparison c = Comparison.of(List.of(group("cambium", 900, 50, P),
            result("R.readersAlone", Mode.THROUGHPUT, "cambium", 1000, "ops/s", params("entries", "5"))),
            List.of(), Map.of());
        assertEquals(null, c.readersAloneFor(c.sections().get(0)));
    }

    @Test
    void shouldPairReadersWithTheBaselineOfTheSameDataSetWhenTwoClassesShareParameters()
    {
        final List<BenchmarkResult> results = List.of(
            group("cambium", 900, 50, P), group("mvstore", 300, 10, P),
            result("MavibotReadBenchmarks.readersAlone", Mode.THROUGHPUT, "cambium", 2000, "ops/s", P),
            result("MavibotReadBenchmarks.readersAlone", Mode.THROUGHPUT, "mavibot", 10, "ops/s", P),
            result("ReadBenchmarks.readersAlone", Mode.THROUGHPUT, "cambium", 1000, "ops/s", P),
            result("ReadBenchmarks.readersAlone", Mode.THROUGHPUT, "mvstore", 600, "ops/s", P));
        final Comparison c = Comparison.of(results, List.of(), Map.of());
        final Section withWriter = c.sections().stream().filter(s -> s.method().equals("readersWithWriter"))
            .findFirst().orElseThrow();
        final Section alone = c.readersAloneFor(withWriter);
        assertEquals("ReadBenchmarks.readersAlone", alone.workload(), "shares Cambium and MVStore, not just Cambium");
        assertEquals(0.5, Comparison.readerThroughputKept(withWriter, alone, "mvstore"), 1e-12);
    }

    @Test
    void shouldExplainMissingCombosByFailureNotRunOrNotApplicable()
    {
        final Comparison c = Comparison.of(
            List.of(result("G.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
                result("L.loadRandom", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
                result("G.get", Mode.AVERAGE_TIME, "floor", 1, "ns/op", P)),
            List.of(new Failure(Fixtures.PEERS + "G.get", "xodus", P, "java.lang.Error: boom")),
            Map.of(Fixtures.PEERS + "L.loadRandom", Set.of("cambium", "lmdb", "xodus"),
                Fixtures.PEERS + "G.get", Set.of("cambium", "lmdb", "xodus", "floor")));
        final Section get = c.sections().get(0);
        final Section load = c.sections().get(1);
        assertEquals("failed: java.lang.Error: boom", get.missingReason("xodus"));
        assertEquals("not run", get.missingReason("cambium"));
        assertEquals("not run", load.missingReason("xodus"));
        assertTrue(load.isNotApplicable("floor"));
        assertFalse(load.isNotApplicable("cambium"));
        assertFalse(get.isNotApplicable("xodus"), "a failed store is not 'not applicable'");
        assertTrue(Double.isNaN(get.speedup(Section.SINGLE, "xodus", "lmdb")));
    }

    @Test
    void shouldKeepTheMethodNameWhenClassesSharingItRanOnDifferentData()
    {
        final Comparison c = Comparison.of(List.of(
            result("ReadBenchmarks.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", params("entries", "1000000")),
            result("MavibotReadBenchmarks.get", Mode.AVERAGE_TIME, "mavibot", 2, "ns/op", params("entries", "100000")),
            result("MavibotReadBenchmarks.get", Mode.AVERAGE_TIME, "lmdb", 2, "ns/op", params("entries", "100000"))),
            List.of(), Map.of());
        assertEquals(List.of("get", "get"), c.sections().stream().map(Section::workload).toList());
        assertEquals(List.of("get (entries=100000)", "get (entries=1000000)"),
            c.sections().stream().map(s -> c.label(s, "")).toList());
    }

    @Test
    void shouldQualifyWithTheClassWhenTwoClassesRanAWorkloadWithTheSameParameters()
    {
        final Comparison c = Comparison.of(List.of(
            result("ReadBenchmarks.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("MavibotReadBenchmarks.get", Mode.AVERAGE_TIME, "lmdb", 2, "ns/op", P),
            result("ReadBenchmarks.scanForward", Mode.AVERAGE_TIME, "lmdb", 2, "ns/op", P)), List.of(), Map.of());
        assertEquals(List.of("MavibotReadBenchmarks.get", "ReadBenchmarks.get", "scanForward"),
            c.sections().stream().map(Section::workload).toList());
        assertEquals(2.0, c.sections().get(0).results(Section.SINGLE).get("lmdb").score(), "rows did not merge");
    }

    @Test
    void shouldRejectStoresOfOneWorkloadMeasuredInDifferentUnits()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Comparison.of(List.of(
            result("G.get", Mode.AVERAGE_TIME, "lmdb", 1, "ns/op", P),
            result("G.get", Mode.AVERAGE_TIME, "cambium", 1, "us/op", P)), List.of(), Map.of()));
        assertTrue(e.getMessage().contains("must share mode and unit"), e.getMessage());
    }

    @Test
    void shouldLeaveOutResultsWithoutAStoreParameter()
    {
        final Comparison c = Comparison.of(List.of(result("G.get", Mode.AVERAGE_TIME, null, 1, "ns/op", P)),
            List.of(), Map.of());
        assertTrue(c.sections().isEmpty());
        assertEquals(Set.of(Fixtures.PEERS + "G.get"), c.ignoredBenchmarks());
    }
}
