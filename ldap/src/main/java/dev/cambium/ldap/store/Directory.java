package dev.cambium.ldap.store;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.ldap.schema.DirectorySchema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A directory stored in Cambium trees: entries once under a stable id, the tree structure as
 * (parent id, normalised RDN) keys, and one equality index tree per indexed attribute. Each write
 * method is exactly one write transaction across every tree it touches; {@link #read} gives a
 * search one snapshot. Access control is the caller's (the protocol layer's) business.
 *
 * <p>Thread-safe: Cambium admits one write transaction at a time; readers never wait.
 */
public final class Directory
{
    /** The parent id of the suffix entry. Real ids start at 1. */
    public static final long NO_PARENT = 0;
    static final String ENTRIES = "entries";
    static final String CHILDREN = "children";
    static final String META = "meta";
    private static final String INDEX_PREFIX = "eq.";
    private static final byte[] INDEXES_KEY = "indexes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SUFFIX_KEY = "suffix".getBytes(StandardCharsets.UTF_8);

    private final Database db;
    private final DirectorySchema schema;
    private final DN suffix;
    private final int suffixDepth;
    private final Set<String> indexed;
    private final AtomicLong nextId = new AtomicLong();

    private Directory(final Database db, final DirectorySchema schema, final DN suffix, final Set<String> indexed)
    {
        this.db = db;
        this.schema = schema;
        this.suffix = suffix;
        this.suffixDepth = suffix.getRDNs().length;
        this.indexed = indexed;
    }

    /**
     * Opens (creating its trees if needed) the directory in a database. If the set of indexed
     * attributes differs from the one the file was built with, the indexes are rebuilt in one
     * transaction.
     *
     * @param db         the database.
     * @param schema     the schema.
     * @param suffix     the naming context.
     * @param attributes the attributes to index for equality, presence and substring-initial.
     * @return the directory.
     * @throws IllegalArgumentException if the database holds the directory of another suffix.
     */
    public static Directory open(final Database db, final DirectorySchema schema, final DN suffix,
        final Collection<String> attributes)
    {
        final Set<String> keys = new TreeSet<>();
        for (final String a : attributes)
        {
            keys.add(schema.key(a.trim()));
        }
        final Directory d = new Directory(db, schema, suffix, keys);
        db.write(txn ->
        {
            txn.openOrCreateTree(ENTRIES);
            txn.openOrCreateTree(CHILDREN);
            final Tree meta = txn.openOrCreateTree(META);
            // The entries' DNs hang from the suffix entry: a file built for one suffix cannot serve another.
            final byte[] suffixKey = SUFFIX_KEY;
            final byte[] normalized = suffix.toNormalizedString().getBytes(StandardCharsets.UTF_8);
            final byte[] stored = meta.get(suffixKey);
            if (stored == null)
            {
                meta.put(suffixKey, normalized);
            }
            else if (!Arrays.equals(stored, normalized))
            {
                throw new IllegalArgumentException("the database holds the directory of " +
                    new String(stored, StandardCharsets.UTF_8) + ", not of " + suffix);
            }
            final byte[] want = String.join(",", keys).getBytes(StandardCharsets.UTF_8);
            final byte[] have = meta.get(INDEXES_KEY);
            if (!Arrays.equals(want, have))
            {
                d.rebuildIndexes(txn);
                meta.put(INDEXES_KEY, want);
            }
        });
        final long last = db.read(txn ->
        {
            try (Cursor c = txn.tree(ENTRIES).cursor())
            {
                return c.last() ? Keys.idOf(c.key()) : NO_PARENT;
            }
        });
        d.nextId.set(last + 1);
        return d;
    }

    private void rebuildIndexes(final WriteTransaction txn)
    {
        for (final String name : txn.treeNames())
        {
            if (name.startsWith(INDEX_PREFIX))
            {
                txn.dropTree(name);
            }
        }
        for (final String k : indexed)
        {
            txn.createTree(indexTree(k));
        }
        final Tree entries = txn.tree(ENTRIES);
        try (Cursor c = entries.cursor())
        {
            for (boolean ok = c.first(); ok; ok = c.next())
            {
                final StoredEntry e = EntryCodec.decode(Keys.idOf(c.key()), c.value());
                for (final Map.Entry<String, NavigableSet<byte[]>> ix : indexKeys(e.id(), e.attributes()).entrySet())
                {
                    final Tree t = txn.tree(indexTree(ix.getKey()));
                    for (final byte[] k : ix.getValue())
                    {
                        t.put(k, new byte[0]);
                    }
                }
            }
        }
    }

    static String indexTree(final String attributeKey)
    {
        return INDEX_PREFIX + attributeKey;
    }

    /**
     * @return the schema.
     */
    public DirectorySchema schema()
    {
        return schema;
    }

