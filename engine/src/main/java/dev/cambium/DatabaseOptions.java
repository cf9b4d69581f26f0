package dev.cambium;

import dev.cambium.engine.InternalOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a database is opened. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * DatabaseOptions options = DatabaseOptions.builder()
 *     .pageSize(8192)                 // only used when the file is created
 *     .durability(Durability.SYNC)
 *     .maxReadTransactionAge(Duration.ofMinutes(5))   // warn about forgotten readers
 *     .build();
 * }</pre>
 */
public final class DatabaseOptions
{
    static
    {
        // Settings that are not API (measurements only) are reached through the engine's internal package.
        InternalOptions.install(new InternalOptions.Access()
        {
            @Override
            public boolean oldestReaderReuse(final DatabaseOptions options)
            {
                return options.oldestReaderReuse;
            }

            @Override
            public void oldestReaderReuse(final Builder builder, final boolean oldestReader)
            {
                builder.oldestReaderReuse = oldestReader;
            }

            @Override
            public Duration cleanerWait(final DatabaseOptions options)
            {
                return options.cleanerWait;
            }

            @Override
            public void cleanerWait(final Builder builder, final Duration wait)
            {
                builder.cleanerWait = wait;
            }
        });
    }

    /** The options used by {@link Database#open(java.nio.file.Path)}. */
    public static final DatabaseOptions DEFAULTS = builder().build();

    private final int pageSize;
    private final Durability durability;
    private final PageVerification pageVerification;
    private final long mapSegmentSize;
    private final long minGrowth;
    private final long maxGrowth;
    private final boolean backgroundCleaner;
    private final boolean checkEveryCommit;
    private final boolean oldestReaderReuse;
    private final Duration cleanerWait;
    private final Duration maxReadTransactionAge;
    private final boolean trackReadTransactionOrigins;
    private final long openRevision;
    private final boolean registerMBean;
    private final boolean mappedWrites;

    private DatabaseOptions(final Builder b)
    {
        this.pageSize = b.pageSize;
        this.durability = b.durability;
        this.pageVerification = b.pageVerification;
        this.mapSegmentSize = b.mapSegmentSize;
        this.minGrowth = b.minGrowth;
        this.maxGrowth = b.maxGrowth;
        this.backgroundCleaner = b.backgroundCleaner;
        this.checkEveryCommit = b.checkEveryCommit;
        this.oldestReaderReuse = b.oldestReaderReuse;
        this.cleanerWait = b.cleanerWait;
        this.maxReadTransactionAge = b.maxReadTransactionAge;
        this.trackReadTransactionOrigins = b.trackReadTransactionOrigins;
        this.openRevision = b.openRevision;
        this.registerMBean = b.registerMBean;
        this.mappedWrites = b.mappedWrites;
    }

    /**
     * @return a builder with the default settings.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return a builder initialised from these options.
     */
    public Builder toBuilder()
    {
        final Builder b = new Builder();
        b.pageSize = pageSize;
        b.durability = durability;
        b.pageVerification = pageVerification;
        b.mapSegmentSize = mapSegmentSize;
        b.minGrowth = minGrowth;
        b.maxGrowth = maxGrowth;
        b.backgroundCleaner = backgroundCleaner;
        b.checkEveryCommit = checkEveryCommit;
        b.oldestReaderReuse = oldestReaderReuse;
        b.cleanerWait = cleanerWait;
        b.maxReadTransactionAge = maxReadTransactionAge;
        b.trackReadTransactionOrigins = trackReadTransactionOrigins;
        b.openRevision = openRevision;
        b.registerMBean = registerMBean;
        b.mappedWrites = mappedWrites;
        return b;
    }

    /**
     * @return the page size for a new file; an existing file keeps the page size it was created with.
     */
    public int pageSize()
    {
        return pageSize;
    }

    /**
     * @return what a returned commit promises.
     */
    public Durability durability()
    {
        return durability;
    }

    /**
     * @return when page checksums are verified on read.
     */
    public PageVerification pageVerification()
    {
        return pageVerification;
    }

    /**
     * @return the size of one memory mapping of the file, a multiple of the page size.
     */
    public long mapSegmentSize()
    {
        return mapSegmentSize;
    }

