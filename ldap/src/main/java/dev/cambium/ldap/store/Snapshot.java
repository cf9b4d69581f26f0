package dev.cambium.ldap.store;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import dev.cambium.Cursor;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.codec.KeyRange;
import dev.cambium.codec.TupleEncoder;
import org.agrona.DirectBuffer;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * The directory as one transaction sees it: DN resolution, entry loading, DNs of ids, children.
 * Everything a search reads goes through one snapshot, so a search sees one revision.
 *
 * <p>Threads: the transaction's thread.
 */
public class Snapshot
{
    /** Returned by {@link #find} for a DN with no entry. */
    public static final long NOT_FOUND = -1;

    final Directory directory;
    final ReadTransaction txn;
    final Tree entries;
    final Tree children;
    private final Map<Long, String> dnCache = new HashMap<>();

    Snapshot(final Directory directory, final ReadTransaction txn)
    {
        this.directory = directory;
        this.txn = txn;
        this.entries = txn.tree(Directory.ENTRIES);
        this.children = txn.tree(Directory.CHILDREN);
    }

    /**
     * @return the directory.
     */
    public Directory directory()
    {
        return directory;
    }

    /**
     * @param dn a DN.
     * @return the id of its entry, or {@link #NOT_FOUND}.
     */
    public long find(final DN dn)
    {
        final RDN[] below = directory.belowSuffix(dn);
        if (below == null)
        {
            return NOT_FOUND;
        }
        long id = childId(Directory.NO_PARENT, "");
        for (int i = below.length - 1; i >= 0 && id != NOT_FOUND; i--)
        {
            id = childId(id, Keys.normalizedRdn(below[i], directory.schema()));
        }
        return id;
    }

    /**
     * @param dn a DN with no entry.
     * @return noSuchObject (32) carrying the DN of the nearest existing ancestor as matchedDN.
     */
    public LDAPException noSuchObject(final DN dn)
    {
        final RDN[] below = directory.belowSuffix(dn);
        String matched = null;
        if (below != null)
        {
            long id = childId(Directory.NO_PARENT, "");
            int i = below.length - 1;
            if (id != NOT_FOUND)
            {
                matched = dn(id);
                for (; i >= 0; i--)
                {
                    final long next = childId(id, Keys.normalizedRdn(below[i], directory.schema()));
                    if (next == NOT_FOUND)
                    {
                        break;
                    }
                    id = next;
                    matched = dn(id);
                }
            }
        }
        return new LDAPException(ResultCode.NO_SUCH_OBJECT, "no such entry: " + dn, matched, null);
    }

    /**
     * @param parentId a parent id.
     * @param normRdn  a normalised RDN.
     * @return the child's id, or {@link #NOT_FOUND}.
     */
    long childId(final long parentId, final String normRdn)
    {
        final byte[] v = children.get(Keys.child(parentId, normRdn));
        return v == null ? NOT_FOUND : Keys.idOf(v);
    }

    /**
     * @param id an id.
     * @return the stored entry, or null.
     */
    public StoredEntry load(final long id)
    {
        final byte[] v = entries.get(Keys.id(id));
        return v == null ? null : EntryCodec.decode(id, v);
    }

    /**
     * @param id an entry id.
     * @return its DN as given (its RDN, then its parent's DN), cached for this snapshot.
     */
    public String dn(final long id)
    {
        final String cached = dnCache.get(id);
        if (cached != null)
        {
            return cached;
        }
        final byte[] v = entries.get(Keys.id(id));
        if (v == null)
        {
            throw new IllegalStateException("entry " + id + " is missing from its tree: run check()");
        }
        final StoredEntry e = EntryCodec.decode(id, v);
        final String dn = e.parentId() == Directory.NO_PARENT ? e.rdn() : e.rdn() + "," + dn(e.parentId());
        dnCache.put(id, dn);
        return dn;
    }

    /**
     * Records a DN known from a walk, so {@link #dn} need not climb for it.
     *
     * @param id an id.
     * @param dn its DN.
     */
    public void rememberDn(final long id, final String dn)
    {
        dnCache.put(id, dn);
    }

    /**
     * @param e a stored entry.
     * @return the SDK entry, with its DN.
     */
    public Entry toEntry(final StoredEntry e)
    {
        String dn = dnCache.get(e.id());
        if (dn == null)
        {
            dn = e.parentId() == Directory.NO_PARENT ? e.rdn() : e.rdn() + "," + dn(e.parentId());
            dnCache.put(e.id(), dn);
        }
        return new Entry(dn, directory.schema().schema(), e.attributes());
    }

    /**
     * @param parentId a parent id.
     * @return the number of its children, in O(log n).
     */
    public long childCount(final long parentId)
    {
        return children.count(new TupleEncoder().addLong(parentId).prefixRange());
    }

    /**
     * Visits the children's ids of one parent, in RDN order.
     *
     * @param parentId a parent id.
     * @param visitor  returns false to stop.
     * @return false if the visitor stopped.
     */
    public boolean forEachChild(final long parentId, final LongPredicate visitor)
    {
        final KeyRange range = new TupleEncoder().addLong(parentId).prefixRange();
        try (Cursor c = children.cursor(range))
        {
            for (boolean ok = c.first(); ok; ok = c.next())
            {
                final DirectBuffer v = c.valueBuffer();
                if (!visitor.test(Keys.idAt(v, 0, false)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * @param id     an entry id.
     * @param baseId a possible ancestor.
     * @return true if {@code id} is {@code baseId} or below it.
     */
    public boolean isWithin(final long id, final long baseId)
    {
        long at = id;
        for (int depth = 0; depth < 10_000; depth++)
        {
            if (at == baseId)
            {
                return true;
            }
            if (at == Directory.NO_PARENT)
            {
                return false;
            }
            final byte[] v = entries.get(Keys.id(at));
            if (v == null)
            {
                return false;
            }
            at = EntryCodec.parentOf(v);
        }
        throw new IllegalStateException("parent chain of entry " + id + " does not end: run check()");
    }

    /**
     * @param id an entry id.
     * @return its parent's id.
     */
    public long parentOf(final long id)
    {
        final byte[] v = entries.get(Keys.id(id));
        return v == null ? NOT_FOUND : EntryCodec.parentOf(v);
    }

    /**
     * @return the number of entries, O(1).
     */
    public long size()
    {
        return entries.size();
    }

    /**
     * @param attributeKey an indexed attribute's key.
     * @return its equality index tree, or null if the attribute is not indexed.
     */
    public Tree index(final String attributeKey)
    {
        return directory.isIndexed(attributeKey) ? txn.tree(Directory.indexTree(attributeKey)) : null;
    }
}
