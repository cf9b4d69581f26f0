package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.Limits;
import dev.cambium.NoSuchRevisionException;
import dev.cambium.NotADatabaseException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the meta a database opens at: the valid meta with the highest revision.
 *
 * <p>Meta page 0 is at offset 0; meta page 1 is at offset {@code pageSize}, and the page size is only known from
 * a valid meta. So: if page 0 is valid, its page size says where page 1 is. If page 0 is invalid, page 1 is probed
 * at every power of two from 512 to 65536, and a record is accepted only if its own page size equals the offset
 * it was found at. Meta bytes are read with {@link Storage#read}, never through a mapping, so a file shorter than
 * it claims cannot crash the JVM.
 *
 * <p>Called once, by the thread opening the database, before any other thread can see it.
 */
public final class MetaSelector
{
    private MetaSelector()
    {
    }

    /**
     * The outcome of {@link #select}.
     *
     * @param meta       the meta the database opens at.
     * @param chosenSlot the slot it came from.
     * @param slot0      the candidate read from meta page 0.
     * @param slot1      the candidate accepted or, failing that, the most telling one rejected for meta page 1.
     * @param requested  true if the caller named the revision to open at.
     */
    public record Selection(
        Meta meta, int chosenSlot, MetaCodec.Candidate slot0, MetaCodec.Candidate slot1, boolean requested)
    {
        /**
         * @return true if both meta pages were valid; when false, the caller should log {@link #describe()}
         * as a warning (the database opened from the surviving meta, possibly at an older revision).
         */
        public boolean bothValid()
        {
            return slot0.valid() && slot1.valid();
        }

        /**
         * @return the candidate of the chosen slot.
         */
        public MetaCodec.Candidate chosen()
        {
            return chosenSlot == 0 ? slot0 : slot1;
        }

        /**
         * @return the valid meta of the other slot if it is newer than the chosen one (possible only when the
         * revision was requested), else null. The first commit discards it.
         */
        public MetaCodec.Candidate newer()
        {
            final MetaCodec.Candidate other = chosenSlot == 0 ? slot1 : slot0;
            return other.valid() && other.meta().revision() > meta.revision() ? other : null;
        }

        /**
         * @return a one-line description of both slots, for a log message.
         */
        public String describe()
        {
            return "opened at " + (requested ? "the requested " : "") + "revision " + meta.revision() +
                " from meta page " + chosenSlot + "; " + detail(slot0, slot1);
        }
    }

    /**
     * What both meta slots of a non-empty file hold; see {@link #inspect}. {@code listsChecked} has bit s set once
     * slot s's candidate is the result of checking its page list ({@link #complete}), so no list is read twice.
     */
    private record Slots(
        MetaCodec.Candidate slot0, MetaCodec.Candidate slot1, List<MetaCodec.Candidate> probes, int listsChecked)
    {
        /** These slots with slot {@code slot}'s candidate replaced by the result of checking its page list. */
        Slots listChecked(final int slot, final MetaCodec.Candidate result)
        {
            return new Slots(slot == 0 ? result : slot0, slot == 1 ? result : slot1, probes,
                listsChecked | 1 << slot);
        }

        boolean isListChecked(final int slot)
        {
            return (listsChecked & 1 << slot) != 0;
        }

        List<Meta> valid()
        {
            final List<Meta> metas = new ArrayList<>(2);
            if (slot0.valid())
            {
                metas.add(slot0.meta());
            }
            if (slot1.valid() && !(slot0.valid() && slot0.meta().revision() == slot1.meta().revision()))
            {
                metas.add(slot1.meta());
            }
            metas.sort((a, b) -> Long.compare(b.revision(), a.revision()));
            return metas;
        }

        /** The selection of the slot holding a valid meta of {@code revision} (slot 0 first), or null if none. */
        Selection at(final long revision, final boolean requested)
        {
            if (slot0.valid() && slot0.meta().revision() == revision)
            {
                return new Selection(slot0.meta(), 0, slot0, slot1, requested);
            }
            if (slot1.valid() && slot1.meta().revision() == revision)
            {
                return new Selection(slot1.meta(), 1, slot0, slot1, requested);
            }
            return null;
        }

        String detail()
        {
            return MetaSelector.detail(slot0, slot1);
        }
    }

    private static String detail(final MetaCodec.Candidate slot0, final MetaCodec.Candidate slot1)
    {
        return "meta page 0: " + status(slot0) + "; meta page 1: " + status(slot1);
    }

    /**
     * Selects the meta of a non-empty file. An empty file is not a database yet: the caller creates it instead.
     *
     * @param storage the file.
     * @return the selection.
     * @throws NotADatabaseException     if the file is shorter than 512 bytes, or no candidate has the magic, or
     *                                   every intact candidate has an unsupported format version.
     * @throws CorruptDatabaseException  if a magic was found but neither meta page is valid.
     * @throws IllegalArgumentException  if the file is empty.
     */
    public static Selection select(final Storage storage)
    {
        final Slots slots = inspect(storage);
        final List<Meta> valid = slots.valid();
        if (valid.isEmpty())
        {
            throw noValidMeta(storage, slots);
        }
        // The newest; ties happen only for the two revision-0 metas of a new file, where slot 0 is taken.
        return slots.at(valid.get(0).revision(), false);
    }

    /**
     * Selects the meta of a named revision (recovery: open at the older of the two revisions a file keeps).
     *
     * @param storage  the file; not empty.
     * @param revision the revision wanted.
     * @return the selection.
     * @throws NoSuchRevisionException   if neither meta page holds a valid meta for {@code revision}; the
     *                                   message and {@link NoSuchRevisionException#availableRevisions()} list the
     *                                   revisions the file holds.
     * @throws NotADatabaseException     as {@link #select(Storage)}.
     * @throws IllegalArgumentException  if the file is empty.
     */
    public static Selection select(final Storage storage, final long revision)
    {
        final Slots slots = inspect(storage);
        final Selection selection = slots.at(revision, true);
        if (selection != null)
        {
            // The open checked the newest valid meta's list already (and the other one's if the newest failed).
            final MetaCodec.Candidate verified = slots.isListChecked(selection.chosenSlot())
                ? selection.chosen()
                : complete(storage, selection.chosen(), storage.size());
            if (!verified.valid())
            {
                throw new NoSuchRevisionException(storage.path() + ": the meta page of revision " + revision +
                    " is not usable: " + verified.problem(), slots.valid().stream().map(Meta::revision).toList());
            }
            return selection;
        }
        final List<Meta> valid = slots.valid();
        if (valid.isEmpty())
        {
            throw noValidMeta(storage, slots);
        }
        throw new NoSuchRevisionException(storage.path() + " holds no valid meta page for revision " + revision +
            "; it holds revision" + (valid.size() == 1 ? " " : "s ") + revisionList(valid) + " (" + slots.detail() +
            ")", valid.stream().map(Meta::revision).toList());
    }

    /**
     * The valid metas of a non-empty file, newest first: at most two, one per meta page (one if both hold the
     * same revision, as in a new file). Reads only; usable on a file another process has open.
     *
     * @param storage the file; not empty.
     * @return the valid metas, possibly none.
     * @throws NotADatabaseException if the file is shorter than 512 bytes or no candidate has the magic.
     */
    public static List<Meta> validMetas(final Storage storage)
    {
        final Slots slots = inspect(storage);
        final List<Meta> valid = slots.valid();
        if (valid.isEmpty() && !anyMagic(slots))
        {
            throw noValidMeta(storage, slots);
        }
        return valid;
    }

    /**
     * {@link #validMetas(Storage)} of a file opened read-only, without a lock: for listing the revisions of a file
     * that may be open elsewhere (a commit racing with the read can only make a meta look invalid, never invent
     * one, thanks to its checksum). It opens and closes a channel of the database file only, never of its lock file,
     * so it cannot release the lock of a {@code Database} open in this JVM ({@link DatabaseLock}). Any thread.
     *
     * @param file the database file.
     * @return the valid metas, newest first; empty for an empty file or one whose meta pages are both damaged.
     * @throws NotADatabaseException if the file is not a regular file, or is not a Cambium database.
     * @throws dev.cambium.StorageException if the file cannot be opened or read.
     */
    public static List<Meta> validMetas(final Path file)
    {
        final FileStorage storage = FileStorage.openReadOnly(file);
        try
        {
            return storage.size() == 0 ? List.of() : validMetas(storage);
        }
        finally
        {
            storage.close();
        }
    }

    private static String revisionList(final List<Meta> metas)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Meta m : metas)
        {
            sb.append(sb.length() == 0 ? "" : " and ").append(m.revision());
        }
        return sb.toString();
    }

    private static Slots inspect(final Storage storage)
    {
        final long length = storage.size();
        if (length == 0)
        {
            throw new IllegalArgumentException(storage.path() + " is empty: create a database instead");
        }
        if (length < Limits.MIN_PAGE_SIZE)
        {
            throw new NotADatabaseException(storage.path() + " is not a Cambium database: it is only " + length +
                " bytes, shorter than the smallest page (" + Limits.MIN_PAGE_SIZE + ")");
        }

        final ByteBuffer record = ByteBuffer.allocate(MetaCodec.RECORD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        final MetaCodec.Candidate slot0 = readCandidate(storage, record, 0, 0, length);

        final List<MetaCodec.Candidate> probes = new ArrayList<>();
        MetaCodec.Candidate slot1 = null;
        if (slot0.valid())
        {
            slot1 = readCandidate(storage, record, 1, slot0.meta().pageSize(), length);
            probes.add(slot1);
        }
        else
        {
            for (long offset = Limits.MIN_PAGE_SIZE; offset <= Limits.MAX_PAGE_SIZE; offset <<= 1)
            {
                final MetaCodec.Candidate probe = readCandidate(storage, record, 1, offset, length);
                probes.add(probe);
                // Only one offset can be the real page 1; if several validate (an old file's meta inside a data
                // page cannot: its type byte would be 'C'), the newest is the best guess.
                if (probe.valid() && (slot1 == null || !slot1.valid() ||
                    probe.meta().revision() > slot1.meta().revision()))
                {
                    slot1 = probe;
                }
            }
            if (slot1 == null || !slot1.valid())
            {
                slot1 = mostTelling(probes);
            }
        }
        return complete(storage, new Slots(slot0, slot1, probes, 0), length);
    }

    /**
     * Checks the page list of the newest valid meta, and of the other one if the newest fails: the open needs one
     * complete revision, and an older meta's list may legitimately fail once a commit after it reused its pages.
     */
    private static Slots complete(final Storage storage, final Slots slots, final long length)
    {
        Slots checked = slots;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            final List<Meta> valid = checked.valid();
            if (valid.isEmpty())
            {
                return checked;
            }
            final Selection newest = checked.at(valid.get(0).revision(), false);
            final MetaCodec.Candidate verified = complete(storage, newest.chosen(), length);
            checked = checked.listChecked(newest.chosenSlot(), verified);
            if (verified.valid())
            {
                return checked;
            }
        }
        return checked;
    }

    private static boolean anyMagic(final Slots slots)
    {
        boolean magic = slots.slot0().magicFound();
        for (final MetaCodec.Candidate probe : slots.probes())
        {
            magic |= probe.magicFound();
        }
        return magic;
    }

    private static RuntimeException noValidMeta(final Storage storage, final Slots slots)
    {
        final MetaCodec.Candidate slot0 = slots.slot0();
        boolean onlyVersion = slot0.magicFound() ? slot0.unsupportedVersion() : true;
        for (final MetaCodec.Candidate probe : slots.probes())
        {
            if (probe.magicFound())
            {
                onlyVersion &= probe.unsupportedVersion();
            }
        }
        final String detail = slots.detail();
        if (!anyMagic(slots))
        {
            return new NotADatabaseException(storage.path() + " is not a Cambium database (no meta page magic; " +
                detail + ")");
        }
        if (onlyVersion)
        {
            // Name what to do first (for format 1: dump and load), then the slots.
            String why = slot0.unsupportedVersion() ? slot0.problem() : null;
            for (final MetaCodec.Candidate probe : slots.probes())
            {
                why = why == null && probe.unsupportedVersion() ? probe.problem() : why;
            }
            return new NotADatabaseException(storage.path() + ": " + why + " (" + detail + ")");
        }
        return new CorruptDatabaseException(storage.path() + ": both meta pages are damaged: " + detail);
    }

    private static MetaCodec.Candidate readCandidate(
        final Storage storage, final ByteBuffer record, final int slot, final long offset, final long length)
    {
        if (offset + MetaCodec.RECORD_LENGTH > length)
        {
            return MetaCodec.Candidate.rejected(slot, offset, false,
                "the file (" + length + " bytes) ends before offset " + (offset + MetaCodec.RECORD_LENGTH));
        }
        record.clear();
        storage.read(record, offset);
        return MetaCodec.decode(record, slot, offset, length);
    }

    /**
     * A valid meta whose page lists unforced pages ({@link MetaCodec}, "The page list") stays valid only if every
     * listed page holds what its commit wrote: else a power loss cut the commit short, before its one force
     * returned, and the commit was never acknowledged.
     */
    private static MetaCodec.Candidate complete(
        final Storage storage, final MetaCodec.Candidate candidate, final long length)
    {
        if (!candidate.valid() || candidate.listed() == 0)
        {
            return candidate;
        }
        final int pageSize = candidate.meta().pageSize();
        if (candidate.offset() + pageSize > length)
        {
            return candidate.incomplete("the file ends inside its page list: its commit did not complete");
        }
        final ByteBuffer page = ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
        storage.read(page, candidate.offset());
        if (MetaCodec.listChecksum(page, candidate.listed()) != candidate.listChecksum())
        {
            return candidate.incomplete("its page list does not match its checksum: its commit did not complete");
        }
        final ByteBuffer data = ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < candidate.listed(); i++)
        {
            final int at = MetaCodec.LIST_OFFSET + i * MetaCodec.LIST_ENTRY_LENGTH;
            final long id = page.getLong(at);
            final int checksum = page.getInt(at + 8);
            if (id < Meta.FIRST_DATA_PAGE || id > (length >>> Integer.numberOfTrailingZeros(pageSize)) - 1)
            {
                return candidate.incomplete("page " + id + " of its page list is not in the file (" + length +
                    " bytes): its commit did not complete");
            }
            data.clear();
            storage.read(data, id * pageSize);
            if (PageChecksum.stored(data, 0) != checksum || PageChecksum.compute(data, 0, pageSize) != checksum)
            {
                return candidate.incomplete("page " + id + " does not hold what its commit wrote (checksum " +
                    String.format("%08x", checksum) + "): the commit did not complete, or a later one reused the page");
            }
        }
        return candidate;
    }

    /** When probing found nothing valid, report a probe that had the magic, if any, since it explains more. */
    private static MetaCodec.Candidate mostTelling(final List<MetaCodec.Candidate> probes)
    {
        for (final MetaCodec.Candidate probe : probes)
        {
            if (probe.magicFound())
            {
                return probe;
            }
        }
        return probes.get(0);
    }

    private static String status(final MetaCodec.Candidate candidate)
    {
        if (candidate.valid())
        {
            return "valid, revision " + candidate.meta().revision();
        }
        return "invalid at offset " + candidate.offset() + " (" + candidate.problem() + ")";
    }
}
