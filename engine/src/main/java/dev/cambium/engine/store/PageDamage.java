package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;

import java.nio.file.Path;

/**
 * The messages of {@link CorruptDatabaseException}s about pages: the page store and the B+tree code know the page
 * and what is wrong with it, the transaction layers know whose it is (a tree, the catalog, the free-space map) and
 * add that in front. Stateless; any thread.
 */
public final class PageDamage
{
    private PageDamage()
    {
    }

    /**
     * @param file    the database file.
     * @param pageId  the damaged page.
     * @param problem what is wrong with it.
     * @return "page N of F: problem".
     */
    public static CorruptDatabaseException page(final Path file, final long pageId, final String problem)
    {
        return new CorruptDatabaseException("page " + pageId + " of " + file + ": " + problem);
    }

    /**
     * Names the structure a damaged page was read for.
     *
     * @param where what was being read, e.g. {@code tree 'users'}, {@code catalog}, {@code free-space map}.
     * @param e     the failure.
     * @return a new exception with the same meaning, its message prefixed by {@code where}, {@code e} as its cause.
     */
    public static CorruptDatabaseException located(final String where, final CorruptDatabaseException e)
    {
        return new CorruptDatabaseException(where + ": " + e.getMessage(), e);
    }
}