    /**
     * @return the least number of bytes by which the file grows when a commit needs more pages.
     */
    public long minGrowth()
    {
        return minGrowth;
    }

    /**
     * @return the most number of bytes by which the file grows ahead of need (growth is a quarter of
     * the file size, clamped to [{@link #minGrowth()}, this]).
     */
    public long maxGrowth()
    {
        return maxGrowth;
    }

    /**
     * @return true (default) if a background thread retires revisions and reclaims pages; false if the
     * application calls {@link Database#runCleaner()} itself.
     */
    public boolean backgroundCleaner()
    {
        return backgroundCleaner;
    }

    /**
     * @return true if every commit is followed by {@link Database#check()} (strict mode).
     * @see Builder#checkEveryCommit(boolean)
     */
    public boolean checkEveryCommit()
    {
        return checkEveryCommit;
    }

    /**
     * @return the age after which an open read transaction is reported as probably forgotten, or
     * {@code null} if ages are not checked (the default).
     * @see Database#checkReadTransactions()
     */
    public Duration maxReadTransactionAge()
    {
        return maxReadTransactionAge;
    }

    /**
     * @return true if beginning a read transaction records where it was opened, for warnings about
     * forgotten read transactions; true whenever {@link #maxReadTransactionAge()} is set.
     */
    public boolean trackReadTransactionOrigins()
    {
        return trackReadTransactionOrigins || maxReadTransactionAge != null;
    }

    /**
     * @return the revision to open the database at, or empty (the default) to open at the newest valid one.
     * @see Builder#openRevision(long)
     */
    public OptionalLong openRevision()
    {
        return openRevision < 0 ? OptionalLong.empty() : OptionalLong.of(openRevision);
    }

    /**
     * @return true (the default) if the open database registers a {@link DatabaseMXBean} with the platform MBean
     * server.
     * @see Builder#registerMBean(boolean)
     */
    public boolean registerMBean()
    {
        return registerMBean;
    }

    /**
     * @return true if pages are written through a read-write mapping of the file (Linux), false (the default) if
     * with positional writes.
     * @see Builder#mappedWrites(boolean)
     */
    public boolean mappedWrites()
    {
        return mappedWrites;
    }

    @Override
    public String toString()
    {
        return "DatabaseOptions{pageSize=" + pageSize + ", durability=" + durability +
            ", pageVerification=" + pageVerification + ", mapSegmentSize=" + mapSegmentSize +
            ", minGrowth=" + minGrowth + ", maxGrowth=" + maxGrowth + ", backgroundCleaner=" + backgroundCleaner +
            ", checkEveryCommit=" + checkEveryCommit + (oldestReaderReuse ? ", oldestReaderReuse=true" : "") +
            ", maxReadTransactionAge=" + maxReadTransactionAge +
            ", trackReadTransactionOrigins=" + trackReadTransactionOrigins() +
            (openRevision < 0 ? "" : ", openRevision=" + openRevision) +
            (registerMBean ? "" : ", registerMBean=false") + (mappedWrites ? ", mappedWrites=true" : "") + '}';
    }

    /**
     * Builds {@link DatabaseOptions}; every setter validates its argument at once.
     */
    public static final class Builder
    {
        private int pageSize = Limits.DEFAULT_PAGE_SIZE;
        private Durability durability = Durability.SYNC;
        private PageVerification pageVerification = PageVerification.FIRST_READ;
        private long mapSegmentSize = 1L << 30;
        private long minGrowth = 1L << 20;
        private long maxGrowth = 64L << 20;
        private boolean backgroundCleaner = true;
        private boolean checkEveryCommit;
        private boolean oldestReaderReuse;
        private Duration cleanerWait = InternalOptions.DEFAULT_CLEANER_WAIT;
        private Duration maxReadTransactionAge;
        private boolean trackReadTransactionOrigins;
        private long openRevision = -1;
        private boolean registerMBean = true;
        private boolean mappedWrites;

        private Builder()
        {
        }

