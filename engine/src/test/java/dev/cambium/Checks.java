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
