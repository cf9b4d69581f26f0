/**
 * jcstress tests of the revision protocol: pinning versus retiring, safe publication of a revision's
 * state, and the cleaner's page reclamation (CleanerAgent + PageReclaimer) versus a pinned reader.
 * Run with {@code stress/run-jcstress} after {@code mvn -pl stress -am package}.
 *
 * <p>At most two {@code @Actor}s per test: on a 2-core machine jcstress skips tests with more actors than
 * cores and reports "No matching tests". The cleaner's work therefore shares an actor with the writer.
 */
package dev.cambium.stress;
