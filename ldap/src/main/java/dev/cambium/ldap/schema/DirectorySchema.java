package dev.cambium.ldap.schema;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.matchingrules.CaseExactStringMatchingRule;
import com.unboundid.ldap.matchingrules.CaseIgnoreStringMatchingRule;
import com.unboundid.ldap.matchingrules.MatchingRule;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.schema.AttributeTypeDefinition;
import com.unboundid.ldap.sdk.schema.EntryValidator;
import com.unboundid.ldap.sdk.schema.ObjectClassDefinition;
import com.unboundid.ldap.sdk.schema.Schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's view of the LDAP schema (the SDK's standard schema): canonical attribute names, so
 * that aliases such as {@code commonName} and {@code cn} are one attribute everywhere (stored
 * entries, filters, modifications, requested attributes); the matching rules used to normalise
 * index keys; and entry validation mapped to the result codes slapd gives.
 *
 * <p>Thread-safe: validation is synchronized because the SDK's validators keep counters.
 */
public final class DirectorySchema
{
    /**
     * Second names RFC 4519 and RFC 4524 give attribute types, which the SDK's standard schema
     * leaves out (it names {@code cn} but not {@code commonName}). Lower-case alias to first name.
     */
    private static final Map<String, String> ALIASES = Map.ofEntries(
        Map.entry("commonname", "cn"),
        Map.entry("surname", "sn"),
        Map.entry("userid", "uid"),
        Map.entry("domaincomponent", "dc"),
        Map.entry("rfc822mailbox", "mail"),
        Map.entry("organizationname", "o"),
        Map.entry("organizationalunitname", "ou"),
        Map.entry("localityname", "l"),
        Map.entry("stateorprovincename", "st"),
        Map.entry("countryname", "c"),
        Map.entry("streetaddress", "street"),
        Map.entry("gn", "givenName"),
        Map.entry("friendlycountryname", "co"),
        Map.entry("hometelephonenumber", "homePhone"),
        Map.entry("mobiletelephonenumber", "mobile"),
        Map.entry("pagertelephonenumber", "pager"),
        Map.entry("favouritedrink", "drink"));

    private final Schema schema;
    /** Looked up on every index key and comparison; the SDK searches the schema each time. */
    private final Map<String, MatchingRule> equalityRules = new ConcurrentHashMap<>();
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_NAMES = 4096;
    private final EntryValidator undefined;
    private final EntryValidator syntax;
    private final EntryValidator structure;
    private final EntryValidator all;

    /**
     * @param schema the schema entries must follow.
     */
    public DirectorySchema(final Schema schema)
    {
        this.schema = schema;
        undefined = only(schema);
        undefined.setCheckUndefinedAttributes(true);
        syntax = only(schema);
        syntax.setCheckAttributeSyntax(true);
        structure = new EntryValidator(schema);
        structure.setCheckUndefinedAttributes(false);
        structure.setCheckAttributeSyntax(false);
        structure.setCheckEntryMissingRDNValues(false);
        structure.setCheckNameForms(false);
        // slapd infers the superclasses of the classes given (inetOrgPerson alone is fine).
        structure.setCheckMissingSuperiorObjectClasses(false);
        all = new EntryValidator(schema);
        all.setCheckEntryMissingRDNValues(false);
        all.setCheckNameForms(false);
        all.setCheckMissingSuperiorObjectClasses(false);
    }

    /**
     * @return the SDK's default standard schema (core, cosine, inetOrgPerson and more).
     */
    public static DirectorySchema standard()
    {
        try
        {
            return new DirectorySchema(Schema.getDefaultStandardSchema());
        }
        catch (final LDAPException e)
        {
            throw new IllegalStateException("the SDK's standard schema does not load", e);
        }
    }

    private static EntryValidator only(final Schema schema)
    {
        final EntryValidator v = new EntryValidator(schema);
        v.setCheckAttributeSyntax(false);
        v.setCheckEntryMissingRDNValues(false);
        v.setCheckMalformedDNs(false);
        v.setCheckMissingAttributes(false);
        v.setCheckMissingSuperiorObjectClasses(false);
        v.setCheckNameForms(false);
        v.setCheckProhibitedAttributes(false);
        v.setCheckProhibitedObjectClasses(false);
        v.setCheckSingleValuedAttributes(false);
        v.setCheckStructuralObjectClasses(false);
        v.setCheckUndefinedAttributes(false);
        v.setCheckUndefinedObjectClasses(false);
        return v;
    }

    /**
     * @return the SDK schema.
     */
    public Schema schema()
    {
        return schema;
    }

