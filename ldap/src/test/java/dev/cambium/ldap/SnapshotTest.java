package dev.cambium.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.ModifyDNRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A search running while a subtree moves back and forth sees the directory before or after each
 * move, never a mix: every search of the whole directory returns the subtree complete, either
 * all under its old parent or all under its new one.
 */
class SnapshotTest extends ServerFixture
{
    private static final int MEMBERS = 60;

    @Test
    void shouldSeeASubtreeMoveWhollyOrNotAtAll() throws Exception
    {
        add("dn: ou=team," + PEOPLE, "objectClass: organizationalUnit", "ou: team");
        for (int i = 0; i < MEMBERS; i++)
        {
            add("dn: uid=m" + i + ",ou=team," + PEOPLE, "objectClass: inetOrgPerson", "uid: m" + i, "cn: Member " + i,
                "sn: M");
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread mover = new Thread(() ->
        {
            try
            {
                final LDAPConnection c = bound(ADMIN, "secret");
                for (int i = 0; !stop.get(); i++)
                {
                    final boolean there = i % 2 == 0;
                    c.modifyDN(new ModifyDNRequest("ou=team," + (there ? PEOPLE : GROUPS), "ou=team", true,
                        there ? GROUPS : PEOPLE));
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        }, "mover");
        mover.start();
        int searches = 0;
        int underPeople = 0;
        int underGroups = 0;
        try
        {
            final LDAPConnection reader = connect();
            for (; searches < 150 && failure.get() == null; searches++)
            {
                // Half the searches scan the tree, half go through the uid index and build DNs from ids.
                // (uid=m1*) is 11 of 67 entries: the planner takes the index (checked in PlannerTest).
                final boolean scan = searches % 2 == 0;
                final String filter = scan ? "(objectClass=*)" : "(uid=m1*)";
                final Set<String> parents = new TreeSet<>();
                int members = 0;
                for (final SearchResultEntry e : reader.search(SUFFIX, SearchScope.SUB, filter, "1.1")
                    .getSearchEntries())
                {
                    final String dn = e.getDN().toLowerCase();
                    if (dn.startsWith("uid=m"))
                    {
                        members++;
                        parents.add(dn.substring(dn.indexOf(",ou=team,") + 9));
                    }
                }
                assertEquals(scan ? MEMBERS : 11, members, "search " + searches + " saw part of the subtree");
                assertEquals(1, parents.size(),
                    "search " + searches + " saw the subtree under two parents: " + parents);
                if (parents.contains(PEOPLE))
                {
                    underPeople++;
                }
                else
                {
                    underGroups++;
                }
            }
        }
        finally
        {
            stop.set(true);
            mover.join();
        }
        assertNull(failure.get(), () -> "mover failed: " + failure.get());
        assertTrue(searches >= 150);
        System.out.println(
            "SnapshotTest: " + searches + " searches, " + underPeople + " before a move, " + underGroups + " after");
    }
}
