package dev.cambium.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPRequest;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ModifyDNRequest;
import com.unboundid.ldap.sdk.ModifyRequest;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.AddRequest;
import com.unboundid.ldap.sdk.CompareRequest;
import com.unboundid.ldap.sdk.DeleteRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A seeded battery of adds, searches (every scope and filter shape), modifies, renames, moves,
 * deletes and compares, run against this server and the SDK's InMemoryDirectoryServer (standard
 * schema) on the same data; result codes and, for searches, the returned entries (order
 * normalised) must agree. The generator stays clear of the reference's known deviations: no
 * attribute aliases in filters, no substring filters on telephone numbers, ASCII mail only, full
 * object class chains. Rerun a failure with {@code -Dtest.seed=<seed>}.
 */
class DifferentialTest
{
    private static final String SUFFIX = "dc=example,dc=com";
    private static final String ADMIN = "cn=admin," + SUFFIX;
    private static final int OPERATIONS = 600;
    private static final String[] WORDS = {"alpha", "Beta", "gamma", "delta", "Alpha Beta", "jen", "Jensen", "jenny",
        "x"};
    private static final String[] ATTRS = {"cn", "sn", "description", "mail", "uid", "title"};

    @TempDir
    Path dir;

    private Random random;
    private final List<String> people = new ArrayList<>();
    private final List<String> units = new ArrayList<>();
    private int writesDone;
    private int entriesReturned;
    private final TreeMap<Integer, Integer> codes = new TreeMap<>();

    @Test
    void shouldAgreeWithTheReferenceServer() throws Exception
    {
        final String property = System.getProperty("test.seed");
        final long seed = property == null || property.isBlank() ? System.nanoTime() : Long.parseLong(property.trim());
        random = new Random(seed);
        final InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(SUFFIX);
        config.addAdditionalBindCredentials(ADMIN, "secret");
        final InMemoryDirectoryServer reference = new InMemoryDirectoryServer(config);
        reference.startListening();
        try (
            DirectoryServer server = DirectoryServer.start(ServerOptions.forTest(SUFFIX, dir.resolve("d.cambium")),
                System.out);
            LDAPConnection ours = new LDAPConnection("127.0.0.1", server.port());
            LDAPConnection theirs = reference.getConnection())
        {
            ours.bind(ADMIN, "secret");
            theirs.bind(ADMIN, "secret");
            units.add(SUFFIX);
            run(ours, theirs, seed, 0,
                new AddRequest(SUFFIX, new Attribute("objectClass", "top", "domain"), new Attribute("dc", "example")));
            int searches = 0;
            for (int i = 1; i <= OPERATIONS; i++)
            {
                final LDAPRequest op = next();
                searches += op instanceof SearchRequest ? 1 : 0;
                run(ours, theirs, seed, i, op);
            }
            System.out
                .println("DifferentialTest: " + OPERATIONS + " operations agree (" + searches + " searches returning " +
                    entriesReturned + " entries, " + writesDone + " successful writes, result codes " + codes
                    + "), seed " + seed);
        }
        finally
        {
            reference.shutDown(true);
        }
    }

    private void run(final LDAPConnection ours, final LDAPConnection theirs, final long seed, final int step,
        final LDAPRequest op)
        throws LDAPException
    {
        final String where = "seed " + seed + ", operation " + step + ": " + op;
        if (op instanceof SearchRequest s)
        {
            final Outcome a = search(ours, s);
            final Outcome b = search(theirs, s);
            assertEquals(b.code, a.code, where);
            assertEquals(b.entries, a.entries, where);
            entriesReturned += a.entries.size();
            codes.merge(a.code, 1, Integer::sum);
            return;
        }
        final int a = code(ours, op);
        final int b = code(theirs, op);
        if (!knownDeviation(op, a, b))
        {
            assertEquals(b, a, where);
        }
        codes.merge(a, 1, Integer::sum);
        if (a == 0)
        {
            writesDone += op instanceof CompareRequest ? 0 : 1;
            track(op);
        }
    }

