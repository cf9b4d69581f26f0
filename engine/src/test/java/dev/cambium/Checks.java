package dev.cambium;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helper: every test's teardown asserts the database is consistent before closing it. */
public final class Checks
{
    private Checks()
    {
    }

    /**
     * Asserts {@link Database#check()} finds nothing.
     *
     * @param db the database.
     * @return the report.
     */
    public static CheckReport assertConsistent(final Database db)
    {
        final CheckReport report = db.check();
        assertTrue(report.ok(), () -> "check() of " + db.path() + " found: " + String.join("\n  ", report.problems()));
        return report;
    }

    /**
     * Asserts {@link dev.cambium.engine.Engine#check()} finds nothing, for tests that drive the engine
     * directly.
     *
     * @param engine the engine.
     * @return the report.
     */
    public static CheckReport assertConsistent(final dev.cambium.engine.Engine engine)
    {
        final CheckReport report = engine.check();
        assertTrue(report.ok(), () -> "check() of " + engine.store().path() + " found: " +
            String.join("\n  ", report.problems()));
        return report;
    }

    /**
     * Checks, then closes. Null-safe, for teardowns.
     *
     * @param db the database, or null.
     */
    public static void checkAndClose(final Database db)
    {
        if (db == null)
        {
            return;
        }
        try
        {
            assertConsistent(db);
        }
        finally
        {
            db.close();
        }
    }
}
