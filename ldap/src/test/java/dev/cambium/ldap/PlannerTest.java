package dev.cambium.ldap;

import com.unboundid.ldap.sdk.Filter;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.Durability;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.search.Planner;
import dev.cambium.ldap.store.Directory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LDIF import (one commit per batch, a progress line per batch) and the planner's choices on the
 * imported data: the cheapest AND branch by {@code count}, an OR only when it beats the scan.
 */
class PlannerTest
{
    private static final int PEOPLE = 2_000;

    @TempDir
    Path dir;

    private Path ldif() throws Exception
    {
        final StringBuilder b = new StringBuilder();
        b.append("dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: E\n\n");
        b.append("dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n");
        for (int i = 0; i < PEOPLE; i++)
        {
            b.append("dn: uid=user").append(i).append(",ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\n")
                .append("uid: user").append(i).append("\ncn: User ").append(i).append("\nsn: ")
                .append(i % 10 == 0 ? "Rare" : "Common")
                .append("\ndescription: d").append(i % 3).append("\n\n");
        }
        final Path file = dir.resolve("people.ldif");
        Files.writeString(file, b.toString());
        return file;
    }

    @Test
    void shouldImportInBatchesAndPickTheCheapestIndex() throws Exception
    {
        final DirectorySchema schema = DirectorySchema.standard();
        try (Database db = Database.open(dir.resolve("d.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            final Directory d = Directory.open(db, schema, new com.unboundid.ldap.sdk.DN("dc=example,dc=com"),
                ServerOptions.DEFAULT_INDEXES);
            final long before = db.revision();
            final ByteArrayOutputStream progress = new ByteArrayOutputStream();
            final long n = DirectoryServer.importLdif(d, ldif(), 500,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
            assertEquals(PEOPLE + 2, n);
            assertEquals(5, db.revision() - before, "one commit per batch of 500");
            final String lines = progress.toString(StandardCharsets.UTF_8);
            assertEquals(5, lines.lines().count(), lines);
            assertTrue(lines.lines().allMatch(l -> l.startsWith("import: ")), lines);

            d.read(s ->
            {
                final long scan = s.size();
                final Planner.Plan and = Planner.plan(s,
                    schema.canonical(parse("(&(objectClass=person)(sn=rare)(uid=user7*))")), scan);
                assertEquals(111, and.estimate(),
                    "uid=user7* (111 values) is cheaper than sn=rare (200) and objectClass (6,000 keys)");
                assertEquals(PEOPLE / 10,
                    Planner.plan(s, schema.canonical(parse("(&(sn=rare)(description=d1))")), scan).estimate(),
                    "the indexed branch; description is not indexed");
                assertEquals(2,
                    Planner.plan(s, schema.canonical(parse("(|(uid=user1)(uid=user2))")), scan).ids().length);
                assertNull(Planner.plan(s, schema.canonical(parse("(|(uid=user1)(description=d1))")), scan),
                    "an unindexed branch: scan");
                assertNull(Planner.plan(s, schema.canonical(parse("(|(sn=common)(sn=rare))")), scan),
                    "as costly as the scan");
                assertNull(Planner.plan(s, schema.canonical(parse("(!(uid=user1))")), scan));
                assertEquals(1, Planner.plan(s, schema.canonical(parse("(commonName=USER  42)")), scan).ids().length,
                    "alias, normalised");
                return null;
            });
            assertEquals(PEOPLE + 2L, (long)d.read(s -> s.size()));
        }
    }

    @Test
    void shouldRefuseABatchWithABadEntryWhole() throws Exception
    {
        final Path file = dir.resolve("bad.ldif");
        Files.writeString(file,
            "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: E\n\n" +
                "dn: uid=x,ou=missing,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: x\ncn: X\nsn: X\n\n");
        try (Database db = Database.open(dir.resolve("d.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            final Directory d = Directory.open(db, DirectorySchema.standard(),
                new com.unboundid.ldap.sdk.DN("dc=example,dc=com"),
                ServerOptions.DEFAULT_INDEXES);
            final com.unboundid.ldap.sdk.LDAPException e = assertThrows(com.unboundid.ldap.sdk.LDAPException.class,
                () -> DirectoryServer.importLdif(d, file, 100,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("uid=x,ou=missing"), e.getMessage());
            assertEquals(0L, (long)d.read(s -> s.size()), "the batch was not kept");
        }
    }

    @Test
    void shouldStopAtTheTimeLimitWithWhatItFound() throws Exception
    {
        final DirectorySchema schema = DirectorySchema.standard();
        try (Database db = Database.open(dir.resolve("d.cambium"),
            DatabaseOptions.builder().durability(Durability.NO_SYNC).build()))
        {
            final com.unboundid.ldap.sdk.DN suffix = new com.unboundid.ldap.sdk.DN("dc=example,dc=com");
            final Directory d = Directory.open(db, schema, suffix, ServerOptions.DEFAULT_INDEXES);
            DirectoryServer.importLdif(d, ldif(), 1000,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            final Filter all = schema.canonical(parse("(objectClass=*)"));
            d.read(s ->
            {
                try
                {
                    final dev.cambium.ldap.search.Search.Outcome expired = new dev.cambium.ldap.search.Search(s, all,
                        true,
                        dev.cambium.ldap.store.Snapshot.NOT_FOUND, System.nanoTime() - 1)
                        .run(suffix, com.unboundid.ldap.sdk.SearchScope.SUB, 0);
                    assertEquals(com.unboundid.ldap.sdk.ResultCode.TIME_LIMIT_EXCEEDED, expired.code);
                    assertEquals(0, expired.entries.size());
                    final dev.cambium.ldap.search.Search.Outcome limited = new dev.cambium.ldap.search.Search(s, all,
                        true,
                        dev.cambium.ldap.store.Snapshot.NOT_FOUND, Long.MAX_VALUE)
                        .run(suffix, com.unboundid.ldap.sdk.SearchScope.SUB, 10);
                    assertEquals(com.unboundid.ldap.sdk.ResultCode.SIZE_LIMIT_EXCEEDED, limited.code);
                    assertEquals(10, limited.entries.size());
                }
                catch (final com.unboundid.ldap.sdk.LDAPException e)
                {
                    throw new AssertionError(e);
                }
                return null;
            });
        }
    }

    @Test
    void shouldExplainTheCommandLine()
    {
        assertTrue(ServerOptions.HELP.contains("--durability"));
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse("--port", "10389"), "no suffix");
        assertThrows(IllegalArgumentException.class, () -> ServerOptions.parse("--suffix", "dc=x", "--port", "99999"));
        assertThrows(IllegalArgumentException.class,
            () -> ServerOptions.parse("--suffix", "dc=x", "--durability", "maybe"));
        final ServerOptions o = ServerOptions.parse("--suffix", "dc=x", "--index", "uid,cn");
        assertEquals("cn=admin,dc=x", o.adminDn);
        assertEquals(java.util.List.of("uid", "cn"), o.indexes);
    }

    private static Filter parse(final String f)
    {
        try
        {
            return Filter.create(f);
        }
        catch (final com.unboundid.ldap.sdk.LDAPException e)
        {
            throw new IllegalArgumentException(f, e);
        }
    }
}
