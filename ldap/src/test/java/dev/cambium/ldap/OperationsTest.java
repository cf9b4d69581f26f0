package dev.cambium.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.DeleteRequest;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ModifyDNRequest;
import com.unboundid.ldap.sdk.ModifyRequest;
import com.unboundid.ldap.sdk.PLAINBindRequest;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.ldap.sdk.extensions.WhoAmIExtendedRequest;
import com.unboundid.ldap.sdk.extensions.WhoAmIExtendedResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every operation the server supports and the result codes it gives, through the SDK's client.
 */
class OperationsTest extends ServerFixture
{
    private static final String JEN = "uid=jen," + PEOPLE;
    private static final String BOB = "uid=bob," + PEOPLE;

    private Set<String> dns(final String base, final SearchScope scope, final String filter) throws LDAPException
    {
        final Set<String> out = new TreeSet<>();
        for (final SearchResultEntry e : admin.search(base, scope, filter).getSearchEntries())
        {
            out.add(e.getDN().toLowerCase());
        }
        return out;
    }

    private static Set<String> set(final String... dns)
    {
        final Set<String> out = new TreeSet<>();
        for (final String d : dns)
        {
            out.add(d.toLowerCase());
        }
        return out;
    }

    // ---- bind ----

    @Test
    void shouldBindAdminHashedPlainAndAnonymousAndRefuseBadCredentials() throws Exception
    {
        final var c = connect();
        assertEquals(0, code(() -> c.bind(ADMIN, "secret")));
        assertEquals(49, code(() -> c.bind(ADMIN, "wrong")));
        assertEquals(0, code(() -> c.bind(JEN, "secret")), "{SSHA} userPassword");
        assertEquals(49, code(() -> c.bind(JEN, "Secret")));
        assertEquals(0, code(() -> c.bind(BOB, "plain-pw")), "plain userPassword");
        assertEquals(49, code(() -> c.bind("uid=ann," + PEOPLE, "x")), "no userPassword");
        assertEquals(49, code(() -> c.bind("uid=nobody," + PEOPLE, "x")), "no such entry");
        assertEquals(53, code(() -> c.bind(new com.unboundid.ldap.sdk.SimpleBindRequest(JEN, ""))),
            "DN without password");
        assertEquals(0, code(() -> c.bind("", "")), "anonymous");
        assertEquals(7, code(() -> c.bind(new PLAINBindRequest("dn:" + JEN, "secret"))), "SASL");
        assertEquals(34, code(() -> c.bind("not a dn", "x")));
    }

    @Test
    void shouldAnswerWhoAmIForAnonymousAndBound() throws Exception
    {
        final WhoAmIExtendedResult anon = (WhoAmIExtendedResult)anonymous
            .processExtendedOperation(new WhoAmIExtendedRequest());
        assertEquals(ResultCode.SUCCESS, anon.getResultCode());
        assertEquals("", anon.getAuthorizationID());
        final WhoAmIExtendedResult me = (WhoAmIExtendedResult)bound(JEN, "secret")
            .processExtendedOperation(new WhoAmIExtendedRequest());
        assertEquals("dn:" + JEN, me.getAuthorizationID());
        assertEquals(2, code(() -> admin.processExtendedOperation("1.2.3.4.5")));
    }

    // ---- search ----

    @Test
    void shouldSearchEachScope() throws Exception
    {
        assertEquals(set(PEOPLE), dns(PEOPLE, SearchScope.BASE, "(objectClass=*)"));
        assertEquals(set(JEN, BOB, "uid=ann," + PEOPLE), dns(PEOPLE, SearchScope.ONE, "(objectClass=*)"));
        assertEquals(set(PEOPLE, JEN, BOB, "uid=ann," + PEOPLE), dns(PEOPLE, SearchScope.SUB, "(objectClass=*)"));
        assertEquals(set(JEN, BOB, "uid=ann," + PEOPLE),
            dns(PEOPLE, SearchScope.SUBORDINATE_SUBTREE, "(objectClass=*)"));
        assertEquals(7, admin.search(SUFFIX, SearchScope.SUB, "(objectClass=*)").getEntryCount());
    }