        /**
         * @param pageSize a power of two from 512 to 65536; used only when the file is created.
         * @return this.
         */
        public Builder pageSize(final int pageSize)
        {
            if (pageSize < Limits.MIN_PAGE_SIZE || pageSize > Limits.MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1)
            {
                throw new IllegalArgumentException(
                    "pageSize must be a power of two from 512 to 65536, was " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /**
         * @param durability what a returned commit promises.
         * @return this.
         */
        public Builder durability(final Durability durability)
        {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * @param pageVerification when page checksums are verified.
         * @return this.
         */
        public Builder pageVerification(final PageVerification pageVerification)
        {
            this.pageVerification = Objects.requireNonNull(pageVerification, "pageVerification");
            return this;
        }

        /**
         * @param bytes size of one mapping, a power of two from 64 KiB to 1 GiB (a multiple of every
         *              page size). Small values are for tests of segment boundaries.
         * @return this.
         */
        public Builder mapSegmentSize(final long bytes)
        {
            if (bytes < 65536 || bytes > (1L << 30) || Long.bitCount(bytes) != 1)
            {
                throw new IllegalArgumentException(
                    "mapSegmentSize must be a power of two from 64 KiB to 1 GiB, was " + bytes);
            }
            this.mapSegmentSize = bytes;
            return this;
        }

        /**
         * @param minGrowth the least growth of the file, in bytes (at least one page, at most maxGrowth).
         * @param maxGrowth the most growth of the file ahead of need, in bytes.
         * @return this.
         */
        public Builder growth(final long minGrowth, final long maxGrowth)
        {
            if (minGrowth < 1 || maxGrowth < minGrowth)
            {
                throw new IllegalArgumentException(
                    "growth needs 1 <= minGrowth <= maxGrowth, was " + minGrowth + ", " + maxGrowth);
            }
            this.minGrowth = minGrowth;
            this.maxGrowth = maxGrowth;
            return this;
        }

        /**
         * @param background true (default) to reclaim on a background thread; false to reclaim only
         *                   when the application calls {@link Database#runCleaner()} (deterministic
         *                   tests, or control over when the work happens). With false and no calls,
         *                   obsolete pages are reused only after a reopen.
         * @return this.
         */
        public Builder backgroundCleaner(final boolean background)
        {
            this.backgroundCleaner = background;
            return this;
        }

        /**
         * Strict mode: after every commit, while still holding the write gate, run {@link Database#check()} and
         * throw {@link CorruptDatabaseException} listing the problems if it finds any. Supported, as a diagnostic:
         * for an application's own tests, and for chasing suspected damage in production, since it names the first
         * commit after which the file is unsound. Costs O(pages of every live revision) per commit, with writers
         * kept out meanwhile: only for small databases or for a while.
         *
         * <p>When the check fails, the commit it followed is already durable and published (readers see it); the
         * exception comes from {@code commit()}, and the database then refuses writes ({@link StorageException})
         * until it is reopened, as after any commit that fails once its meta page is written. Reads go on.
         *
         * @param check true to check after every commit.
         * @return this.
         */
        public Builder checkEveryCommit(final boolean check)
        {
            this.checkEveryCommit = check;
            return this;
        }

        /**
         * Enables warnings about forgotten read transactions: a read transaction open for longer than
         * {@code maxAge} is logged once, at {@code WARNING} through {@link System.Logger}, with the stack
         * trace of where it was opened (this also turns on
         * {@link #trackReadTransactionOrigins(boolean) origin tracking}). Ages are checked about once a
         * second by the cleaner's thread (or by each {@link Database#runCleaner()} call without a
         * background cleaner, at most once a second), and on every {@link Database#stats()} and
         * {@link Database#checkReadTransactions()}. Default: not checked.
         *
         * @param maxAge the age after which an open read transaction is reported; positive.
         * @return this.
         * @throws NullPointerException     if {@code maxAge} is null.
         * @throws IllegalArgumentException if {@code maxAge} is zero or negative.
         */
        public Builder maxReadTransactionAge(final Duration maxAge)
        {
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isZero() || maxAge.isNegative())
            {
                throw new IllegalArgumentException("maxReadTransactionAge must be positive, was " + maxAge);
            }
            this.maxReadTransactionAge = maxAge;
            return this;
        }

        /**
         * Whether beginning a read transaction records its stack trace, so that warnings about a read
         * transaction left open too long, or released by the garbage collector without
         * {@link ReadTransaction#close()}, say where it was opened. Costs a stack walk per read
         * transaction; off by default, and implied by {@link #maxReadTransactionAge(Duration)}.
         *
         * @param track true to record where each read transaction is opened.
         * @return this.
         */
        public Builder trackReadTransactionOrigins(final boolean track)
        {
            this.trackReadTransactionOrigins = track;
            return this;
        }

        /**
         * Opens the database at a named revision instead of the newest, for recovery. A file keeps the meta pages
         * of its last two commits, revisions R and R - 1 (see {@link Database#revisions(java.nio.file.Path)}). If
         * the newest meta page is damaged, a plain open already falls back to the other one; this option is for a
         * newest revision whose meta page is intact but whose data is not ({@link Database#check()} or a read
         * reports damage), or to undo the last commit.
         *
         * <ul>
         *     <li>The file must exist and hold a valid meta page for {@code revision}; otherwise the open throws
         *     {@link NoSuchRevisionException}, which lists the revisions the file holds. A missing or empty file
         *     is not created.</li>
         *     <li>Opening changes nothing in the file. Transactions see {@code revision} as the newest; every page
         *     that revision does not use (those written only by a newer revision among them) is free space. Close
         *     without committing and a plain open finds the newer revision again.</li>
         *     <li>The first commit discards the newer revision: before it writes any page, it erases the newer
         *     meta page and forces that to the device, so that a crash during the commit cannot leave a valid meta
         *     pointing at pages the commit overwrote. The commit then gets revision {@code revision + 1}, the
         *     discarded revision's number, and its meta page.</li>
         * </ul>
         *
         * @param revision the revision to open at, {@code >= 0}.
         * @return this.
         * @throws IllegalArgumentException if {@code revision} is negative.
         */
        public Builder openRevision(final long revision)
        {
            if (revision < 0)
            {
                throw new IllegalArgumentException("revision must not be negative, was " + revision);
            }
            this.openRevision = revision;
            return this;
        }

        /**
         * Undoes {@link #openRevision(long)}: open at the newest valid revision (the default).
         *
         * @return this.
         */
        public Builder openNewestRevision()
        {
            this.openRevision = -1;
            return this;
        }

        /**
         * Whether the open database registers a {@link DatabaseMXBean} named
         * {@code dev.cambium:type=Database,name=<absolute path>} with the platform MBean server (unregistered at
         * close). Default: true. Turn it off for many short-lived databases, or where JMX is not wanted.
         *
         * @param register false to register no MBean.
         * @return this.
         */
        public Builder registerMBean(final boolean register)
        {
            this.registerMBean = register;
            return this;
        }

        /**
         * Whether a commit writes its pages by copying them into a read-write mapping of the file instead of one
         * {@code pwrite} per page. Only on Linux (elsewhere the option changes nothing), and only inside the file:
         * growing it stays a positional write, as do the meta pages' writes. Durability is unchanged: the commit's forces ({@code fdatasync},
         * {@code fsync}) write back pages changed through a mapping as they do pages changed by {@code pwrite}, in
         * the same order. Readers keep their read-only mappings.
         *
         * <p>Faster where a {@code pwrite} into the page cache is costly (Linux 6.x with large folios: several
         * microseconds a page, against the cost of the copy). The costs: a page written that is not in memory is
         * first read from disk (a positional write of a whole page is not); and a file system that cannot back a
         * mapped page (out of space on a copy-on-write file system such as btrfs, or an I/O error reading the page
         * in) is not reported where it happens. The JVM turns the fault into an {@link InternalError}, but (measured on
         * Java 17, interpreted and JIT-compiled) it returns from the copy as if it had worked and raises the error at
         * some later point of the writer thread, as {@link java.nio.MappedByteBuffer} allows ("at some later time"):
         * possibly after the commit has returned, with a page in the file that does not hold what the commit wrote.
         * Positional writes report such a failure in the commit that made it. Use this option only on a file system
         * that does not copy on write, on a device you trust, and measure it. Default: false.
         *
         * @param mapped true to write pages through a mapping.
         * @return this.
         */
        public Builder mappedWrites(final boolean mapped)
        {
            this.mappedWrites = mapped;
            return this;
        }

        /**
         * @return the options.
         */
        public DatabaseOptions build()
        {
            return new DatabaseOptions(this);
        }
    }
}
