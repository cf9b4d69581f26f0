/**
 * The in-memory list of published revisions and the reader refcounts that keep old revisions alive.
 *
 * <p>See {@link dev.cambium.revision.RevisionList} for the threading contract: many reader threads, one
 * writer thread, one cleaner thread.
 */
package dev.cambium.revision;
