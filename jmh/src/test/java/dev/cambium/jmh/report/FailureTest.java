package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureTest
{
    @Test
    void shouldFindEachFailedRunInARealJmhLogWithItsParametersAndException()
    {
        final List<Failure> failures = Failure.parseLog(Fixtures.lines("jmh-1.37-failures.log"));
        assertEquals(3, failures.size(), failures.toString());

        final Failure thrown = failures.get(0);
        assertEquals("dev.cambium.jmh.peers.SmokeFixture.get", thrown.benchmark());
        assertEquals("get", thrown.method());
        assertEquals("mvstore", thrown.store());
        assertEquals(Map.of("entries", "100"), thrown.params());
        assertEquals("java.lang.IllegalStateException: boom \"quoted\" for mvstore", thrown.reason());

        final Failure setup = failures.get(1);
        assertEquals("xodus", setup.store());
        assertEquals("java.lang.RuntimeException: setup broke", setup.reason());

        final Failure vmExit = failures.get(2);
        assertEquals("mapdb", vmExit.store());
        assertTrue(vmExit.reason().startsWith("VM prematurely exited before JMH had finished with it"),
            vmExit.reason());
        assertTrue(vmExit.reason().endsWith("; forked VM failed with exit code 3"), vmExit.reason());
    }

    @Test
    void shouldFindNothingInALogWithoutFailures()
    {
        assertTrue(Failure.parseLog(List.of("# Benchmark: a.B.c", "# Parameters: (store = lmdb)",
            "Iteration   1: 12.0 ns/op")).isEmpty());
    }

    @Test
    void shouldAttributeAFailureToTheRunItBelongsToWhenTheSameBenchmarkRunsTwice()
    {
        final List<Failure> failures = Failure.parseLog(List.of(
            "# Benchmark: a.B.get", "# Parameters: (keyLength = 8, store = lmdb)", "Iteration   1: 1.0 ns/op",
            "# Benchmark: a.B.get", "# Parameters: (keyLength = 16, store = lmdb)", "# Warmup Iteration   1: <failure>",
            "", "java.lang.OutOfMemoryError: Java heap space", "\tat a.B.get(B.java:1)"));
        assertEquals(1, failures.size());
        assertEquals(Map.of("keyLength", "16"), failures.get(0).params());
        assertEquals("java.lang.OutOfMemoryError: Java heap space", failures.get(0).reason());
    }

    @Test
    void shouldClipVeryLongReasons()
    {
        final List<Failure> failures = Failure.parseLog(List.of("# Benchmark: a.B.get",
            "Iteration   1: <failure>", "", "java.lang.IllegalStateException: " + "x".repeat(5000)));
        assertEquals(Failure.MAX_REASON, failures.get(0).reason().length());
        assertEquals(null, failures.get(0).store());
    }
}