    /**
     * Where the reference departs from slapd and this server follows slapd: a compare of an
     * attribute the entry lacks is 16 (noSuchAttribute) in slapd, compareFalse in the reference; a
     * rename to the entry's own name is 68 (the name exists) here, 53 in the reference.
     */
    private static boolean knownDeviation(final LDAPRequest op, final int ours, final int theirs)
    {
        return (op instanceof CompareRequest && ours == 16 && theirs == 5) ||
            (op instanceof ModifyDNRequest && ours == 68 && theirs == 53);
    }

    private record Outcome(int code, TreeMap<String, TreeMap<String, TreeSet<String>>> entries)
    {
    }

    private static Outcome search(final LDAPConnection c, final SearchRequest s) throws LDAPException
    {
        SearchResult r;
        try
        {
            r = c.search(s);
        }
        catch (final LDAPSearchException e)
        {
            r = e.getSearchResult();
        }
        final TreeMap<String, TreeMap<String, TreeSet<String>>> entries = new TreeMap<>();
        for (final SearchResultEntry e : r.getSearchEntries())
        {
            final TreeMap<String, TreeSet<String>> attrs = new TreeMap<>();
            for (final Attribute a : e.getAttributes())
            {
                attrs.put(a.getName().toLowerCase(), new TreeSet<>(List.of(a.getValues())));
            }
            entries.put(new DN(e.getDN()).toNormalizedString(), attrs);
        }
        return new Outcome(r.getResultCode().intValue(), entries);
    }

    private static int code(final LDAPConnection c, final LDAPRequest op)
    {
        try
        {
            final LDAPResult r;
            if (op instanceof AddRequest a)
            {
                r = c.add(a);
            }
            else if (op instanceof DeleteRequest d)
            {
                r = c.delete(d);
            }
            else if (op instanceof ModifyRequest m)
            {
                r = c.modify(m);
            }
            else if (op instanceof ModifyDNRequest m)
            {
                r = c.modifyDN(m);
            }
            else
            {
                r = c.compare((CompareRequest)op);
            }
            return r.getResultCode().intValue();
        }
        catch (final LDAPException e)
        {
            return e.getResultCode().intValue();
        }
    }

    private void track(final LDAPRequest op) throws LDAPException
    {
        if (op instanceof AddRequest a)
        {
            (a.getDN().startsWith("ou=") ? units : people).add(a.getDN());
        }
        else if (op instanceof DeleteRequest d)
        {
            people.remove(d.getDN());
            units.remove(d.getDN());
        }
        else if (op instanceof ModifyDNRequest m)
        {
            // Forget everything at or below the moved entry; the searches rediscover nothing, which is fine:
            // later operations on old names exercise 32, on new names succeed.
            final DN moved = new DN(m.getDN());
            final DN parent = m.getNewSuperiorDN() == null ? moved.getParent() : new DN(m.getNewSuperiorDN());
            final String renamed = m.getNewRDN() + "," + parent;
            people.removeIf(d -> isAtOrBelow(d, moved));
            units.removeIf(d -> isAtOrBelow(d, moved));
            (renamed.startsWith("ou=") ? units : people).add(renamed);
        }
    }

    private static boolean isAtOrBelow(final String dn, final DN base)
    {
        try
        {
            return new DN(dn).isDescendantOf(base, true);
        }
        catch (final LDAPException e)
        {
            return false;
        }
    }

    private String pick(final List<String> from)
    {
        return from.get(random.nextInt(from.size()));
    }

    private String word()
    {
        return WORDS[random.nextInt(WORDS.length)];
    }

    /** Any known DN, or one that does not exist. */
    private String anyDn()
    {
        final int r = random.nextInt(10);
        if (r == 0)
        {
            return "uid=ghost" + random.nextInt(3) + "," + pick(units);
        }
        return r < 6 && !people.isEmpty() ? pick(people) : pick(units);
    }

