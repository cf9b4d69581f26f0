package dev.cambium.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import dev.cambium.CheckReport;
import dev.cambium.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durability: a server in a child JVM ({@code --durability sync}) is killed with SIGKILL while a
 * client modifies entries; after a restart every modify the client saw acknowledged is there (an
 * entry holds its last acknowledged value or the one in flight at the kill), and the database
 * passes {@code check()}.
 */
class ServerKillNineTest
{
    private static final String SUFFIX = "dc=example,dc=com";
    private static final int ENTRIES = 20;

    @TempDir
    Path dir;

    private Process start(final Path db) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens",
            "java.base/java.util.zip=ALL-UNNAMED",
            "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--suffix", SUFFIX, "--db", db.toString(), "--port", "0", "--admin-password", "secret", "--durability",
            "sync"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the child's output until the ready line, then drains the rest on a thread. */
    private static int awaitReady(final Process p) throws Exception
    {
        final BufferedReader out = new BufferedReader(
            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null)
        {
            if (line.startsWith("cambium-ldap ready on ldap://"))
            {
                final String rest = line.substring("cambium-ldap ready on ldap://".length());
                final int port = Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
                final Thread drain = new Thread(() ->
                {
                    try
                    {
                        while (out.readLine() != null)
                        {
                            // keep the pipe empty
                        }
                    }
                    catch (final Exception ignored)
                    {
                        // the child is gone
                    }
                }, "child-output");
                drain.setDaemon(true);
                drain.start();
                return port;
            }
        }
        throw new AssertionError("the server exited before it was ready");
    }

    @Test
    void shouldKeepEveryAcknowledgedModifyAcrossKillNine() throws Exception
    {
        final String property = System.getProperty("test.seed");
        final long s = property == null || property.isBlank() ? System.nanoTime() : Long.parseLong(property.trim());
        final Random random = new Random(s);
        final Path db = dir.resolve("directory.cambium");
        final long[] acknowledged = new long[ENTRIES];
        final long[] inFlight = new long[ENTRIES];
        int total = 0;
        for (int round = 0; round < 3; round++)
        {
            final Process p = start(db);
            try
            {
                final int port = awaitReady(p);
                try (LDAPConnection c = new LDAPConnection("127.0.0.1", port))
                {
                    c.bind("cn=admin," + SUFFIX, "secret");
                    if (round == 0)
                    {
                        c.add(ServerFixture.request("dn: " + SUFFIX, "objectClass: dcObject",
                            "objectClass: organization", "dc: example", "o: E"));
                        for (int i = 0; i < ENTRIES; i++)
                        {
                            c.add(ServerFixture.request("dn: uid=u" + i + "," + SUFFIX, "objectClass: inetOrgPerson",
                                "uid: u" + i,
                                "cn: U", "sn: U", "description: 0"));
                        }
                    }
                    final int kills = 40 + random.nextInt(80); // modifies before the kill
                    for (int n = 0; n < kills; n++)
                    {
                        final int i = random.nextInt(ENTRIES);
                        final long value = acknowledged[i] + 1;
                        inFlight[i] = value;
                        c.modify("uid=u" + i + "," + SUFFIX,
                            new Modification(ModificationType.REPLACE, "description", Long.toString(value)));
                        acknowledged[i] = value;
                        total++;
                    }
                    // One more modify is sent but not waited for: the kill lands while it is in flight.
                    final int i = random.nextInt(ENTRIES);
                    inFlight[i] = acknowledged[i] + 1;
                    c.asyncModify(new com.unboundid.ldap.sdk.ModifyRequest("uid=u" + i + "," + SUFFIX,
                        new Modification(ModificationType.REPLACE, "description", Long.toString(inFlight[i]))), null);
                    p.destroyForcibly(); // SIGKILL
                    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                    assertEquals(137, p.exitValue(), "killed by SIGKILL (seed " + s + ")");
                }
                catch (final LDAPException e)
                {
                    throw new AssertionError("seed " + s + ": " + e, e);
                }
            }
            finally
            {
                p.destroyForcibly();
            }
            try (DirectoryServer server = DirectoryServer.start(ServerOptions.forTest(SUFFIX, db), System.out);
                LDAPConnection c = new LDAPConnection("127.0.0.1", server.port()))
            {
                for (int i = 0; i < ENTRIES; i++)
                {
                    final long found = Long
                        .parseLong(c.getEntry("uid=u" + i + "," + SUFFIX).getAttributeValue("description"));
                    assertTrue(found == acknowledged[i] || found == inFlight[i],
                        "seed " + s + ", round " + round + ": u" + i + " holds " + found + ", acknowledged "
                            + acknowledged[i]);
                    acknowledged[i] = found;
                }
            }
            try (Database d = Database.open(db))
            {
                final CheckReport report = d.check();
                assertTrue(report.ok(), "seed " + s + ": " + report);
            }
        }
        System.out.println("ServerKillNineTest: 3 kills, " + total + " acknowledged modifies kept (seed " + s + ")");
    }
}
