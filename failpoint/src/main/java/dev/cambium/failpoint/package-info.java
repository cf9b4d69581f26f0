/**
 * Named failpoints for fault-injection tests, in the manner of bbolt's gofail points: fixed places in the
 * commit sequence and in the cleaner's page hand-off where a test can make the running thread throw, halt
 * the JVM, or wait.
 *
 * <p>{@link dev.cambium.failpoint.Failpoint} names the points and arms them;
 * {@link dev.cambium.failpoint.Action} says what an armed point does ({@link dev.cambium.failpoint.Hold} is the
 * latch-driven delay tests synchronise with). The points are compiled into the production code but cost nothing
 * unless the JVM was started with {@code -Dcambium.failpoints=true}, which only test configurations do.
 *
 * <p>The package is a module of its own (cambium-failpoint, no dependencies) so that every module with a point
 * (the cleaner for the hand-off, the engine for the commit) can depend on it without depending on each other's
 * code for it.
 */
package dev.cambium.failpoint;