    private LDAPRequest next() throws LDAPException
    {
        final int r = random.nextInt(100);
        if (r < 22)
        {
            if (random.nextInt(5) == 0)
            {
                // The RDN value is always in the entry: the reference adds a missing one, slapd refuses with 64.
                final String ou = "u" + random.nextInt(12);
                return new AddRequest("ou=" + ou + "," + pick(units),
                    new Attribute("objectClass", "top", "organizationalUnit"), new Attribute("ou", ou));
            }
            final String uid = "p" + random.nextInt(40);
            final List<Attribute> attrs = new ArrayList<>(List.of(
                new Attribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson"),
                new Attribute("uid", uid), new Attribute("cn", word(), word()), new Attribute("sn", word())));
            if (random.nextBoolean())
            {
                attrs.add(new Attribute("mail", uid + "@example.com"));
            }
            if (random.nextBoolean())
            {
                attrs.add(new Attribute("description", word()));
            }
            if (random.nextInt(20) == 0)
            {
                attrs.remove(3); // no sn: 65
            }
            return new AddRequest("uid=" + uid + "," + pick(units), attrs);
        }
        if (r < 30)
        {
            final String dn = anyDn();
            return new DeleteRequest(dn.equals(SUFFIX) ? "ou=u0," + SUFFIX : dn); // keep the suffix: the battery needs it
        }
        if (r < 45)
        {
            final List<Modification> mods = new ArrayList<>();
            for (int i = random.nextInt(3); i >= 0; i--)
            {
                final String attr = ATTRS[1 + random.nextInt(ATTRS.length - 2)];
                final ModificationType type = switch (random.nextInt(3))
                {
                    case 0 -> ModificationType.ADD;
                    case 1 -> ModificationType.DELETE;
                    default -> ModificationType.REPLACE;
                };
                mods.add(random.nextInt(4) == 0 && type != ModificationType.ADD
                    ? new Modification(type, attr)
                    : new Modification(type, attr,
                        attr.equals("mail") ? word().replace(' ', '.') + "@example.com" : word()));
            }
            return new ModifyRequest(anyDn(), mods);
        }
        if (r < 52)
        {
            // Not the suffix entry: renaming it is 53 here, 32 in the reference (its new name is outside).
            String dn = anyDn();
            while (dn.equals(SUFFIX))
            {
                dn = anyDn();
            }
            if (dn.startsWith("ou="))
            {
                // Not below itself: the reference accepts that move (and loses the subtree); 53 here.
                String superior = random.nextBoolean() ? pick(units) : null;
                if (superior != null && isAtOrBelow(superior, new DN(dn)))
                {
                    superior = null;
                }
                return new ModifyDNRequest(dn, "ou=u" + random.nextInt(12), true, superior);
            }
            return new ModifyDNRequest(dn, "uid=p" + random.nextInt(40), random.nextBoolean(),
                random.nextInt(3) == 0 ? pick(units) : null);
        }
        if (r < 58)
        {
            return new CompareRequest(anyDn(), ATTRS[random.nextInt(ATTRS.length)], word());
        }
        final SearchScope scope = switch (random.nextInt(4))
        {
            case 0 -> SearchScope.BASE;
            case 1 -> SearchScope.ONE;
            default -> SearchScope.SUB;
        };
        final String base = random.nextInt(3) == 0 ? SUFFIX : anyDn();
        final SearchRequest s = new SearchRequest(base, scope, filter(2),
            random.nextBoolean() ? new String[0] : new String[]{"cn", "mail", "uid"});
        return s;
    }

    private String filter(final int depth)
    {
        final int r = random.nextInt(depth > 0 ? 12 : 8);
        final String a = ATTRS[random.nextInt(ATTRS.length)];
        final String w = word();
        final String head = w.substring(0, Math.min(w.length(), 1 + random.nextInt(3)));
        return switch (r)
        {
            case 0, 1 -> "(" + a + "=" + w + ")";
            case 2 -> "(" + a + "=*)";
            case 3 -> "(" + a + "=" + head + "*)";
            case 4 -> "(" + a + "=*" + head.toLowerCase() + "*)";
            case 5 -> "(objectClass=" + (random.nextBoolean() ? "person" : "organizationalUnit") + ")";
            case 6 -> "(uid=p" + random.nextInt(40) + ")";
            case 7 -> "(" + a + (random.nextBoolean() ? ">=" : "<=") + w + ")";
            case 8 -> "(!" + filter(depth - 1) + ")";
            case 9 -> "(|" + filter(depth - 1) + filter(depth - 1) + ")";
            default -> "(&" + filter(depth - 1) + filter(depth - 1) + ")";
        };
    }
}
