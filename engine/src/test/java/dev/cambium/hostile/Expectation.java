package dev.cambium.hostile;

import dev.cambium.engine.store.MetaCodec;

import java.util.BitSet;

/**
 * What a damaged file must read as, derived from where its bytes differ from the intact file (not from the
 * kind of damage, so every generator is judged by the same rules):
 *
 * <ul>
 *     <li>an empty file opens as a new, empty database;</li>
 *     <li>if the newest revision's meta record is unchanged and the file still holds its high-water mark, the
 *     file must read as the newest revision when no page that revision uses changed, else fail with a
 *     CambiumException (every page a revision uses is read by the full read and checksummed);</li>
 *     <li>otherwise the same for the previous revision;</li>
 *     <li>otherwise (no valid meta left) it must fail with a CambiumException.</li>
 * </ul>
 *
 * A change whose checksum was recomputed ("restamped") in a page or meta record that the chosen revision uses
 * is indistinguishable from real content: then anything but a crash, a hang or an unchecked exception is
 * accepted ({@link #LENIENT}), unless the change left a leaf no reader may accept (a slot or a cell length
 * outside the page, {@link Damages.Case#invalid()}): then reading it must fail like any damage.
 */
enum Expectation
{
    NEWEST, PREVIOUS, EMPTY_NEW, ERROR, LENIENT;

    static Expectation of(final CorpusDatabase db, final Damages.Case c)
    {
        final byte[] orig = db.image;
        final byte[] image = c.image();
        if (image.length == 0)
        {
            return EMPTY_NEW;
        }
        final int p = db.pageSize;
        final BitSet changedPages = new BitSet();
        final int common = Math.min(orig.length, image.length);
        for (int i = 0; i < common; i++)
        {
            if (orig[i] != image[i])
            {
                changedPages.set(i / p);
                i = (i / p + 1) * p - 1; // on to the next page
            }
        }
        if (c.restampedPage() == 0 || c.restampedPage() == 1)
        {
            // A valid-looking meta may now name any revision, high-water mark or root.
            return changedPages.get((int)c.restampedPage()) ? LENIENT : NEWEST;
        }
        for (final CorpusDatabase.Layout layout : new CorpusDatabase.Layout[]{db.newest, db.previous})
        {
            final long recordStart = (long)layout.metaSlot() * p;
            boolean recordChanged = false;
            for (long i = recordStart; i < recordStart + MetaCodec.RECORD_LENGTH && i < common; i++)
            {
                recordChanged |= orig[(int)i] != image[(int)i];
            }
            final boolean metaValid = !recordChanged && (long)image.length >= layout.highWater() * p;
            if (!metaValid)
            {
                continue;
            }
            if (!changedPages.intersects(layout.used()))
            {
                return layout == db.newest ? NEWEST : PREVIOUS;
            }
            return c.restampedPage() >= 0 && layout.used().get((int)c.restampedPage()) && !c.invalid()
                ? LENIENT
                : ERROR;
        }
        return ERROR;
    }
}
