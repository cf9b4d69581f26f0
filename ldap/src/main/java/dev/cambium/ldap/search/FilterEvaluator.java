package dev.cambium.ldap.search;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.matchingrules.MatchingRule;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import dev.cambium.ldap.schema.DirectorySchema;

/**
 * Evaluates a filter on an entry: the SDK's schema-aware matching for every leaf but extensible
 * match, which the SDK does not evaluate and which is done here (RFC 4511 4.5.1.7.7: the named
 * matching rule, or the attribute's equality rule; any attribute when none is named; the DN's RDN
 * values too with {@code dnAttributes}).
 */
final class FilterEvaluator
{
    private FilterEvaluator()
    {
    }

    static boolean matches(final Filter f, final Entry e, final DirectorySchema schema) throws LDAPException
    {
        switch (f.getFilterType())
        {
            case Filter.FILTER_TYPE_AND:
                for (final Filter c : f.getComponents())
                {
                    if (!matches(c, e, schema))
                    {
                        return false;
                    }
                }
                return true;
            case Filter.FILTER_TYPE_OR:
                for (final Filter c : f.getComponents())
                {
                    if (matches(c, e, schema))
                    {
                        return true;
                    }
                }
                return false;
            case Filter.FILTER_TYPE_NOT:
                return !matches(f.getNOTComponent(), e, schema);
            case Filter.FILTER_TYPE_EXTENSIBLE_MATCH:
                return extensible(f, e, schema);
            default:
                return f.matchesEntry(e, schema.schema());
        }
    }

    private static boolean extensible(final Filter f, final Entry e, final DirectorySchema schema) throws LDAPException
    {
        final String attribute = f.getAttributeName();
        final ASN1OctetString assertion = new ASN1OctetString(f.getAssertionValueBytes());
        for (final Attribute a : e.getAttributes())
        {
            if (attribute == null || schema.key(a.getName()).equals(schema.key(attribute)))
            {
                if (anyMatches(rule(f, a.getName(), schema), assertion, a.getRawValues()))
                {
                    return true;
                }
            }
        }
        if (f.getDNAttributes())
        {
            for (final RDN rdn : new DN(e.getDN(), schema.schema()).getRDNs())
            {
                final String[] names = rdn.getAttributeNames();
                final byte[][] values = rdn.getByteArrayAttributeValues();
                for (int i = 0; i < names.length; i++)
                {
                    if ((attribute == null || schema.key(names[i]).equals(schema.key(attribute))) &&
                        anyMatches(rule(f, names[i], schema), assertion,
                            new ASN1OctetString[]{new ASN1OctetString(values[i])}))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static MatchingRule rule(final Filter f, final String attribute, final DirectorySchema schema)
    {
        return f.getMatchingRuleID() != null
            ? MatchingRule.selectEqualityMatchingRule(f.getMatchingRuleID())
            : schema.equality(schema.canonical(attribute));
    }

    private static boolean anyMatches(final MatchingRule rule, final ASN1OctetString assertion,
        final ASN1OctetString[] values)
    {
        try
        {
            return rule.matchesAnyValue(assertion, values);
        }
        catch (final LDAPException x)
        {
            return false; // the rule does not apply to this attribute's values
        }
    }
}
