package dev.cambium.ldap.store;

import com.unboundid.ldap.sdk.Attribute;

import java.util.List;

/**
 * An entry as stored: its parent's id, its RDN as given, and its attributes under canonical names.
 * The DN is not stored: it is the RDN followed by the parent's DN, so renaming or moving a subtree
 * rewrites only the subtree's root.
 *
 * @param id         the entry's stable id.
 * @param parentId   the parent's id, or {@link Directory#NO_PARENT} for the suffix entry.
 * @param rdn        the RDN as given (for the suffix entry: the whole suffix DN).
 * @param attributes the attributes, canonical names, values as given.
 */
public record StoredEntry(long id, long parentId, String rdn, List<Attribute> attributes)
{
}