    /**
     * @return the naming context.
     */
    public DN suffix()
    {
        return suffix;
    }

    /**
     * @param attributeKey an attribute key ({@link DirectorySchema#key}).
     * @return true if it has an equality index.
     */
    public boolean isIndexed(final String attributeKey)
    {
        return indexed.contains(attributeKey);
    }

    /**
     * @return the indexed attribute keys.
     */
    public Set<String> indexed()
    {
        return indexed;
    }

    /**
     * @return the database.
     */
    public Database database()
    {
        return db;
    }

    /**
     * @param dn a DN.
     * @return its RDNs below the suffix, leaf first (empty for the suffix itself), or null if the DN
     *         is not in the naming context.
     */
    RDN[] belowSuffix(final DN dn)
    {
        if (!dn.isDescendantOf(suffix, true))
        {
            return null;
        }
        final RDN[] all = dn.getRDNs();
        return Arrays.copyOf(all, all.length - suffixDepth);
    }

    /**
     * Runs work on one snapshot of the directory.
     *
     * @param work what to read.
     * @param <T>  its result.
     * @return its result.
     */
    public <T> T read(final Function<Snapshot, T> work)
    {
        return db.read(txn -> work.apply(new Snapshot(this, txn)));
    }

    /** Carries a refusal out of a write transaction, which then rolls back. */
    private static final class Refusal extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final LDAPException cause;

