package dev.cambium.crash;

import dev.cambium.StorageException;
import dev.cambium.engine.store.FileStorage;
import dev.cambium.engine.store.Storage;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A {@link Storage} that simulates a power loss.
 *
 * <p>Two states are kept:
 * <ul>
 *     <li>the <b>current</b> state, what the operating system's page cache shows: a real file behind a
 *     {@link FileStorage}, so that {@link #read} and {@link #mapReadOnly} (a real {@code FileChannel.map}) see every
 *     write at once, exactly as with a real file. It is never forced: forcing it would only cost time;</li>
 *     <li>the <b>durable</b> state, what the device holds: a byte image and a size, plus the writes issued since
 *     the last {@link #force} (position and bytes, in issue order) and whether the size changed since then.</li>
 * </ul>
 *
 * <p>{@link #force}: every pending write becomes durable; with {@code metadata} (fsync) the current size becomes
 * durable too. Without it (fdatasync) the data becomes durable but a grown size may still be lost, which is what
 * {@link Storage#force} warns about and harsher than Linux.
 *
 * <p>Every {@link #write} and every {@link #force} is an <b>event</b>, numbered from 0 since construction. With
 * {@link #crashAtEvent(long)} the process "dies" during event k: a write k is handed to the OS (it is pending, so a
 * power loss may apply, drop, tear or garble it) and then throws; a force k throws without making anything durable
 * (a force in progress may have written some pending writes: the random outcomes cover that). From then on every
 * write and force throws. {@link #crashImage(Random)} then produces the file a power loss would leave.
 *
 * <p>Several storages (and a simulated directory, {@link PowerLossDirectory}) can share one {@link Clock}: their
 * events are then numbered in one sequence, and a crash at event k stops all of them.
 *
 * <p>Writes, forces and truncation are synchronized: with group commit the leader forces and writes the meta page
 * while the next writer writes its pages. Reads delegate to the file.
 */
final class PowerLossStorage implements Storage
{
    /** Sector size for partly kept size growth; torn writes use 512 or 4096 bytes, chosen per image. */
    static final int SECTOR = 512;

    /** What happened to one unsynced write in a crash image. */
    enum Fate
    {
        APPLIED, DROPPED, TORN, GARBAGE
    }

    /** An event, for the log: a write, a force, or a truncation (length -1, position the new size). */
    record Event(long index, boolean force, long position, int length, boolean metadata)
    {
        /** @return true for a truncation. */
        boolean truncation()
        {
            return !force && length < 0;
        }

        @Override
        public String toString()
        {
            return force
                ? "#" + index + " force(" + (metadata ? "fsync" : "fdatasync") + ")"
                : truncation()
                    ? "#" + index + " truncate(" + position + ")"
                    : "#" + index + " write(" + length + " @ " + position + ")";
        }
    }

    /**
     * A write not yet forced.
     *
     * @param position the file offset.
     * @param bytes    the bytes written (owned by the storage: do not change).
     */
    record PendingWrite(long position, byte[] bytes)
    {
    }

    /**
     * How likely each fate of an unsynced write is in a crash image, how likely an unforced size change is kept
     * whole, lost, or kept in part, and whether the writes reach the device in a random order or in issue order.
     * {@link #UNIFORM} is the harshest mix (every fate equally likely, any order: an older write to a page may land
     * after a newer one, which has the effect of dropping the newer); {@link #MOSTLY_APPLIED} is closer to a
     * kernel that wrote back most dirty pages in order before the power went: few writes are missing, none is
     * garbage, and a missing one leaves the page's previous content (an older version of it) in place.
     *
     * @param applied weight of {@link Fate#APPLIED}.
     * @param dropped weight of {@link Fate#DROPPED}.
     * @param torn    weight of {@link Fate#TORN}.
     * @param garbage weight of {@link Fate#GARBAGE}.
     * @param sizeKept    weight of keeping the current size.
     * @param sizeLost    weight of falling back to the durable size.
     * @param sizePartial weight of a sector boundary in between.
     * @param inOrder     true to apply the writes in issue order, false for a random order.
     */
    record FateMix(int applied, int dropped, int torn, int garbage, int sizeKept, int sizeLost, int sizePartial,
        boolean inOrder)
    {
        /** Every fate and every size outcome equally likely, any order. */
        static final FateMix UNIFORM = new FateMix(1, 1, 1, 1, 1, 1, 1, false);
        /** 90 % applied, 8 % dropped, 2 % torn, no garbage, in issue order; the size kept 9 times in 10. */
        static final FateMix MOSTLY_APPLIED = new FateMix(90, 8, 2, 0, 18, 1, 1, true);
        /** Half applied, half dropped, any order; nothing torn or garbage; the size always kept. */
        static final FateMix HALF_DROPPED = new FateMix(1, 1, 0, 0, 1, 0, 0, false);

        Fate pick(final Random random)
        {
            int r = random.nextInt(applied + dropped + torn + garbage);
            if ((r -= applied) < 0)
            {
                return Fate.APPLIED;
            }
            if ((r -= dropped) < 0)
            {
                return Fate.DROPPED;
            }
            return r - torn < 0 ? Fate.TORN : Fate.GARBAGE;
        }

        int pickSize(final Random random)
        {
            final int r = random.nextInt(sizeKept + sizeLost + sizePartial);
            return r < sizeKept ? 0 : r < sizeKept + sizeLost ? 1 : 2;
        }
    }

    /**
     * Numbers the events of every storage sharing it, and decides when the process dies. Single-threaded.
     */
    static final class Clock
    {
        private long events;
        private long crashAt = -1;
        private boolean crashed;
        private java.util.function.LongConsumer listener;

        /**
         * @return the number of events so far (the index of the next one).
         */
        long events()
        {
            return events;
        }

        /**
         * Makes the process die during event {@code k}.
         *
         * @param k the event; negative for never.
         */
        void crashAtEvent(final long k)
        {
            crashAt = k;
        }

        /** Marks the process dead now. */
        void crashNow()
        {
            crashed = true;
        }

        boolean crashed()
        {
            return crashed;
        }

        /**
         * @param listener called with each event's index once the event took effect (a write is then pending), and
         *                 before a crash at that event is thrown; null for none.
         */
        void listener(final java.util.function.LongConsumer listener)
        {
            this.listener = listener;
        }

        void checkAlive(final String operation)
        {
            if (crashed)
            {
                throw new StorageException("simulated power loss: " + operation + " after the crash at event " +
                    crashAt);
            }
        }

        boolean crashAtThis(final long index)
        {
            return index == crashAt;
        }

        /** Starts an event: its index. */
        long begin(final String operation)
        {
            checkAlive(operation);
            return events++;
        }

        /** Ends event {@code index}: tells the listener, then dies if this is the crash event. */
        void end(final long index, final String what)
        {
            if (listener != null)
            {
                listener.accept(index);
            }
            if (index == crashAt)
            {
                crashed = true;
                throw new StorageException("simulated power loss during event " + index + " (" + what + ")");
            }
        }
    }

    private final FileStorage current;
    private final Clock clock;
    /** Writes longer than this are taken page by page (see the constructor); 0 takes every write whole. */
    private final int pageSize;
    private Path name;
    /** The smallest size truncated to since the last fsync; {@link Long#MAX_VALUE} if none. */
    private long truncatedTo = Long.MAX_VALUE;
    private final List<PendingWrite> pending = new ArrayList<>();
    private final List<Event> log = new ArrayList<>();
    private byte[] durable = new byte[0];
    /** Bytes of {@link #durable} that hold content (data forced by fdatasync may lie past {@link #durableSize}). */
    private long durableExtent;
    /** The file size the device knows (as of the last fsync). */
    private long durableSize;
    /** The size the OS shows, tracked here so that a crash image can be taken after {@link #close}. */
    private long currentSize;

    /**
     * @param file     a new or empty file to back the current state.
     * @param pageSize the database's page size: a longer write (a run of adjacent pages, {@code PageRuns}) is taken
     *                 as one write per page, each an event of its own with its own fate, as when every page had its
     *                 own write. A power loss can leave any subset of a run's pages on the device, and the process
     *                 can die while the kernel copies the run.
     */
    PowerLossStorage(final Path file, final int pageSize)
    {
        this(FileStorage.open(file), new Clock(), pageSize);
        if (currentSize != 0)
        {
            current.close();
            throw new IllegalArgumentException(file + " must be new or empty");
        }
    }

    /**
     * @param current an open file to back the current state (this storage closes it); its content is taken as
     *                durable (a file that existed before the simulated process started).
     * @param clock   the event clock, possibly shared with other storages.
     */
    PowerLossStorage(final FileStorage current, final Clock clock)
    {
        this(current, clock, 0);
    }

    private PowerLossStorage(final FileStorage current, final Clock clock, final int pageSize)
    {
        this.pageSize = pageSize;
        this.current = current;
        this.clock = clock;
        this.name = current.path();
        final long size = current.size();
        if (size > 0)
        {
            final ByteBuffer content = ByteBuffer.allocate(Math.toIntExact(size));
            current.read(content, 0);
            durable = content.array();
        }
        durableExtent = size;
        durableSize = size;
        currentSize = size;
    }

    /**
     * Gives this storage the name its file was renamed to (for messages).
     *
     * @param newName the new name.
     */
    void renamed(final Path newName)
    {
        this.name = newName;
    }

    /**
     * Makes the process die during event {@code k} (absolute, counted from construction).
     *
     * @param k the event; negative for never.
     */
    void crashAtEvent(final long k)
    {
        clock.crashAtEvent(k);
    }

    /**
     * Marks the process dead now (a crash after the last event).
     */
    void crashNow()
    {
        clock.crashNow();
    }

    boolean crashed()
    {
        return clock.crashed();
    }

    /**
     * @return the number of events so far on this storage's clock (the index of the next one).
     */
    long events()
    {
        return clock.events();
    }

    /**
     * @return the clock numbering this storage's events.
     */
    Clock clock()
    {
        return clock;
    }

    /**
     * @param i an index below {@link #pendingWrites()}.
     * @return the i-th write not yet forced, in issue order.
     */
    PendingWrite pendingWrite(final int i)
    {
        return pending.get(i);
    }

    /**
     * @return every event so far, in order.
     */
    List<Event> log()
    {
        return List.copyOf(log);
    }

    /**
     * @return how many writes are not yet forced.
     */
    int pendingWrites()
    {
        return pending.size();
    }

    @Override
    public Path path()
    {
        return name;
    }

    @Override
    public synchronized long size()
    {
        return current.size();
    }

    @Override
    public synchronized void write(final ByteBuffer src, final long position)
    {
        if (pageSize == 0 || src.remaining() <= pageSize)
        {
            writeOne(src, position);
            return;
        }
        long at = position;
        while (src.hasRemaining())
        {
            final int n = Math.min(pageSize, src.remaining());
            final ByteBuffer page = src.duplicate().limit(src.position() + n);
            writeOne(page, at); // a crash here ends the call: the rest of the run was never handed over
            src.position(src.position() + n);
            at += n;
        }
    }

    private void writeOne(final ByteBuffer src, final long position)
    {
        final long index = clock.begin("write");
        final byte[] bytes = new byte[src.remaining()];
        src.duplicate().get(bytes);
        current.write(src, position); // leaves src at its limit, as the contract says
        currentSize = Math.max(currentSize, position + bytes.length);
        pending.add(new PendingWrite(position, bytes));
        log.add(new Event(index, false, position, bytes.length, false));
        clock.end(index, "write of " + bytes.length + " bytes at " + position + " of " + path().getFileName());
    }

    @Override
    public void read(final ByteBuffer dst, final long position)
    {
        current.read(dst, position);
    }

    @Override
    public synchronized void force(final boolean metadata)
    {
        final long index = clock.begin("force");
        log.add(new Event(index, true, -1, 0, metadata));
        if (clock.crashAtThis(index))
        {
            // dies during the force: nothing more becomes durable (the outcomes cover a force that got partway)
            clock.end(index, "force of " + path().getFileName());
        }
        if (metadata && truncatedTo < durableExtent)
        {
            // The truncation becomes durable: the device forgets the bytes past it (pending writes issued before the
            // truncation were cut to it by truncate(); later ones are applied below).
            Arrays.fill(durable, (int)truncatedTo, (int)durableExtent, (byte)0);
            durableExtent = truncatedTo;
        }
        if (metadata)
        {
            truncatedTo = Long.MAX_VALUE;
        }
        for (final PendingWrite w : pending)
        {
            applyDurably(w);
        }
        pending.clear();
        if (metadata)
        {
            durableSize = currentSize;
        }
        clock.end(index, "force of " + path().getFileName());
    }

    private void applyDurably(final PendingWrite w)
    {
        final long end = w.position + w.bytes.length;
        if (end > durable.length)
        {
            durable = Arrays.copyOf(durable, (int)Math.max(end, durable.length * 2L));
        }
        System.arraycopy(w.bytes, 0, durable, (int)w.position, w.bytes.length);
        durableExtent = Math.max(durableExtent, end);
    }

    @Override
    public synchronized void truncate(final long size)
    {
        final long index = clock.begin("truncate");
        current.truncate(size);
        currentSize = Math.min(currentSize, size);
        truncatedTo = Math.min(truncatedTo, size);
        // The real file dropped bytes past size, and the page cache with them: a pending write's bytes past size can
        // never reach the device any more, so they are cut (later writes there start from zeros). Until an fsync the
        // device keeps its old bytes past size (a crash image may show them, or the old size).
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            final PendingWrite w = pending.get(i);
            if (w.position >= size)
            {
                pending.remove(i);
            }
            else if (w.position + w.bytes.length > size)
            {
                pending.set(i, new PendingWrite(w.position, Arrays.copyOf(w.bytes, (int)(size - w.position))));
            }
        }
        log.add(new Event(index, false, size, -1, false));
        clock.end(index, "truncate of " + path().getFileName() + " to " + size + " bytes");
    }

    @Override
    public MappedByteBuffer mapReadOnly(final long position, final long length)
    {
        return current.mapReadOnly(position, length);
    }

    @Override
    public void close()
    {
        current.close();
    }

    /**
     * The file a crash of the process alone would leave at this moment: the kernel still writes back every write
     * issued, so it is the durable image with every pending write applied in issue order, at the current size.
     *
     * @return the image.
     */
    byte[] processCrashImage()
    {
        return imageDropping(-1);
    }

    /**
     * The file a power loss would leave if exactly one pending write never reached the device and every other one
     * did, in issue order, at the current size: the page it was to write keeps its previous content (an older
     * version of the page, or zeros).
     *
     * @param dropped the index of the pending write lost (below {@link #pendingWrites()}), or -1 for none.
     * @return the image.
     */
    byte[] imageDropping(final int dropped)
    {
        final byte[] image = Arrays.copyOf(durable, (int)Math.max(durableExtent, currentSize));
        for (int i = 0; i < pending.size(); i++)
        {
            if (i != dropped)
            {
                final PendingWrite w = pending.get(i);
                System.arraycopy(w.bytes, 0, image, (int)w.position, w.bytes.length);
            }
        }
        return Arrays.copyOf(image, (int)currentSize);
    }

    /**
     * The file a power loss at this moment would leave: the durable image, plus each pending write independently
     * applied, dropped, torn (a random subset of its sectors applied; 512-byte or 4 KiB sectors, chosen per image) or replaced by garbage, applied in
     * a random order. If the size changed since the last fsync, the new size is kept, lost (the durable size) or
     * partly kept (a random sector boundary in between). Does not change this storage; call it as often as
     * wanted with different seeds.
     *
     * @param random the outcomes.
     * @param fates  if not null, receives the fate of each pending write (in issue order).
     * @return the image.
     */
    byte[] crashImage(final Random random, final List<Fate> fates)
    {
        return crashImage(random, fates, FateMix.UNIFORM);
    }

    /**
     * Like {@link #crashImage(Random, List)}, with the fates and size outcomes drawn from {@code mix}
     * ({@link FateMix#UNIFORM} draws exactly as {@link #crashImage(Random, List)} does).
     *
     * @param random the outcomes.
     * @param fates  if not null, receives the fate of each pending write (in issue order).
     * @param mix    how likely each outcome is.
     * @return the image.
     */
    byte[] crashImage(final Random random, final List<Fate> fates, final FateMix mix)
    {
        long length;
        if (currentSize == durableSize)
        {
            length = currentSize;
        }
        else
        {
            final long low = Math.min(currentSize, durableSize);
            final long high = Math.max(currentSize, durableSize);
            switch (mix.pickSize(random))
            {
                case 0 -> length = currentSize;
                case 1 -> length = durableSize;
                default -> {
                    final long sectors = (high - low) / SECTOR;
                    length = low + (sectors == 0 ? 0 : (long)random.nextInt((int)sectors + 1) * SECTOR);
                    length = Math.min(length, high);
                }
            }
        }
        long extent = Math.max(durableExtent, length);
        for (final PendingWrite w : pending)
        {
            extent = Math.max(extent, w.position + w.bytes.length);
        }
        final byte[] image = Arrays.copyOf(durable, (int)extent); // zeros past the durable content
        final Fate[] chosen = new Fate[pending.size()];
        for (int i = 0; i < chosen.length; i++)
        {
            chosen[i] = mix.pick(random);
        }
        final int sector = random.nextBoolean() ? 512 : 4096;
        final int[] order = new int[pending.size()];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        for (int i = mix.inOrder() ? 0 : order.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (final int i : order)
        {
            final PendingWrite w = pending.get(i);
            final int at = (int)w.position;
            switch (chosen[i])
            {
                case APPLIED -> System.arraycopy(w.bytes, 0, image, at, w.bytes.length);
                case DROPPED ->
                    {
                    }
                case TORN -> {
                    // Sectors of the file the write covers; each reaches the device or not.
                    long sectorStart = (w.position / sector) * sector;
                    final long end = w.position + w.bytes.length;
                    while (sectorStart < end)
                    {
                        final long from = Math.max(sectorStart, w.position);
                        final long to = Math.min(sectorStart + sector, end);
                        if (random.nextBoolean())
                        {
                            System.arraycopy(w.bytes, (int)(from - w.position), image, (int)from, (int)(to - from));
                        }
                        sectorStart += sector;
                    }
                }
                case GARBAGE -> {
                    final byte[] garbage = new byte[w.bytes.length];
                    random.nextBytes(garbage);
                    System.arraycopy(garbage, 0, image, at, garbage.length);
                }
            }
        }
        if (fates != null)
        {
            fates.addAll(Arrays.asList(chosen));
        }
        return Arrays.copyOf(image, (int)length);
    }
}