    @Test
    void shouldEvaluateEveryFilterTypeWithSchemaMatching() throws Exception
    {
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(uid=JEN)"), "case-ignore equality");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(commonName=jenny)"), "alias in a filter");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(cn=jen*)"), "substring initial, indexed");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(cn=*n*s*)"), "substring any");
        assertEquals(set(BOB), dns(SUFFIX, SearchScope.SUB, "(sn=*own)"), "substring final");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(telephoneNumber=+15550100)"),
            "telephone number ignores spaces");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(description=*)".replace("description", "givenName")),
            "presence");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(sn>=Jen)"), "ordering");
        assertEquals(set(JEN, BOB, "uid=ann," + PEOPLE),
            dns(SUFFIX, SearchScope.SUB, "(&(objectClass=person)(sn<=Jz))"), "superclass of inetOrgPerson");
        assertEquals(set(JEN, BOB), dns(SUFFIX, SearchScope.SUB, "(|(uid=jen)(mail=bob@example.com))"),
            "OR over indexes");
        assertEquals(set("uid=ann," + PEOPLE), dns(PEOPLE, SearchScope.ONE, "(!(mail=*))"), "NOT");
        assertEquals(set(BOB), dns(SUFFIX, SearchScope.SUB, "(description~=Likes  LDAP)"), "approximate (as equality)");
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(cn:caseExactMatch:=Jenny)"), "extensible");
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(cn:caseExactMatch:=jenny)"), "extensible, case-exact");
        assertEquals(set("cn=staff," + GROUPS),
            dns(SUFFIX, SearchScope.SUB, "(member=uid=bob,ou=people,dc=example,dc=com)"),
            "DN syntax matching");
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(|)"), "absolute false");
        assertEquals(7, dns(SUFFIX, SearchScope.SUB, "(&)").size(), "absolute true");
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(noSuchAttribute=x)"), "undefined attribute matches nothing");
    }

    @Test
    void shouldReportMissingBaseWithMatchedDn() throws Exception
    {
        final LDAPException e = org.junit.jupiter.api.Assertions.assertThrows(LDAPException.class,
            () -> admin.search("uid=x,ou=nowhere," + SUFFIX, SearchScope.SUB, "(objectClass=*)"));
        assertEquals(ResultCode.NO_SUCH_OBJECT, e.getResultCode());
        assertEquals(SUFFIX, e.getMatchedDN());
        assertEquals(32, code(() -> admin.search("dc=other,dc=org", SearchScope.SUB, "(objectClass=*)")));
    }

    @Test
    void shouldApplySizeLimitAndSelectAttributes() throws Exception
    {
        final SearchRequest limited = new SearchRequest(SUFFIX, SearchScope.SUB, "(objectClass=*)");
        limited.setSizeLimit(2);
        final LDAPException e = org.junit.jupiter.api.Assertions.assertThrows(LDAPException.class,
            () -> admin.search(limited));
        assertEquals(ResultCode.SIZE_LIMIT_EXCEEDED, e.getResultCode());
        assertEquals(2, ((com.unboundid.ldap.sdk.LDAPSearchException)e).getEntryCount());

        final SearchResultEntry none = admin.searchForEntry(JEN, SearchScope.BASE, "(objectClass=*)", "1.1");
        assertEquals(0, none.getAttributes().size());
        final SearchResultEntry some = admin.searchForEntry(JEN, SearchScope.BASE, "(objectClass=*)", "commonName",
            "mail");
        assertEquals(Set.of("cn", "mail"), names(some));
        final SearchResultEntry all = admin.searchForEntry(JEN, SearchScope.BASE, "(objectClass=*)", "*");
        assertTrue(all.hasAttribute("sn") && all.hasAttribute("userPassword") && !all.hasAttribute("entryDN"));
        final SearchResultEntry ops = admin.searchForEntry(PEOPLE, SearchScope.BASE, "(objectClass=*)", "+");
        assertEquals(Set.of("entryDN", "hasSubordinates", "subschemaSubentry"), names(ops));
        assertEquals("TRUE", ops.getAttributeValue("hasSubordinates"));
        final SearchRequest types = new SearchRequest(JEN, SearchScope.BASE, "(objectClass=*)", "cn");
        types.setTypesOnly(true);
        final SearchResultEntry t = admin.search(types).getSearchEntries().get(0);
        assertTrue(t.hasAttribute("cn"));
        assertEquals(0, t.getAttribute("cn").size());
    }

    private static Set<String> names(final SearchResultEntry e)
    {
        final Set<String> out = new TreeSet<>();
        e.getAttributes().forEach(a -> out.add(a.getName()));
        return out;
    }

    @Test
    void shouldServeTheRootDse() throws Exception
    {
        final com.unboundid.ldap.sdk.RootDSE dse = anonymous.getRootDSE();
        assertNotNull(dse);
        assertEquals(SUFFIX, dse.getAttributeValue("namingContexts"));
        assertTrue(dse.hasAttributeValue("supportedExtension", "1.3.6.1.4.1.4203.1.11.3"));
        assertTrue(dse.hasAttributeValue("supportedControl", SimplePagedResultsControl.PAGED_RESULTS_OID));
    }

    @Test
    void shouldPageResults() throws Exception
    {
        final List<String> seen = new ArrayList<>();
        ASN1OctetString cookie = null;
        int pages = 0;
        do
        {
            final SearchRequest r = new SearchRequest(SUFFIX, SearchScope.SUB, "(objectClass=*)", "1.1");
            r.addControl(new SimplePagedResultsControl(3, cookie, true));
            final SearchResult result = admin.search(r);
            result.getSearchEntries().forEach(e -> seen.add(e.getDN()));
            cookie = SimplePagedResultsControl.get(result).getCookie();
            pages++;
        }
        while (cookie != null && cookie.getValueLength() > 0);
        assertEquals(3, pages);
        assertEquals(7, seen.size());
        assertEquals(7, new TreeSet<>(seen).size());
    }

    @Test
    void shouldRefuseUnknownCriticalControlsWith12() throws Exception
    {
        final SearchRequest r = new SearchRequest(SUFFIX, SearchScope.BASE, "(objectClass=*)");
        r.addControl(new Control("1.2.3.4.5.6", true));
        assertEquals(12, code(() -> admin.search(r)));
        final DeleteRequest d = new DeleteRequest("uid=ann," + PEOPLE);
        d.addControl(new Control("1.2.3.4.5.6", true));
        assertEquals(12, code(() -> admin.delete(d)));
        assertNotNull(admin.getEntry("uid=ann," + PEOPLE), "refused delete changed nothing");
        final SearchRequest ok = new SearchRequest(SUFFIX, SearchScope.BASE, "(objectClass=*)");
        ok.addControl(new Control("1.2.3.4.5.6", false));
        assertEquals(0, code(() -> admin.search(ok)), "a non-critical unknown control is ignored");
    }

    // ---- add ----

    @Test
    void shouldAddAndRefuseWithTheRightCodes() throws Exception
    {
        assertEquals(0,
            code(() -> add("dn: uid=cy," + PEOPLE, "objectClass: inetOrgPerson", "uid: cy", "cn: Cy", "sn: C")));
        assertEquals(68,
            code(() -> add("dn: UID=CY," + PEOPLE, "objectClass: inetOrgPerson", "uid: cy", "cn: Cy", "sn: C")));
        final LDAPException missing = org.junit.jupiter.api.Assertions.assertThrows(LDAPException.class,
            () -> add("dn: uid=x,ou=gone," + SUFFIX, "objectClass: inetOrgPerson", "uid: x", "cn: X", "sn: X"));
        assertEquals(ResultCode.NO_SUCH_OBJECT, missing.getResultCode());
        assertEquals(SUFFIX, missing.getMatchedDN());
        assertEquals(65, code(() -> add("dn: uid=nosn," + PEOPLE, "objectClass: inetOrgPerson", "uid: nosn", "cn: X")),
            "missing MUST sn");
        assertEquals(65,
            code(() -> add("dn: uid=extra," + PEOPLE, "objectClass: person", "uid: extra", "cn: X", "sn: X")),
            "uid not allowed by person");
        assertEquals(17, code(
            () -> add("dn: uid=u," + PEOPLE, "objectClass: inetOrgPerson", "uid: u", "cn: X", "sn: X", "fooBar: 1")));
        assertEquals(21, code(() -> add("dn: uid=v," + PEOPLE, "objectClass: inetOrgPerson", "uid: v", "cn: X", "sn: X",
            "seeAlso: not a dn")));
        assertEquals(64,
            code(() -> add("dn: uid=w," + PEOPLE, "objectClass: inetOrgPerson", "uid: other", "cn: X", "sn: X")));
        assertEquals(32, code(() -> add("dn: dc=other,dc=org", "objectClass: dcObject", "objectClass: organization",
            "dc: other", "o: x")));
        assertEquals(8, dns(PEOPLE, SearchScope.SUB, "(objectClass=*)").size() + 3, "only cy was added");
    }

    // ---- delete ----

    @Test
    void shouldDeleteLeavesAndRefuseNonLeafAndMissing() throws Exception
    {
        assertEquals(66, code(() -> admin.delete(PEOPLE)));
        assertEquals(32, code(() -> admin.delete("uid=nobody," + PEOPLE)));
        assertEquals(0, code(() -> admin.delete("uid=ann," + PEOPLE)));
        assertNull(admin.getEntry("uid=ann," + PEOPLE));
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(uid=ann)"), "index entries gone");
    }

    // ---- modify ----

    @Test
    void shouldModifyEveryWayAndAllOrNothing() throws Exception
    {
        admin.modify(JEN, new Modification(ModificationType.ADD, "mail", "jen2@example.com"),
            new Modification(ModificationType.REPLACE, "sn", "Jansen"),
            new Modification(ModificationType.DELETE, "cn", "jenny"),
            new Modification(ModificationType.INCREMENT, "employeeNumber", "3"));
        final var e = admin.getEntry(JEN);
        assertEquals(2, e.getAttribute("mail").size());
        assertEquals("Jansen", e.getAttributeValue("sn"));
        assertArrayEquals(new String[]{"Jen Jensen"}, e.getAttributeValues("cn"));
        assertEquals("10", e.getAttributeValue("employeeNumber"));
        assertEquals(set(JEN), dns(SUFFIX, SearchScope.SUB, "(sn=jansen)"), "index follows the replace");
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(sn=jensen)"));
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(cn=jenny)"));

        assertEquals(20,
            code(() -> admin.modify(JEN, new Modification(ModificationType.ADD, "mail", "JEN2@example.com"))));
        assertEquals(16, code(() -> admin.modify(JEN, new Modification(ModificationType.DELETE, "description", "x"))));
        assertEquals(17, code(() -> admin.modify(JEN, new Modification(ModificationType.ADD, "fooBar", "x"))));
        assertEquals(65, code(() -> admin.modify(JEN, new Modification(ModificationType.DELETE, "sn"))));
        assertEquals(67, code(() -> admin.modify(JEN, new Modification(ModificationType.DELETE, "uid"))));
        assertEquals(32,
            code(() -> admin.modify("uid=nobody," + PEOPLE, new Modification(ModificationType.ADD, "mail", "x@y"))));
        // all or nothing: the first modification is not kept when the second fails
        assertEquals(16, code(() -> admin.modify(JEN, new Modification(ModificationType.REPLACE, "sn", "Nope"),
            new Modification(ModificationType.DELETE, "description", "absent"))));
        assertEquals("Jansen", admin.getEntry(JEN).getAttributeValue("sn"));
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(sn=nope)"));
    }

    // ---- modify DN ----

    @Test
    void shouldRenameWithAndWithoutDeleteOldRdn() throws Exception
    {
        admin.modifyDN(BOB, "uid=robert", true);
        assertNull(admin.getEntry(BOB));
        final var robert = admin.getEntry("uid=robert," + PEOPLE);
        assertArrayEquals(new String[]{"robert"}, robert.getAttributeValues("uid"));
        assertEquals(set("uid=robert," + PEOPLE), dns(SUFFIX, SearchScope.SUB, "(uid=robert)"));
        assertEquals(set(), dns(SUFFIX, SearchScope.SUB, "(uid=bob)"));
        admin.modifyDN("uid=ann," + PEOPLE, "cn=Ann Archer", false);
        final var ann = admin.getEntry("cn=Ann Archer," + PEOPLE);
        assertEquals("ann", ann.getAttributeValue("uid"), "old RDN value kept");
        assertEquals(68, code(() -> admin.modifyDN(JEN, "uid=robert", true)));
        assertEquals(32, code(() -> admin.modifyDN("uid=nobody," + PEOPLE, "uid=x", true)));
        assertEquals(53, code(() -> admin.modifyDN(SUFFIX, "dc=other", true)));
    }

    @Test
    void shouldMoveAWholeSubtree() throws Exception
    {
        add("dn: ou=staff," + PEOPLE, "objectClass: organizationalUnit", "ou: staff");
        add("dn: uid=deep,ou=staff," + PEOPLE, "objectClass: inetOrgPerson", "uid: deep", "cn: Deep", "sn: D");
        admin.modifyDN(new ModifyDNRequest("ou=staff," + PEOPLE, "ou=crew", true, GROUPS));
        assertNull(admin.getEntry("uid=deep,ou=staff," + PEOPLE));
        assertNotNull(admin.getEntry("uid=deep,ou=crew," + GROUPS));
        assertEquals(set("uid=deep,ou=crew," + GROUPS), dns(SUFFIX, SearchScope.SUB, "(uid=deep)"),
            "index search builds the new DN");
        assertEquals(set("ou=crew," + GROUPS, "uid=deep,ou=crew," + GROUPS),
            dns("ou=crew," + GROUPS, SearchScope.SUB, "(objectClass=*)"));
        assertEquals(53,
            code(() -> admin.modifyDN(new ModifyDNRequest(GROUPS, "ou=groups", true, "ou=crew," + GROUPS))),
            "below itself");
        assertEquals(32, code(() -> admin.modifyDN(new ModifyDNRequest(JEN, "uid=jen", true, "ou=none," + SUFFIX))));
    }

    // ---- compare ----

    @Test
    void shouldCompareWithSchemaMatching() throws Exception
    {
        assertTrue(admin.compare(JEN, "cn", "JENNY").compareMatched());
        assertTrue(anonymous.compare(JEN, "commonName", "jen jensen").compareMatched());
        assertFalse(admin.compare(JEN, "sn", "Brown").compareMatched());
        assertEquals(16, code(() -> admin.compare(JEN, "description", "x")));
        assertEquals(32, code(() -> admin.compare("uid=nobody," + PEOPLE, "cn", "x")));
        assertEquals(17, code(() -> admin.compare(JEN, "fooBar", "x")));
        assertTrue(admin.compare(JEN, "userPassword", SSHA_SECRET).compareMatched());
    }

    @Test
    void shouldKeepDataAcrossRestart() throws Exception
    {
        admin.modify(JEN, new Modification(ModificationType.REPLACE, "description", "persisted"));
        server.close();
        server = DirectoryServer.start(ServerOptions.forTest(SUFFIX, dir.resolve("directory.cambium")), System.out);
        final var c = connect();
        assertEquals("persisted", c.getEntry(JEN).getAttributeValue("description"));
        assertEquals(1, c.search(SUFFIX, SearchScope.SUB, "(uid=jen)").getEntryCount());
        c.bind(ADMIN, "secret");
        assertEquals(0, code(() -> c.add(request("dn: uid=new," + PEOPLE,
            "objectClass: inetOrgPerson", "uid: new", "cn: New", "sn: N"))), "ids continue after the last one");
        assertEquals(8, c.search(SUFFIX, SearchScope.SUB, "(objectClass=*)").getEntryCount());
    }

    @Test
    void shouldRefuseToServeADatabaseUnderAnotherSuffix()
    {
        server.close();
        final IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> DirectoryServer.start(ServerOptions.forTest("dc=other,dc=org", dir.resolve("directory.cambium")),
                System.out));
        assertTrue(e.getMessage().contains("dc=example,dc=com"), e.getMessage());
        server = null;
    }

    @Test
    void shouldRebuildIndexesWhenTheIndexedAttributesChange() throws Exception
    {
        server.close();
        server = DirectoryServer.start(
            ServerOptions.forTest(SUFFIX, dir.resolve("directory.cambium")).indexes(List.of("sn", "description")),
            System.out);
        final var c = connect();
        assertEquals(1, c.search(SUFFIX, SearchScope.SUB, "(description=likes*)").getEntryCount());
        assertEquals(1, c.search(SUFFIX, SearchScope.SUB, "(uid=jen)").getEntryCount(), "unindexed: a scan");
    }
}
