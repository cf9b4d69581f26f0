package dev.cambium.ldap;

import com.unboundid.ldap.sdk.AddRequest;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldif.LDIFException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process server on an ephemeral loopback port with a fresh database, the base entries of
 * a small directory, and SDK client connections to it.
 */
abstract class ServerFixture
{
    static final String SUFFIX = "dc=example,dc=com";
    static final String ADMIN = "cn=admin," + SUFFIX;
    static final String PEOPLE = "ou=people," + SUFFIX;
    static final String GROUPS = "ou=groups," + SUFFIX;
    /** slappasswd's {SSHA} of "secret". */
    static final String SSHA_SECRET = "{SSHA}DkMTwBl+a/3DQTxCYEApdUtNXGgdUac3";

    @TempDir
    Path dir;

    DirectoryServer server;
    LDAPConnection admin;
    LDAPConnection anonymous;
    private final List<LDAPConnection> opened = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception
    {
        server = DirectoryServer.start(ServerOptions.forTest(SUFFIX, dir.resolve("directory.cambium")), System.out);
        admin = connect();
        admin.bind(ADMIN, "secret");
        anonymous = connect();
        seed();
    }

    @AfterEach
    void stopServer()
    {
        opened.forEach(LDAPConnection::close);
        if (server != null)
        {
            server.close();
        }
    }

    LDAPConnection connect() throws LDAPException
    {
        final LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setBindWithDNRequiresPassword(false); // so a test can send what ldapsearch can
        final LDAPConnection c = new LDAPConnection(options, "127.0.0.1", server.port());
        opened.add(c);
        return c;
    }

    LDAPConnection bound(final String dn, final String password) throws LDAPException
    {
        final LDAPConnection c = connect();
        c.bind(dn, password);
        return c;
    }

    /** The entries every test starts with. */
    void seed() throws Exception
    {
        add("dn: " + SUFFIX, "objectClass: top", "objectClass: dcObject", "objectClass: organization", "dc: example",
            "o: Example");
        add("dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people");
        add("dn: " + GROUPS, "objectClass: organizationalUnit", "ou: groups");
        add("dn: uid=jen," + PEOPLE, "objectClass: inetOrgPerson", "uid: jen", "cn: Jen Jensen", "cn: Jenny",
            "sn: Jensen", "givenName: Jen", "mail: jen@example.com", "telephoneNumber: +1 555 0100",
            "userPassword: " + SSHA_SECRET, "employeeNumber: 7");
        add("dn: uid=bob," + PEOPLE, "objectClass: inetOrgPerson", "uid: bob", "cn: Bob Brown", "sn: Brown",
            "mail: bob@example.com", "userPassword: plain-pw", "description: likes ldap");
        add("dn: uid=ann," + PEOPLE, "objectClass: inetOrgPerson", "uid: ann", "cn: Ann Archer", "sn: Archer");
        add("dn: cn=staff," + GROUPS, "objectClass: groupOfNames", "cn: staff",
            "member: uid=jen," + PEOPLE, "member: UID=Bob, OU=People, DC=Example, DC=Com");
    }

    void add(final String... ldif) throws LDAPException
    {
        admin.add(request(ldif));
    }

    static AddRequest request(final String... ldif)
    {
        try
        {
            return new AddRequest(ldif);
        }
        catch (final LDIFException e)
        {
            throw new IllegalArgumentException("bad LDIF in a test: " + e.getMessage(), e);
        }
    }

    /** Runs a client call and returns its result code (0 when it returns normally). */
    static int code(final Call call)
    {
        try
        {
            call.run();
            return 0;
        }
        catch (final LDAPException e)
        {
            return e.getResultCode().intValue();
        }
    }

    static int code(final ResultCode rc)
    {
        return rc.intValue();
    }

    @FunctionalInterface
    interface Call
    {
        void run() throws LDAPException;
    }
}
