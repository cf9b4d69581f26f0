package dev.cambium.engine.store;

import dev.cambium.CorruptDatabaseException;
import dev.cambium.Limits;
import dev.cambium.NotADatabaseException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
     */
    public record Selection(Meta meta, int chosenSlot, MetaCodec.Candidate slot0, MetaCodec.Candidate slot1)
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
         * @return a one-line description of both slots, for a log message.
         */
        public String describe()
        {
            return "opened at revision " + meta.revision() + " from meta page " + chosenSlot + "; meta page 0: " +
                status(slot0) + "; meta page 1: " + status(slot1);
        }
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

        if (slot0.valid() && slot1.valid())
        {
            // Ties happen only for the two revision-0 metas of a new file; either will do, prefer slot 0.
            final boolean pick1 = slot1.meta().revision() > slot0.meta().revision();
            return new Selection(pick1 ? slot1.meta() : slot0.meta(), pick1 ? 1 : 0, slot0, slot1);
        }
        if (slot0.valid())
        {
            return new Selection(slot0.meta(), 0, slot0, slot1);
        }
        if (slot1.valid())
        {
            return new Selection(slot1.meta(), 1, slot0, slot1);
        }

        boolean magic = slot0.magicFound();
        boolean onlyVersion = slot0.magicFound() ? slot0.unsupportedVersion() : true;
        for (final MetaCodec.Candidate probe : probes)
        {
            if (probe.magicFound())
            {
                magic = true;
                onlyVersion &= probe.unsupportedVersion();
            }
        }
        final String detail = "meta page 0: " + status(slot0) + "; meta page 1: " + status(slot1);
        if (!magic)
        {
            throw new NotADatabaseException(storage.path() + " is not a Cambium database (no meta page magic; " +
                detail + ")");
        }
        if (onlyVersion)
        {
            throw new NotADatabaseException(storage.path() + " has an unsupported format version: " + detail);
        }
        throw new CorruptDatabaseException(storage.path() + ": both meta pages are damaged: " + detail);
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
