package dev.cambium.jmh;

import dev.cambium.StorageException;
import dev.cambium.engine.store.FileStorage;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Measures where the JVM reports a fault in a page copied into a read-write mapping, which decides whether
 * {@code DatabaseOptions.mappedWrites} can fail a commit as reliably as a positional write does. A storage maps the
 * file for writes ({@link FileStorage#mapWrites(long)}), copies pages in until the copy is JIT-compiled, then the file
 * is truncated behind its back, so that every later copy into the old window is the SIGBUS a file system gives for
 * a page it cannot back. It counts the faulting writes that failed inside the call (as a commit needs:
 * {@link FileStorage#write} wraps the JVM's {@link InternalError} in a {@link StorageException}), those that returned
 * as if the page had been written, and the errors that surfaced later in the same thread, outside the write. Then
 * the same for reads through a read-only mapping.
 * Linux only (elsewhere there are no mapped writes); prints the counts and exits 0, or 2 for bad arguments.
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * dev.cambium.jmh.MappedWriteFaults [faults]}.
 */
public final class MappedWriteFaults
{
    private static final int PAGE = 4096;
    private static final int PAGES = 16;
    private static final int WARM_UP = 50_000;

    private MappedWriteFaults()
    {
    }

    /**
     * @param args optional: how many faulting writes (default 2,000).
     * @throws IOException if the temporary file cannot be made.
     */
    public static void main(final String[] args) throws IOException
    {
        final int faults = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        if (faults < 1)
        {
            System.err.println("usage: MappedWriteFaults [faults >= 1]");
            System.exit(2);
        }
        final Path file = Files.createTempFile("mapped-write-faults", ".db");
        try (FileChannel outside = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final FileStorage storage = FileStorage.open(file);
            storage.write(ByteBuffer.allocateDirect(PAGES * PAGE), 0);
            if (!storage.mapWrites(PAGE))
            {
                System.out.println("no mapped writes on " + System.getProperty("os.name"));
                return;
            }
            final ByteBuffer page = ByteBuffer.allocateDirect(PAGE);
            for (int i = 0; i < WARM_UP; i++)
            {
                storage.write(page.clear(), PAGE + (long)(i % (PAGES - 1)) * PAGE);
            }
            outside.truncate(PAGE); // the storage's window still spans every page
            int inside = 0;
            int returned = 0;
            int lateErrors = 0;
            int i = 0;
            while (i < faults)
            {
                try
                {
                    for (; i < faults; i++)
                    {
                        try
                        {
                            storage.write(page.clear(), PAGE + (long)(i % (PAGES - 1)) * PAGE);
                            returned++;
                        }
                        catch (final StorageException e)
                        {
                            inside++;
                        }
                    }
                }
                catch (final InternalError e)
                {
                    // Raised outside the write's call: by a statement after it, or by the loop itself.
                    lateErrors++;
                    i++;
                }
            }
            // The report itself may be where a pending fault is raised (the first use of a constant is a call into
            // the VM): count it and print again.
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    storage.close();
                    System.out.printf("%d faulting mapped writes after %d good ones: %d failed inside write() with a "
                        + "StorageException, %d returned as if written; %d InternalErrors surfaced later, outside "
                        + "the write%n", faults, WARM_UP, inside, returned, lateErrors);
                    break;
                }
                catch (final InternalError e)
                {
                    lateErrors++;
                }
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
        reads();
    }

    /**
     * The same fault on the read side: reads through a read-only mapping (as a reader's {@code UnsafeBuffer} view
     * makes them) of pages that a truncation cut off. Counts the reads that returned a value other than the bytes
     * the file held (every byte 7), and the errors that surfaced.
     */
    private static void reads() throws IOException
    {
        final Path file = Files.createTempFile("mapped-read-faults", ".db");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer sevens = ByteBuffer.allocate(PAGES * PAGE);
            while (sevens.hasRemaining())
            {
                sevens.put((byte)7);
            }
            channel.write(sevens.flip(), 0);
            final UnsafeBuffer view = new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, PAGES * PAGE));
            final long expected = 0x0707070707070707L;
            long sum = 0;
            for (int i = 0; i < WARM_UP; i++)
            {
                sum += view.getLong((i % PAGES) * PAGE) == expected ? 1 : 0;
            }
            channel.truncate(PAGE);
            final int reads = 1_000;
            int wrong = 0;
            int errors = 0;
            int i = 0;
            while (i < reads)
            {
                try
                {
                    for (; i < reads; i++)
                    {
                        wrong += view.getLong(PAGE + (i % (PAGES - 1)) * PAGE) == expected ? 0 : 1;
                    }
                }
                catch (final InternalError e)
                {
                    errors++;
                    i++;
                }
            }
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    System.out.printf("%d reads of faulting mapped pages after %d good ones (%d right): %d returned a "
                        + "value the file never held; %d InternalErrors surfaced%n", reads,
                        WARM_UP, sum, wrong, errors);
                    break;
                }
                catch (final InternalError e)
                {
                    errors++;
                }
            }
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }
}
