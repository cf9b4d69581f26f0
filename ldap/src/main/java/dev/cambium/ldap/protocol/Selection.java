package dev.cambium.ldap.protocol;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import dev.cambium.ldap.schema.DirectorySchema;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The attributes a search returns: none for {@code 1.1} alone, every user attribute for an empty
 * list or {@code *}, the operational ones ({@code entryDN}, {@code hasSubordinates},
 * {@code subschemaSubentry}) for {@code +} or by name, named ones by any alias; with typesOnly,
 * names without values.
 */
final class Selection
{
    private final boolean allUser;
    private final boolean allOperational;
    private final Set<String> named = new HashSet<>();
    private final boolean typesOnly;
    private final DirectorySchema schema;

    Selection(final List<String> requested, final boolean typesOnly, final DirectorySchema schema)
    {
        this.typesOnly = typesOnly;
        boolean user = requested.isEmpty();
        boolean ops = false;
        for (final String r : requested)
        {
            if (r.equals("*"))
            {
                user = true;
            }
            else if (r.equals("+"))
            {
                ops = true;
            }
            else if (!r.equals("1.1"))
            {
                named.add(schema.key(r));
            }
        }
        allUser = user;
        allOperational = ops;
        this.schema = schema;
    }

    /**
     * @param e               the entry as the searcher may see it.
     * @param hasSubordinates computes hasSubordinates if asked for.
     * @return the entry to send.
     */
    Entry apply(final Entry e, final LongSupplier hasSubordinates)
    {
        final Entry out = new Entry(e.getDN());
        for (final Attribute a : e.getAttributes())
        {
            if (allUser || named.contains(schema.key(a.getName())))
            {
                out.addAttribute(typesOnly ? new Attribute(a.getName()) : a);
            }
        }
        if (wants("entrydn"))
        {
            out.addAttribute(value("entryDN", e.getDN()));
        }
        if (wants("hassubordinates"))
        {
            out.addAttribute(value("hasSubordinates", hasSubordinates.getAsLong() > 0 ? "TRUE" : "FALSE"));
        }
        if (wants("subschemasubentry"))
        {
            out.addAttribute(value("subschemaSubentry", "cn=Subschema"));
        }
        return out;
    }

    private boolean wants(final String operational)
    {
        return allOperational || named.contains(operational);
    }

    private Attribute value(final String name, final String value)
    {
        return typesOnly ? new Attribute(name) : new Attribute(name, value);
    }
}
