package dev.cambium.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ModifyDNRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access policy: the admin may do anything; anyone may read all but userPassword, which only
 * the admin and the entry itself read and which an entry may change on itself; every other write
 * is refused with 8 (anonymous) or 50 (bound), and a refused operation changes nothing.
 */
class AccessTest extends ServerFixture
{
    private static final String JEN = "uid=jen," + PEOPLE;
    private static final String BOB = "uid=bob," + PEOPLE;

    /** Everything in the directory, as the admin sees it, for "nothing changed" checks. */
    private List<String> everything() throws Exception
    {
        final List<String> out = new ArrayList<>();
        for (final SearchResultEntry e : admin.search(SUFFIX, SearchScope.SUB, "(objectClass=*)").getSearchEntries())
        {
            out.add(e.toLDIFString());
        }
        out.sort(null);
        return out;
    }

    private void assertWritesRefused(final LDAPConnection c, final int expected) throws Exception
    {
        final List<String> before = everything();
        assertEquals(expected,
            code(() -> c.add(request("dn: uid=x," + PEOPLE, "objectClass: inetOrgPerson", "uid: x", "cn: X", "sn: X"))),
            "add");
        assertEquals(expected, code(() -> c.delete("uid=ann," + PEOPLE)), "delete");
        assertEquals(expected, code(() -> c.modify(BOB, new Modification(ModificationType.REPLACE, "sn", "Changed"))),
            "modify");
        assertEquals(expected,
            code(() -> c.modify(BOB, new Modification(ModificationType.REPLACE, "userPassword", "stolen"))),
            "someone else's password");
        assertEquals(expected, code(() -> c.modifyDN("uid=ann," + PEOPLE, "uid=anna", true)), "rename");
        assertEquals(expected, code(() -> c.modifyDN(new ModifyDNRequest(PEOPLE, "ou=people", true, GROUPS))), "move");
        assertEquals(before, everything(), "a refused operation changed nothing");
    }

    @Test
    void shouldRefuseAnonymousWritesWithStrongAuthRequired() throws Exception
    {
        assertWritesRefused(anonymous, 8);
    }

    @Test
    void shouldRefuseBoundNonAdminWritesWithInsufficientAccess() throws Exception
    {
        assertWritesRefused(bound(JEN, "secret"), 50);
    }

    @Test
    void shouldRefuseAWrongPasswordWith49AndLeaveTheConnectionAnonymous() throws Exception
    {
        final LDAPConnection c = bound(JEN, "secret");
        assertEquals(49, code(() -> c.bind(ADMIN, "wrong")));
        assertEquals(8, code(() -> c.delete("uid=ann," + PEOPLE)), "the failed bind dropped the old identity");
    }

    @Test
    void shouldLetAnEntryChangeOnlyItsOwnPassword() throws Exception
    {
        final LDAPConnection jen = bound(JEN, "secret");
        assertEquals(50, code(() -> jen.modify(JEN, new Modification(ModificationType.REPLACE, "sn", "Other"))));
        assertEquals(50,
            code(() -> jen.modify(JEN, new Modification(ModificationType.REPLACE, "userPassword", "new-pw"),
                new Modification(ModificationType.REPLACE, "sn", "Other"))),
            "password with another attribute");
        assertEquals("Jensen", admin.getEntry(JEN).getAttributeValue("sn"));
        assertEquals(0,
            code(() -> jen.modify(JEN, new Modification(ModificationType.REPLACE, "userPassword", "new-pw"))));
        assertEquals(49, code(() -> connect().bind(JEN, "secret")));
        assertEquals(0, code(() -> connect().bind(JEN, "new-pw")));
    }

    @Test
    void shouldHideUserPasswordFromAnonymousAndOthers() throws Exception
    {
        assertNull(anonymous.getEntry(JEN).getAttribute("userPassword"));
        assertNull(bound(BOB, "plain-pw").getEntry(JEN).getAttribute("userPassword"));
        assertTrue(bound(JEN, "secret").getEntry(JEN).hasAttribute("userPassword"), "the entry itself");
        assertTrue(admin.getEntry(JEN).hasAttribute("userPassword"), "the admin");
        assertEquals(0, anonymous.search(SUFFIX, SearchScope.SUB, "(userPassword=*)").getEntryCount(),
            "no probing by filter");
        assertEquals(0, anonymous.search(SUFFIX, SearchScope.SUB, "(userPassword=plain-pw)").getEntryCount());
        assertEquals(2, admin.search(SUFFIX, SearchScope.SUB, "(userPassword=*)").getEntryCount());
        assertEquals(50, code(() -> anonymous.compare(BOB, "userPassword", "plain-pw")));
        assertEquals(50, code(() -> bound(JEN, "secret").compare(BOB, "userPassword", "plain-pw")));
        assertTrue(bound(BOB, "plain-pw").compare(BOB, "userPassword", "plain-pw").compareMatched());
    }

    @Test
    void shouldLetAnyoneReadEverythingElse() throws Exception
    {
        final SearchResultEntry e = anonymous.getEntry(JEN);
        assertEquals("jen@example.com", e.getAttributeValue("mail"));
        assertEquals(7, anonymous.search(SUFFIX, SearchScope.SUB, "(objectClass=*)").getEntryCount());
        assertFalse(anonymous.compare(JEN, "sn", "Brown").compareMatched());
    }
}
