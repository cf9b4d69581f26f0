package dev.cambium.btree;

/**
 * Called with each page a tree walk reaches, and the revision the pointer to it records (which the page's header
 * was found to hold).
 */
@FunctionalInterface
public interface PageVisitor
{
    /**
     * @param pageId   a page reached by the walk.
     * @param revision the revision that wrote it, as recorded by the pointer followed to it.
     * @return true to descend below the page (ignored for overflow pages, which have nothing below them).
     */
    boolean visit(long pageId, long revision);
}