    /**
     * @param name an attribute name or OID, possibly with options ({@code cn;lang-en}).
     * @return the schema's first name for it (options kept), or the name as given if the schema does
     *         not define it.
     */
    public String canonical(final String name)
    {
        final int semi = name.indexOf(';');
        final String base = semi < 0 ? name : name.substring(0, semi);
        final AttributeTypeDefinition type = type(base);
        if (type == null)
        {
            return name;
        }
        final String canonical = type.getNameOrOID();
        return semi < 0 ? canonical : canonical + name.substring(semi);
    }

    /**
     * @param name an attribute name.
     * @return the lower-case canonical name without options, for comparisons.
     */
    public String key(final String name)
    {
        final String cached = keys.get(name);
        if (cached != null)
        {
            return cached;
        }
        final String c = canonical(name);
        final int semi = c.indexOf(';');
        final String key = (semi < 0 ? c : c.substring(0, semi)).toLowerCase(Locale.ROOT);
        if (keys.size() < MAX_CACHED_NAMES) // names come from clients: keep the cache bounded
        {
            keys.put(name, key);
        }
        return key;
    }

    /**
     * @param name an attribute name.
     * @return true if the schema defines it.
     */
    public boolean isDefined(final String name)
    {
        final int semi = name.indexOf(';');
        return type(semi < 0 ? name : name.substring(0, semi)) != null;
    }

    private AttributeTypeDefinition type(final String base)
    {
        final AttributeTypeDefinition type = schema.getAttributeType(base);
        if (type != null)
        {
            return type;
        }
        final String alias = ALIASES.get(base.toLowerCase(Locale.ROOT));
        return alias == null ? null : schema.getAttributeType(alias);
    }

    /**
     * @param attribute an attribute.
     * @return the same values under the canonical name.
     */
    public Attribute canonical(final Attribute attribute)
    {
        final String c = canonical(attribute.getName());
        return c.equals(attribute.getName()) ? attribute : new Attribute(c, attribute.getRawValues());
    }

    /**
     * @param m a modification.
     * @return the same modification of the canonical attribute name.
     */
    public Modification canonical(final Modification m)
    {
        final String c = canonical(m.getAttributeName());
        return c.equals(m.getAttributeName()) ? m : new Modification(m.getModificationType(), c, m.getRawValues());
    }

    /**
     * Rewrites every attribute name in a filter to its canonical name, so that matching an entry
     * stored under canonical names finds aliases too; an approximate match becomes an equality
     * match.
     *
     * @param f a filter.
     * @return the filter with canonical names.
     */
    public Filter canonical(final Filter f)
    {
        switch (f.getFilterType())
        {
            case Filter.FILTER_TYPE_AND:
            case Filter.FILTER_TYPE_OR:
            {
                final List<Filter> parts = new ArrayList<>();
                for (final Filter c : f.getComponents())
                {
                    parts.add(canonical(c));
                }
                return f.getFilterType() == Filter.FILTER_TYPE_AND
                    ? Filter.createANDFilter(parts)
                    : Filter.createORFilter(parts);
            }
            case Filter.FILTER_TYPE_NOT:
                return Filter.createNOTFilter(canonical(f.getNOTComponent()));
            case Filter.FILTER_TYPE_EQUALITY:
                return Filter.createEqualityFilter(canonical(f.getAttributeName()), f.getAssertionValueBytes());
            case Filter.FILTER_TYPE_SUBSTRING:
                return Filter.createSubstringFilter(canonical(f.getAttributeName()), f.getSubInitialBytes(),
                    f.getSubAnyBytes(), f.getSubFinalBytes());
            case Filter.FILTER_TYPE_GREATER_OR_EQUAL:
                return Filter.createGreaterOrEqualFilter(canonical(f.getAttributeName()), f.getAssertionValueBytes());
            case Filter.FILTER_TYPE_LESS_OR_EQUAL:
                return Filter.createLessOrEqualFilter(canonical(f.getAttributeName()), f.getAssertionValueBytes());
            case Filter.FILTER_TYPE_PRESENCE:
                return Filter.createPresenceFilter(canonical(f.getAttributeName()));
            case Filter.FILTER_TYPE_APPROXIMATE_MATCH:
                // No attribute of the standard schema has an approximate rule: match by equality.
                return Filter.createEqualityFilter(canonical(f.getAttributeName()), f.getAssertionValueBytes());
            case Filter.FILTER_TYPE_EXTENSIBLE_MATCH:
                return Filter.createExtensibleMatchFilter(
                    f.getAttributeName() == null ? null : canonical(f.getAttributeName()),
                    f.getMatchingRuleID(), f.getDNAttributes(), f.getAssertionValueBytes());
            default:
                return f;
        }
    }

