package dev.cambium.jmh.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sizes file, key: value facts and JMH's -lp listing. */
class SmallReadersTest
{
    @Test
    void shouldReadSizesLinesAndCountMalformedOnes()
    {
        final FileSize.Parsed p = FileSize.parseAll(List.of(
            "loadRandom\tcambium\tkeyLength=8,entries=1000\t2048\t1080",
            "",
            "loadRandom\tlmdb\t\t4096\t1080",
            "loadRandom\tlmdb\tentries=1000\t-1\t1080",
            "loadRandom\tlmdb\tentries=1000\t12",
            "loadRandom\tlmdb\tnoequals\t1\t1",
            "loadRandom\tlmdb\tentries=1000\tbig\t1080"));
        assertEquals(2, p.sizes().size());
        assertEquals(4, p.malformed());
        final FileSize first = p.sizes().get(0);
        assertEquals(Map.of("entries", "1000", "keyLength", "8"), first.params());
        assertEquals(List.of("entries", "keyLength"), List.copyOf(first.params().keySet()));
        assertEquals(2048, first.fileBytes());
        assertEquals(1080, first.rawBytes());
        assertTrue(p.sizes().get(1).params().isEmpty());
    }

    @Test
    void shouldReadKeyValueFactsInOrderWithLaterLinesWinning()
    {
        final Map<String, String> f = RunFacts.parseKeyValues(List.of("b: 1", "a: x: y", "junk", "", "b: 2"));
        assertEquals(List.of("b", "a"), List.copyOf(f.keySet()));
        assertEquals("2", f.get("b"));
        assertEquals("x: y", f.get("a"));
    }

    @Test
    void shouldReadDeclaredStoresFromJmhListing()
    {
        final Map<String, Set<String>> d = RunFacts
            .parseDeclaredStores(Fixtures.lines("several-stores/benchmarks.txt"));
        assertEquals(Set.of("cambium", "lmdb", "mvstore", "xodus", "mapdb", "mavibot", "floor"),
            d.get("dev.cambium.jmh.peers.GetBenchmark.get"));
        assertEquals(Set.of("cambium", "lmdb", "mvstore", "xodus"),
            d.get("dev.cambium.jmh.peers.ReadersBenchmark.readersAlone"));
        assertEquals(5, d.size());
    }
}
