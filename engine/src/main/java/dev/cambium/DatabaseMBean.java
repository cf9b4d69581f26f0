package dev.cambium;

import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The {@link DatabaseMXBean} of one open database, and its registration with the platform MBean server.
 *
 * <p>Threads: any. A failure to register or unregister is logged (logger {@code dev.cambium.Database}) and never
 * fails opening or closing the database.
 */
final class DatabaseMBean implements DatabaseMXBean
{
    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final Database db;
    private final ObjectName name;

    private DatabaseMBean(final Database db, final ObjectName name)
    {
        this.db = db;
        this.name = name;
    }

    /**
     * @param db the open database.
     * @return its MBean name: {@code dev.cambium:type=Database,name=<absolute path>}, the path quoted if it holds a
     * character an unquoted value may not.
     */
    static ObjectName nameOf(final Database db)
    {
        final String path = db.path().toAbsolutePath().toString();
        final boolean plain = path.chars().noneMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
        try
        {
            return new ObjectName("dev.cambium:type=Database,name=" + (plain ? path : ObjectName.quote(path)));
        }
        catch (final JMException e)
        {
            throw new IllegalStateException("no MBean name for " + path, e);
        }
    }

    /**
     * Registers the MBean of an open database.
     *
     * @param db the database.
     * @return the registered MBean, or null if registration failed (logged).
     */
    static DatabaseMBean register(final Database db)
    {
        final ObjectName name = nameOf(db);
        final DatabaseMBean bean = new DatabaseMBean(db, name);
        try
        {
            ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
            return bean;
        }
        catch (final InstanceAlreadyExistsException e)
        {
            LOG.log(System.Logger.Level.WARNING, "MBean " + name + " is already registered; " + db.path() +
                " has none of its own");
            return null;
        }
        catch (final JMException | RuntimeException e)
        {
            LOG.log(System.Logger.Level.WARNING, "could not register MBean " + name, e);
            return null;
        }
    }

    /** Unregisters this MBean; idempotent. */
    void unregister()
    {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try
        {
            server.unregisterMBean(name);
        }
        catch (final InstanceNotFoundException alreadyGone)
        {
            // closed twice, or unregistered by someone else: nothing to do
        }
        catch (final JMException | RuntimeException e)
        {
            LOG.log(System.Logger.Level.WARNING, "could not unregister MBean " + name, e);
        }
    }

    @Override
    public String getPath()
    {
        return db.path().toAbsolutePath().toString();
    }

    @Override
    public long getRevision()
    {
        return db.stats().revision();
    }

    @Override
    public int getPageSize()
    {
        return db.stats().pageSize();
    }

    @Override
    public long getFileSize()
    {
        return db.stats().fileSize();
    }

    @Override
    public long getPageCount()
    {
        return db.stats().pageCount();
    }

    @Override
    public long getPagesUsed()
    {
        final DatabaseStats s = db.stats();
        return s.pageCount() - s.freePages() - s.pendingPages();
    }

    @Override
    public long getFreePages()
    {
        return db.stats().freePages();
    }

    @Override
    public long getPendingPages()
    {
        return db.stats().pendingPages();
    }

    @Override
    public long getOpenReadTransactions()
    {
        return db.stats().openReadTransactions();
    }

    @Override
    public int getRevisionsRetained()
    {
        return db.stats().revisionsRetained();
    }

    @Override
    public long getCommits()
    {
        return db.stats().commits();
    }

    @Override
    public long getCommitBatches()
    {
        return db.stats().commitBatches();
    }

    @Override
    public long getLastCommitPages()
    {
        return db.stats().lastCommitPages();
    }

    @Override
    public long getPagesWritten()
    {
        return db.stats().pagesWritten();
    }

    @Override
    public long getOldestPinnedRevision()
    {
        return db.stats().oldestPinnedRevision();
    }

    @Override
    public long getOldestPinnedAgeMillis()
    {
        return db.stats().oldestPinnedAgeNanos() / 1_000_000;
    }

    @Override
    public long getLeakedReadTransactions()
    {
        return db.stats().leakedReadTransactions();
    }

    @Override
    public long getCleanerRuns()
    {
        return db.stats().cleanerRuns();
    }

    @Override
    public long getPagesReclaimed()
    {
        return db.stats().pagesReclaimed();
    }

    @Override
    public long getCleanerLag()
    {
        return db.stats().cleanerLag();
    }

    @Override
    public long getCleanerErrors()
    {
        return db.stats().cleanerErrors();
    }

    @Override
    public String[] getOverAgeReadTransactions()
    {
        final List<ReadTransactionInfo> over = db.checkReadTransactions();
        final String[] lines = new String[over.size()];
        for (int i = 0; i < lines.length; i++)
        {
            final ReadTransactionInfo r = over.get(i);
            lines[i] = "revision " + r.revision() + ", open for " + r.age() +
                (r.origin() == null ? "" : ", opened at:\n" + r.origin());
        }
        return lines;
    }
}
