package dev.cambium;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link DatabaseMXBean} through the platform MBean server: registered under
 * {@code dev.cambium:type=Database,name=<path>} while open, its attributes follow {@link Database#stats()}, it
 * reports a forgotten reader, it goes away at close, and {@code registerMBean(false)} registers nothing.
 */
class DatabaseMBeanTest
{
    @TempDir
    Path dir;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void shouldExposeStatsThroughThePlatformMBeanServerWhileOpen() throws Exception
    {
        final Path file = dir.resolve("jmx.cambium");
        final ObjectName name = new ObjectName("dev.cambium:type=Database,name=" + file.toAbsolutePath());
        try (Database db = Database.open(file, DatabaseOptions.builder().durability(Durability.NO_SYNC)
            .maxReadTransactionAge(Duration.ofNanos(1)).build()))
        {
            assertTrue(server.isRegistered(name), name + " registered");
            assertEquals(0L, server.getAttribute(name, "Revision"));
            db.write(txn -> txn.openOrCreateTree("t").put(new byte[]{1}, new byte[100]));
            assertEquals(1L, server.getAttribute(name, "Revision"));
            assertEquals(db.pageSize(), server.getAttribute(name, "PageSize"));
            assertEquals(file.toAbsolutePath().toString(), server.getAttribute(name, "Path"));

            final DatabaseMXBean proxy = JMX.newMXBeanProxy(server, name, DatabaseMXBean.class);
            final DatabaseStats stats = db.stats();
            assertEquals(stats.pageCount(), proxy.getPageCount());
            assertEquals(stats.pageCount(), proxy.getPagesUsed() + proxy.getFreePages() + proxy.getPendingPages());
            assertEquals(stats.fileSize(), proxy.getFileSize());
            assertEquals(1, proxy.getCommits());
            assertEquals(stats.commitBatches(), proxy.getCommitBatches());
            assertEquals(1, proxy.getCommitBatches(), "one commit, one batch");
            assertEquals(stats.lastCommitPages(), proxy.getPagesWritten(), "one commit: its pages are all written");
            assertTrue(proxy.getPagesWritten() >= 2, "at least the catalog's page and the tree's");
            assertEquals(0, proxy.getOpenReadTransactions());
            assertEquals(-1, proxy.getOldestPinnedRevision());
            assertEquals(0, proxy.getOverAgeReadTransactions().length);

            try (ReadTransaction forgotten = db.beginRead())
            {
                // any reader is over an age of 1 ns by the time it is looked at
                assertEquals(1, proxy.getOpenReadTransactions());
                assertEquals(forgotten.revision(), proxy.getOldestPinnedRevision());
                final String[] report = proxy.getOverAgeReadTransactions();
                assertEquals(1, report.length);
                assertTrue(report[0].startsWith("revision 1, open for "), report[0]);
                assertTrue(report[0].contains("DatabaseMBeanTest"), "where it was opened: " + report[0]);
            }
            assertEquals(0, proxy.getOverAgeReadTransactions().length);
        }
        assertFalse(server.isRegistered(name), "unregistered at close");
    }

    @Test
    void shouldRegisterNothingWhenTurnedOff() throws Exception
    {
        final Path file = dir.resolve("quiet.cambium");
        try (Database db = Database.open(file, DatabaseOptions.builder().registerMBean(false).build()))
        {
            assertEquals(0, db.revision());
            assertTrue(server.queryNames(new ObjectName("dev.cambium:type=Database,name=" + file.toAbsolutePath()),
                null).isEmpty());
        }
    }

    @Test
    void shouldQuoteAPathThatAnObjectNameValueCannotHoldAsItIs() throws Exception
    {
        final Path file = dir.resolve("a,b=c.cambium");
        try (Database db = Database.open(file))
        {
            final ObjectName name = new ObjectName("dev.cambium:type=Database,name=" +
                ObjectName.quote(file.toAbsolutePath().toString()));
            assertTrue(server.isRegistered(name), name.toString());
            assertEquals(db.revision(), server.getAttribute(name, "Revision"));
        }
    }
}