        Refusal(final LDAPException cause)
        {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    @FunctionalInterface
    private interface WriteWork
    {
        void run(Snapshot w) throws LDAPException;
    }

    private void write(final WriteWork work) throws LDAPException
    {
        try
        {
            db.write(txn ->
            {
                try
                {
                    work.run(new Snapshot(this, txn));
                }
                catch (final LDAPException e)
                {
                    throw new Refusal(e);
                }
            });
        }
        catch (final Refusal r)
        {
            throw r.cause;
        }
    }

    /**
     * Adds an entry: one write transaction.
     *
     * @param dn    the entry's DN (parsed with the schema).
     * @param attrs its attributes as given.
     * @throws LDAPException 32 (parent missing, with matchedDN), 68, 64, 17, 21, 65.
     */
    public void add(final DN dn, final Collection<Attribute> attrs) throws LDAPException
    {
        write(w -> add(w, dn, attrs));
    }

    /**
     * Adds entries in one write transaction (LDIF import); parents may come earlier in the batch.
     *
     * @param batch the entries.
     * @throws LDAPException for the first entry refused; nothing of the batch is kept.
     */
    public void addAll(final List<Entry> batch) throws LDAPException
    {
        write(w ->
        {
            for (final Entry e : batch)
            {
                try
                {
                    add(w, new DN(e.getDN(), schema.schema()), e.getAttributes());
                }
                catch (final LDAPException x)
                {
                    throw new LDAPException(x.getResultCode(), e.getDN() + ": " + x.getMessage(), x.getMatchedDN(),
                        null);
                }
            }
        });
    }

    private void add(final Snapshot w, final DN dn, final Collection<Attribute> attrs) throws LDAPException
    {
        final RDN[] below = belowSuffix(dn);
        if (below == null)
        {
            throw new LDAPException(ResultCode.NO_SUCH_OBJECT, dn + " is not in the naming context " + suffix);
        }
        final long parentId;
        final String normRdn;
        final String rdn;
        if (below.length == 0)
        {
            parentId = NO_PARENT;
            normRdn = "";
            rdn = dn.toString();
        }
        else
        {
            final DN parent = dn.getParent();
            parentId = w.find(parent);
            if (parentId == Snapshot.NOT_FOUND)
            {
                throw w.noSuchObject(parent);
            }
            normRdn = Keys.normalizedRdn(below[0], schema);
            rdn = dn.getRDNString();
        }
        if (w.childId(parentId, normRdn) != Snapshot.NOT_FOUND)
        {
            throw new LDAPException(ResultCode.ENTRY_ALREADY_EXISTS, "entry already exists: " + dn);
        }
        final Entry entry = new Entry(dn, schema.schema());
        for (final Attribute a : attrs)
        {
            if (!schema.isDefined(a.getName()))
            {
                throw new LDAPException(ResultCode.UNDEFINED_ATTRIBUTE_TYPE, "undefined attribute type " + a.getName());
            }
            entry.addAttribute(schema.canonical(a));
        }
        final RDN own = dn.getRDN();
        final String[] names = own.getAttributeNames();
        final byte[][] values = own.getByteArrayAttributeValues();
        for (int i = 0; i < names.length; i++)
        {
            if (!hasValue(entry, names[i], values[i]))
            {
                throw new LDAPException(ResultCode.NAMING_VIOLATION,
                    "naming attribute '" + names[i] + "' is not present in entry");
            }
        }
        schema.validate(entry);
        final long id = nextId.getAndIncrement();
        final List<Attribute> stored = new ArrayList<>(entry.getAttributes());
        w.entries.put(Keys.id(id), EntryCodec.encode(parentId, rdn, stored));
        w.children.put(Keys.child(parentId, normRdn), Keys.id(id));
        applyIndexChanges(w, Map.of(), indexKeys(id, stored));
    }

    private boolean hasValue(final Entry entry, final String name, final byte[] value)
    {
        final String c = schema.canonical(name);
        return entry.hasAttributeValue(c, value, schema.equality(c));
    }

    /**
     * Deletes a leaf entry: one write transaction.
     *
     * @param dn the entry's DN.
     * @throws LDAPException 32 (with matchedDN), 66 if it has children.
     */
    public void delete(final DN dn) throws LDAPException
    {
        write(w ->
        {
            final long id = w.find(dn);
            if (id == Snapshot.NOT_FOUND)
            {
                throw w.noSuchObject(dn);
            }
            if (w.childCount(id) > 0)
            {
                throw new LDAPException(ResultCode.NOT_ALLOWED_ON_NONLEAF, "subordinate objects must be deleted first");
            }
            final StoredEntry e = w.load(id);
            final RDN[] below = belowSuffix(dn);
            w.entries.delete(Keys.id(id));
            w.children.delete(Keys.child(e.parentId(), below.length == 0 ? "" : Keys.normalizedRdn(below[0], schema)));
            applyIndexChanges(w, indexKeys(id, e.attributes()), Map.of());
        });
    }

    /**
     * Modifies an entry, all or nothing: one write transaction.
     *
     * @param dn   the entry's DN.
     * @param mods the modifications, in order.
     * @throws LDAPException 32, 16, 20, 17, 21, 65, 67 (an RDN value removed), ...
     */
    public void modify(final DN dn, final List<Modification> mods) throws LDAPException
    {
        write(w ->
        {
            final long id = w.find(dn);
            if (id == Snapshot.NOT_FOUND)
            {
                throw w.noSuchObject(dn);
            }
            final StoredEntry before = w.load(id);
            final List<Modification> canonical = new ArrayList<>(mods.size());
            for (final Modification m : mods)
            {
                if (!schema.isDefined(m.getAttributeName()))
                {
                    throw new LDAPException(ResultCode.UNDEFINED_ATTRIBUTE_TYPE,
                        "undefined attribute type " + m.getAttributeName());
                }
                canonical.add(schema.canonical(m));
            }
            final Entry old = new Entry(dn, schema.schema(), before.attributes());
            final Entry after = Entry.applyModifications(old, false, canonical);
            final RDN own = dn.getRDN();
            final String[] names = own.getAttributeNames();
            final byte[][] values = own.getByteArrayAttributeValues();
            for (int i = 0; i < names.length; i++)
            {
                if (!hasValue(after, names[i], values[i]))
                {
                    throw new LDAPException(ResultCode.NOT_ALLOWED_ON_RDN,
                        "cannot remove the RDN value of '" + names[i] + "'");
                }
            }
            schema.validate(after);
            final List<Attribute> stored = new ArrayList<>(after.getAttributes());
            w.entries.put(Keys.id(id), EntryCodec.encode(before.parentId(), before.rdn(), stored));
            applyIndexChanges(w, indexKeys(id, before.attributes()), indexKeys(id, stored));
        });
    }

    /**
     * Renames or moves an entry with its whole subtree: one write transaction that rewrites the
     * entry, its one {@code children} key and its own index keys; descendants are untouched,
     * because they name their parent by id.
     *
     * @param dn           the entry's DN.
     * @param newRdn       the new RDN.
     * @param deleteOldRdn remove the old RDN's values from the entry.
     * @param newSuperior  the new parent's DN, or null to stay under the same parent.
     * @throws LDAPException 32, 68, 53 (the suffix, or a move below itself), 17, 21, 65.
     */
    public void modifyDN(final DN dn, final RDN newRdn, final boolean deleteOldRdn, final DN newSuperior)
        throws LDAPException
    {
        write(w ->
        {
            final long id = w.find(dn);
            if (id == Snapshot.NOT_FOUND)
            {
                throw w.noSuchObject(dn);
            }
            if (belowSuffix(dn).length == 0)
            {
                throw new LDAPException(ResultCode.UNWILLING_TO_PERFORM,
                    "cannot rename or move the naming context's entry");
            }
            final StoredEntry before = w.load(id);
            final DN parentDn = newSuperior == null ? dn.getParent() : newSuperior;
            final long parentId;
            if (newSuperior == null)
            {
                parentId = before.parentId();
            }
            else
            {
                parentId = w.find(newSuperior);
                if (parentId == Snapshot.NOT_FOUND)
                {
                    throw w.noSuchObject(newSuperior);
                }
                if (w.isWithin(parentId, id))
                {
                    throw new LDAPException(ResultCode.UNWILLING_TO_PERFORM, "cannot move an entry below itself");
                }
            }
            for (final String n : newRdn.getAttributeNames())
            {
                if (!schema.isDefined(n))
                {
                    throw new LDAPException(ResultCode.UNDEFINED_ATTRIBUTE_TYPE, "undefined attribute type " + n);
                }
            }
            final String newNorm = Keys.normalizedRdn(newRdn, schema);
            // The entry itself counts: a rename to its own name is refused, as slapd does.
            if (w.childId(parentId, newNorm) != Snapshot.NOT_FOUND)
            {
                throw new LDAPException(ResultCode.ENTRY_ALREADY_EXISTS,
                    "entry already exists: " + new DN(newRdn, parentDn));
            }
            final DN newDn = new DN(newRdn, parentDn);
            final Entry entry = new Entry(newDn, schema.schema(), before.attributes());
            final RDN oldRdn = dn.getRDN();
            if (deleteOldRdn)
            {
                final String[] names = oldRdn.getAttributeNames();
                final byte[][] values = oldRdn.getByteArrayAttributeValues();
                final Entry rdnOnly = new Entry(newDn, schema.schema());
                addRdnValues(rdnOnly, newRdn);
                for (int i = 0; i < names.length; i++)
                {
                    if (!hasValue(rdnOnly, names[i], values[i]))
                    {
                        final String c = schema.canonical(names[i]);
                        entry.removeAttributeValue(c, values[i], schema.equality(c));
                    }
                }
            }
            addRdnValues(entry, newRdn);
            schema.validate(entry);
            final List<Attribute> stored = new ArrayList<>(entry.getAttributes());
            w.children.delete(Keys.child(before.parentId(), Keys.normalizedRdn(oldRdn, schema)));
            w.children.put(Keys.child(parentId, newNorm), Keys.id(id));
            w.entries.put(Keys.id(id), EntryCodec.encode(parentId, newRdn.toString(), stored));
            applyIndexChanges(w, indexKeys(id, before.attributes()), indexKeys(id, stored));
        });
    }

    private void addRdnValues(final Entry entry, final RDN rdn)
    {
        final String[] names = rdn.getAttributeNames();
        final byte[][] values = rdn.getByteArrayAttributeValues();
        for (int i = 0; i < names.length; i++)
        {
            if (!hasValue(entry, names[i], values[i]))
            {
                entry.addAttribute(schema.canonical(names[i]), values[i]);
            }
        }
    }

    /**
     * @param id    an entry id.
     * @param attrs its attributes (canonical names).
     * @return per indexed attribute key, the index keys of the entry's values.
     */
    Map<String, NavigableSet<byte[]>> indexKeys(final long id, final Collection<Attribute> attrs)
    {
        final Map<String, NavigableSet<byte[]>> out = new HashMap<>();
        for (final Attribute a : attrs)
        {
            final String key = schema.key(a.getName());
            if (!indexed.contains(key))
            {
                continue;
            }
            final NavigableSet<byte[]> keys = out.computeIfAbsent(key, k -> new TreeSet<>(Arrays::compareUnsigned));
            if (key.equals("objectclass"))
            {
                // Superclasses too, so (objectClass=person) finds an entry that names only inetOrgPerson.
                for (final String oc : schema.withSuperclasses(a.getValues()))
                {
                    keys.add(Keys.index(schema.normalize(key, new ASN1OctetString(oc)), id));
                }
                continue;
            }
            for (final ASN1OctetString v : a.getRawValues())
            {
                keys.add(Keys.index(schema.normalize(key, v), id));
            }
        }
        return out;
    }

    private static void applyIndexChanges(final Snapshot w, final Map<String, NavigableSet<byte[]>> before,
        final Map<String, NavigableSet<byte[]>> after)
    {
        final Set<String> attrs = new TreeSet<>(before.keySet());
        attrs.addAll(after.keySet());
        final byte[] empty = new byte[0];
        for (final String a : attrs)
        {
            final NavigableSet<byte[]> old = before.getOrDefault(a, new TreeSet<>(Arrays::compareUnsigned));
            final NavigableSet<byte[]> now = after.getOrDefault(a, new TreeSet<>(Arrays::compareUnsigned));
            final Tree t = w.txn.tree(indexTree(a));
            for (final byte[] k : old)
            {
                if (!now.contains(k))
                {
                    t.delete(k);
                }
            }
            for (final byte[] k : now)
            {
                if (!old.contains(k))
                {
                    t.put(k, empty);
                }
            }
        }
    }
}
