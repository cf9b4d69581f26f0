/**
 * The cleaner: the single thread that retires unpinned old revisions and hands the pages they alone could see
 * back to the writer ({@link dev.cambium.cleaner.PageReclaimer}).
 *
 * <p>{@link dev.cambium.cleaner.Cleaner} owns the thread; {@link dev.cambium.cleaner.CleanerAgent} is the
 * unit of work it repeats, which tests drive directly with an {@link org.agrona.concurrent.AgentInvoker}.
 */
package dev.cambium.cleaner;
