package dev.cambium.crash;

import dev.cambium.StorageException;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.Storage;
import dev.cambium.engine.store.StorageDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A {@link StorageDirectory} that simulates a power loss in the directory as {@link PowerLossStorage} does in a
 * file's bytes.
 *
 * <p>The <b>current</b> state is a real directory (the operations really happen, so the engine sees real files and
 * real mappings); the <b>durable</b> state is a map from names to files as the device holds it, plus the directory
 * operations (create, rename, delete) issued since the last {@link #sync}. Each file's bytes are a
 * {@link PowerLossStorage} on the same {@link PowerLossStorage.Clock}, so every write, force, directory operation and
 * directory sync is one numbered event, and a crash at event k stops all of them.
 *
 * <p>{@link #crashImage} gives the directory a power loss would leave: the durable names, with each unsynced
 * directory operation kept or lost (in issue order), and each file's content its own crash image. A file that
 * existed before this directory was constructed is durable as it was.
 *
 * <p>Single-threaded, like the opening of a database.
 */
final class PowerLossDirectory implements StorageDirectory
{
    /** A file, whatever names it has. */
    private static final class Inode
    {
        /** Content of a file that existed at construction and was never opened; null once opened. */
        byte[] untouched;
        PowerLossStorage storage;

        byte[] crashImage(final Random random, final PowerLossStorage.FateMix mix)
        {
            return storage == null ? untouched : storage.crashImage(random, null, mix);
        }
    }

    private enum Kind
    {
        CREATE, RENAME, DELETE
    }

    private record Operation(Kind kind, String from, String to, Inode inode)
    {
    }

    private final Path root;
    private final PowerLossStorage.Clock clock;
    private final Map<String, Inode> current = new HashMap<>();
    private final Map<String, Inode> durable = new HashMap<>();
    private final List<Operation> pending = new ArrayList<>();

    /**
     * @param root  a real directory; the regular files in it are taken as durable.
     * @param clock the clock numbering the events.
     */
    PowerLossDirectory(final Path root, final PowerLossStorage.Clock clock)
    {
        this.root = root;
        this.clock = clock;
        try (Stream<Path> files = Files.list(root))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(f))
                {
                    final Inode inode = new Inode();
                    inode.untouched = Files.readAllBytes(f);
                    current.put(f.getFileName().toString(), inode);
                    durable.put(f.getFileName().toString(), inode);
                }
            }
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private String name(final Path file)
    {
        final Path absolute = file.toAbsolutePath();
        if (!root.toAbsolutePath().equals(absolute.getParent()))
        {
            throw new IllegalArgumentException(file + " is not in " + root);
        }
        return absolute.getFileName().toString();
    }

    private PowerLossStorage open(final Path file, final Inode inode)
    {
        if (inode.storage != null)
        {
            throw new IllegalStateException(file + " is open already");
        }
        final FileStorage real = FileStorage.openExisting(file);
        if (real == null)
        {
            throw new IllegalStateException(file + " vanished from the real directory");
        }
        inode.storage = new PowerLossStorage(real, clock);
        inode.untouched = null;
        return inode.storage;
    }

    @Override
    public Storage openExisting(final Path file)
    {
        clock.checkAlive("open");
        final Inode inode = current.get(name(file));
        return inode == null ? null : open(file, inode);
    }

    @Override
    public Storage createEmpty(final Path file)
    {
        final String name = name(file);
        final Inode existing = current.get(name);
        if (existing != null)
        {
            // A file left under the name: taken over and truncated (the truncation is durable only at an fsync).
            clock.checkAlive("create");
            final PowerLossStorage storage = open(file, existing);
            storage.truncate(0);
            return storage;
        }
        final long index = clock.begin("create");
        final Inode inode = new Inode();
        inode.storage = new PowerLossStorage(FileStorage.createEmpty(file), clock);
        current.put(name, inode);
        pending.add(new Operation(Kind.CREATE, null, name, inode));
        clock.end(index, "create " + name);
        return inode.storage;
    }

    @Override
    public boolean exists(final Path file)
    {
        return current.containsKey(name(file));
    }

    @Override
    public Storage rename(final Storage storage, final Path to)
    {
        final long index = clock.begin("rename");
        String from = null;
        for (final Map.Entry<String, Inode> e : current.entrySet())
        {
            if (e.getValue().storage == storage)
            {
                from = e.getKey();
            }
        }
        if (from == null)
        {
            throw new IllegalArgumentException(storage + " is not a file of this directory");
        }
        final String target = name(to);
        try
        {
            Files.move(root.resolve(from), to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException e)
        {
            throw new StorageException("rename failed: " + e, e);
        }
        final Inode inode = current.remove(from);
        current.put(target, inode);
        pending.add(new Operation(Kind.RENAME, from, target, inode));
        ((PowerLossStorage)storage).renamed(to.toAbsolutePath());
        clock.end(index, "rename " + from + " to " + target);
        return storage;
    }

    @Override
    public void delete(final Path file)
    {
        final long index = clock.begin("delete");
        final String name = name(file);
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException e)
        {
            throw new StorageException("delete failed: " + e, e);
        }
        final Inode inode = current.remove(name);
        if (inode != null)
        {
            pending.add(new Operation(Kind.DELETE, name, null, inode));
        }
        clock.end(index, "delete " + name);
    }

    @Override
    public void sync(final Path file)
    {
        final long index = clock.begin("directory sync");
        if (clock.crashAtThis(index))
        {
            clock.end(index, "directory sync"); // dies before anything becomes durable
        }
        for (final Operation op : pending)
        {
            apply(op, durable);
        }
        pending.clear();
        clock.end(index, "directory sync");
    }

    private static void apply(final Operation op, final Map<String, Inode> names)
    {
        switch (op.kind())
        {
            case CREATE -> names.put(op.to(), op.inode());
            case RENAME -> {
                if (names.get(op.from()) == op.inode())
                {
                    names.remove(op.from());
                }
                names.put(op.to(), op.inode());
            }
            case DELETE -> {
                if (names.get(op.from()) == op.inode())
                {
                    names.remove(op.from());
                }
            }
        }
    }

    /**
     * @return how many directory operations are not yet synced.
     */
    int pendingOperations()
    {
        return pending.size();
    }

    /**
     * The directory a power loss now would leave: each unsynced directory operation kept or lost (in issue order,
     * so a rename is all or nothing), each file's content a crash image of its own. Does not change this directory.
     *
     * @param random the outcomes.
     * @param mix    the outcomes of the files' unsynced writes.
     * @return file name to content.
     */
    Map<String, byte[]> crashImage(final Random random, final PowerLossStorage.FateMix mix)
    {
        final Map<String, Inode> names = new HashMap<>(durable);
        for (final Operation op : pending)
        {
            if (random.nextBoolean())
            {
                apply(op, names);
            }
        }
        final Map<String, byte[]> out = new HashMap<>();
        final Map<Inode, byte[]> images = new HashMap<>();
        names.forEach((name, inode) -> out.put(name, images.computeIfAbsent(inode, i -> i.crashImage(random, mix))));
        return out;
    }

    /** Closes every file still open (after the simulated crash). */
    void closeAll()
    {
        for (final Inode inode : current.values())
        {
            if (inode.storage != null)
            {
                try
                {
                    inode.storage.close();
                }
                catch (final RuntimeException e)
                {
                    // already closed by the engine
                }
            }
        }
    }
}
