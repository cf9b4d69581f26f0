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
 * <p>The package lives in the cleaner module because that is the lowest module with a failpoint (the hand-off);
 * the engine, which has the commit points, depends on it.
 */
package dev.cambium.failpoint;
