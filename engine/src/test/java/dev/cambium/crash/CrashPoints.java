package dev.cambium.crash;

import dev.cambium.CheckReport;
import dev.cambium.DatabaseOptions;
import dev.cambium.StorageException;
import dev.cambium.crash.CrashModel.Harness;
import dev.cambium.crash.CrashModel.Model;
import dev.cambium.crash.CrashModel.Tx;
import dev.cambium.engine.Engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static dev.cambium.crash.CrashModel.read;
import static dev.cambium.crash.CrashModel.writeAfterRecovery;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The harness the simulated power-loss tests share: running a workload that dies at a crash point, recovering a crash
 * image as a restarted process would, and reporting the images that violate a test's oracle. What is allowed after a
 * crash (which revision, which content) stays in each test; this class only gets the recovered content to compare.
 *
 * <ul>
 *     <li>{@link #runFinalCommit}: prepare a state, then the commit under test on a fresh {@link PowerLossStorage}
 *     that dies during one of its events (a crash point), remembering the model before and after it. Used by
 *     {@link CrashPointTest} and {@link ShrinkCrashTest}.</li>
 *     <li>{@link #recoverImage} and {@link #recover}: write out a crash image, open it, {@code check()} it, read its
 *     whole content, and commit on it ({@link CrashModel#writeAfterRecovery}). Used by {@link CrashPointTest},
 *     {@link ShrinkCrashTest}, {@link BatchedCrashPointTest} and (on a directory image) {@link CreationCrashTest}.</li>
 *     <li>{@link #where} describes a crash point of a counted run for a failure message ({@link CrashPointTest},
 *     {@link ShrinkCrashTest}, {@link BatchedCrashPointTest}); {@link #assertNoFailures} fails with the violations
 *     found, and {@link #closeQuietly} closes the engine of a dead process (all four).</li>
 * </ul>
 */
final class CrashPoints
{
    /** How many violations a failure message lists. */
    private static final int LISTED_FAILURES = 20;

    private CrashPoints()
    {
    }

    // ------------------------------------------------------------------------------- dying at a crash point

    /** One run of a scenario on a fresh storage: its state before the final commit, and that commit's fate. */
    static class CommitRun
    {
        PowerLossStorage storage;
        /** The model of the last revision acknowledged before the final commit. */
        Model previous;
        /** The final commit's model, at revision {@code previous.revision + 1}, whether or not it returned. */
        Model next;
        /** Whether the final commit's {@code commit()} returned. */
        boolean returned;
        /** The storage's events before the final commit: the final commit's events are numbered from here. */
        long eventsBefore;
        /** The events the final commit issued (up to the crash). */
        List<PowerLossStorage.Event> finalEvents;
    }

    /**
     * Opens an engine on a fresh {@link PowerLossStorage} at {@code file}, runs {@code prepare} (commits through a
     * {@link Harness}), then the final commit {@code last}, with the storage dying during event {@code crashAt} of
     * that commit (counted from its first event; never if negative). A {@link StorageException} is expected only if
     * the storage died; {@code run.returned} tells whether the commit returned. Then the process dies: the storage
     * crashes (if it has not yet) and the engine is closed as well as a dead process can, so {@code run.storage} holds
     * what the crash images are made from.
     *
     * @param run         the run to fill in (a subclass may carry what the hooks record).
     * @param file        the storage's file.
     * @param options     the engine's options.
     * @param prepare     the commits that build the state.
     * @param last        the body of the final commit, the one under test.
     * @param crashAt     the final commit's event during which the storage dies; negative: it does not.
     * @param beforeFinal called after {@code prepare}, before the crash point is armed (engine open).
     * @param afterFinal  called after the final commit returned or died, before the process dies (engine open).
     * @param <R>         the run's type.
     * @return {@code run}.
     */
    static <R extends CommitRun> R runFinalCommit(final R run, final Path file, final DatabaseOptions options,
        final Consumer<Harness> prepare, final Consumer<Tx> last, final long crashAt,
        final BiConsumer<Engine, R> beforeFinal, final BiConsumer<Engine, R> afterFinal)
    {
        run.storage = new PowerLossStorage(file, options.pageSize());
        final Engine engine = Engine.open(run.storage, options);
        try
        {
            final Harness h = new Harness(engine);
            prepare.accept(h);
            run.previous = h.acknowledged;
            run.eventsBefore = run.storage.events();
            beforeFinal.accept(engine, run);
            if (crashAt >= 0)
            {
                run.storage.crashAtEvent(run.eventsBefore + crashAt);
            }
            final Model[] holder = new Model[1];
            try
            {
                h.commit(tx ->
                {
                    holder[0] = tx.model;
                    last.accept(tx);
                });
                run.returned = true;
            }
            catch (final StorageException e)
            {
                if (!run.storage.crashed())
                {
                    throw e;
                }
                run.returned = false;
            }
            run.next = holder[0];
            run.next.revision = run.previous.revision + 1;
            run.finalEvents = run.storage.log().subList((int)run.eventsBefore, (int)run.storage.events());
            afterFinal.accept(engine, run);
        }
        finally
        {
            run.storage.crashNow();
            closeQuietly(engine);
        }
        return run;
    }

    /** Closes the engine of a process that died: a dead process closes nothing cleanly, the crash image is all. */
    static void closeQuietly(final Engine engine)
    {
        try
        {
            engine.close();
        }
        catch (final RuntimeException e)
        {
            // a dead process closes nothing cleanly; whatever mattered is in the crash image
        }
    }

    // ------------------------------------------------------------------------------- recovering an image

    /**
     * A recovered crash image: its content if it opened, checked clean, read, and accepted a further commit; else
     * the problem.
     *
     * @param content the revision and content of every tree, read before the further commit; null with a problem.
     * @param problem null, or why the image is unusable.
     */
    record Recovered(Model content, String problem)
    {
    }

    /**
     * Writes {@code image} to {@code dir/crash-<k>-<seed>.cambium}, {@link #recover recovers} it, and deletes it.
     *
     * @param dir     where to write the image.
     * @param k       the crash point (for the file name).
     * @param seed    the image's seed index at that point (for the file name).
     * @param image   the file's bytes a power loss (or a process crash) left.
     * @param options the options to open it with.
     * @return what it recovered to.
     * @throws IOException if the image cannot be written or deleted.
     */
    static Recovered recoverImage(final Path dir, final long k, final int seed, final byte[] image,
        final DatabaseOptions options) throws IOException
    {
        final Path crashed = dir.resolve("crash-" + k + "-" + seed + ".cambium");
        Files.write(crashed, image);
        try
        {
            return recover(crashed, options);
        }
        finally
        {
            Files.deleteIfExists(crashed);
        }
    }

    /**
     * Opens a crash image as a restarted process would: {@link Engine#open(Path, DatabaseOptions)}, {@code check()}
     * must find no problem, the whole content is read ({@link CrashModel#read}), and then the file must accept a
     * further commit and still check clean ({@link CrashModel#writeAfterRecovery}). Any exception or error on the way
     * is a problem, not a test failure: the caller collects the problems of all images.
     *
     * @param file    the database file.
     * @param options the options to open it with.
     * @return the content read, or the problem.
     */
    static Recovered recover(final Path file, final DatabaseOptions options)
    {
        final Engine engine;
        try
        {
            engine = Engine.open(file, options);
        }
        catch (final RuntimeException | Error e)
        {
            return new Recovered(null, "open failed: " + e);
        }
        try
        {
            final CheckReport report;
            try
            {
                report = engine.check();
            }
            catch (final RuntimeException | Error e)
            {
                return new Recovered(null, "check() threw " + e);
            }
            if (!report.ok())
            {
                return new Recovered(null,
                    "check() found problems at revision " + engine.revision() + ": " + report.problems());
            }
            final Model content;
            try
            {
                content = read(engine);
            }
            catch (final RuntimeException | Error e)
            {
                return new Recovered(null, "reading the content threw " + e);
            }
            final String afterwards = writeAfterRecovery(engine);
            return afterwards == null ? new Recovered(content, null) : new Recovered(null, afterwards);
        }
        finally
        {
            closeQuietly(engine);
        }
    }

    // ------------------------------------------------------------------------------- reporting

    /**
     * @param k      the crash point.
     * @param events the events the crash points are counted in (those of the counting run).
     * @return "crash point k/total (during the event | after the last event)".
     */
    static String where(final int k, final List<PowerLossStorage.Event> events)
    {
        final int total = events.size();
        return "crash point " + k + "/" + total + " (" +
            (k < total ? "during " + events.get(k) : "after the last event") + ")";
    }

    /**
     * Fails if any image violated the oracle, listing the first {@value #LISTED_FAILURES}.
     *
     * @param failures one line per violation, each saying where.
     * @param what     what they are, e.g. "crash images violate the oracle (base seed 42)".
     */
    static void assertNoFailures(final List<String> failures, final String what)
    {
        if (!failures.isEmpty())
        {
            fail(failures.size() + " " + what + ":\n" +
                String.join("\n", failures.subList(0, Math.min(LISTED_FAILURES, failures.size()))));
        }
    }
}
