package dev.cambium.engine.txn;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread's catalog entries: found only for the revision they were read in, one entry per name, and a name
 * beyond the capacity replaces an entry instead of growing the cache.
 */
class TreeCacheTest
{
    private static void put(final TreeCache cache, final String name, final long revision, final long root)
    {
        cache.put(name, name.getBytes(StandardCharsets.UTF_8), revision, root, revision - 1, root * 10);
    }

    @Test
    void shouldFindAnEntryOnlyInTheRevisionItWasReadIn()
    {
        final TreeCache cache = new TreeCache();
        assertEquals(-1, cache.find("t", 7));
        put(cache, "t", 7, 100);
        final int slot = cache.find("t", 7);
        assertTrue(slot >= 0);
        assertEquals(100, cache.root(slot));
        assertEquals(6, cache.rootRevision(slot));
        assertEquals(1000, cache.size(slot));
        assertEquals("t", new String(cache.encoded(slot), StandardCharsets.UTF_8));
        assertEquals(-1, cache.find("t", 8), "another revision's catalog may differ");
        assertEquals(-1, cache.find("t", 6));
        assertEquals(-1, cache.find("u", 7));
    }

    @Test
    void shouldReplaceTheEntryOfTheSameNameWhenReadInANewRevision()
    {
        final TreeCache cache = new TreeCache();
        put(cache, "t", 7, 100);
        put(cache, "t", 9, 200);
        assertEquals(-1, cache.find("t", 7));
        assertEquals(200, cache.root(cache.find("t", 9)));
    }

    @Test
    void shouldKeepAnswersRightWithMoreNamesThanSlots()
    {
        final TreeCache cache = new TreeCache();
        for (int round = 0; round < 3; round++)
        {
            for (int n = 0; n < 20; n++)
            {
                final String name = "tree" + n;
                final int slot = cache.find(name, 5);
                if (slot >= 0)
                {
                    assertEquals(n, cache.root(slot), name);
                }
                else
                {
                    put(cache, name, 5, n);
                }
                assertEquals(n, cache.root(cache.find(name, 5)), name);
            }
        }
        int found = 0;
        for (int n = 0; n < 20; n++)
        {
            final int slot = cache.find("tree" + n, 5);
            if (slot >= 0)
            {
                assertEquals(n, cache.root(slot));
                found++;
            }
        }
        assertTrue(found > 0 && found <= 8, "a bounded number of entries: " + found);
    }
}