    /**
     * @param objectClasses object class names as stored.
     * @return those names and the names of all their superclasses (as slapd matches
     *         {@code (objectClass=person)} on an entry that names only inetOrgPerson).
     */
    public Set<String> withSuperclasses(final String[] objectClasses)
    {
        final Set<String> out = new LinkedHashSet<>(Arrays.asList(objectClasses));
        for (final String oc : objectClasses)
        {
            final ObjectClassDefinition d = schema.getObjectClass(oc);
            if (d != null)
            {
                for (final ObjectClassDefinition sup : d.getSuperiorClasses(schema, true))
                {
                    out.add(sup.getNameOrOID());
                }
            }
        }
        return out;
    }

    /**
     * @param e an entry.
     * @return the entry, or a copy whose objectClass also names every superclass, for matching.
     */
    public Entry forMatching(final Entry e)
    {
        final String[] given = e.getObjectClassValues();
        if (given == null)
        {
            return e;
        }
        final Set<String> all = withSuperclasses(given);
        if (all.size() == given.length)
        {
            return e;
        }
        final Entry copy = e.duplicate();
        copy.setAttribute("objectClass", all);
        return copy;
    }

    /**
     * @param attribute a canonical attribute name.
     * @return its equality matching rule.
     */
    public MatchingRule equality(final String attribute)
    {
        final MatchingRule cached = equalityRules.get(attribute);
        if (cached != null)
        {
            return cached;
        }
        final MatchingRule rule = MatchingRule.selectEqualityMatchingRule(attribute, schema);
        if (equalityRules.size() < MAX_CACHED_NAMES)
        {
            equalityRules.put(attribute, rule);
        }
        return rule;
    }

    /**
     * @param attribute a canonical attribute name.
     * @return true if the substring-initial part of an assertion, normalised by the substring rule,
     *         is a prefix of the equality-normalised values it matches (case-ignore and case-exact
     *         strings), so an equality index answers {@code (attr=prefix*)}.
     */
    public boolean prefixSearchable(final String attribute)
    {
        final MatchingRule eq = equality(attribute);
        final MatchingRule sub = MatchingRule.selectSubstringMatchingRule(attribute, schema);
        return (eq instanceof CaseIgnoreStringMatchingRule && sub instanceof CaseIgnoreStringMatchingRule) ||
            (eq instanceof CaseExactStringMatchingRule && sub instanceof CaseExactStringMatchingRule);
    }

    /**
     * @param attribute a canonical attribute name.
     * @param value     a value.
     * @return its equality-normalised form; the raw bytes if the rule rejects it.
     */
    public byte[] normalize(final String attribute, final ASN1OctetString value)
    {
        try
        {
            return equality(attribute).normalize(value).getValue();
        }
        catch (final LDAPException e)
        {
            return value.getValue();
        }
    }

    /**
     * @param attribute a canonical attribute name.
     * @param initial   the substring-initial part of a filter.
     * @return its normalised form.
     */
    public byte[] normalizeInitial(final String attribute, final byte[] initial)
    {
        try
        {
            return MatchingRule.selectSubstringMatchingRule(attribute, schema)
                .normalizeSubstring(new ASN1OctetString(initial), MatchingRule.SUBSTRING_TYPE_SUBINITIAL).getValue();
        }
        catch (final LDAPException e)
        {
            return initial;
        }
    }

    /**
     * Checks an entry against the schema.
     *
     * @param entry an entry with canonical attribute names.
     * @throws LDAPException 17 for an undefined attribute type, 21 for a value its syntax rejects,
     *                       65 for any other violation (object classes, required or forbidden
     *                       attributes, single-valued attributes).
     */
    public synchronized void validate(final Entry entry) throws LDAPException
    {
        // One validation for the common, valid case; the narrower validators only classify a failure.
        if (all.entryIsValid(entry, null))
        {
            return;
        }
        final List<String> reasons = new ArrayList<>();
        if (!undefined.entryIsValid(entry, reasons))
        {
            throw new LDAPException(ResultCode.UNDEFINED_ATTRIBUTE_TYPE, String.join("; ", reasons));
        }
        if (!syntax.entryIsValid(entry, reasons))
        {
            throw new LDAPException(ResultCode.INVALID_ATTRIBUTE_SYNTAX, String.join("; ", reasons));
        }
        if (!structure.entryIsValid(entry, reasons))
        {
            throw new LDAPException(ResultCode.OBJECT_CLASS_VIOLATION, String.join("; ", reasons));
        }
        final List<String> any = new ArrayList<>();
        all.entryIsValid(entry, any);
        throw new LDAPException(ResultCode.OBJECT_CLASS_VIOLATION, String.join("; ", any));
    }
}
