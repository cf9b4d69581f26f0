package dev.cambium.cli;

import dev.cambium.Cursor;
import dev.cambium.Database;
import dev.cambium.ReadTransaction;
import dev.cambium.Tree;
import dev.cambium.WriteTransaction;
import dev.cambium.codec.KeyCodecs;
import dev.cambium.codec.KeyRange;
import dev.cambium.codec.Tuple;
import dev.cambium.codec.TupleEncoder;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A small directory on Cambium: each LDAP add touches the entry table, the DN index, the RDN index
 * (forward and reverse), the objectClass index, the presence index and the cn index, all in one
 * write transaction. A failed add (rolled back) leaves no trace in any tree.
 */
final class Demo
{
    static final String DEFAULT_FILE = "cambium-demo.db";

    private final PrintWriter out;

    Demo(final PrintWriter out)
    {
        this.out = out;
    }

    void run(final Path file)
    {
        out.println("database: " + file.toAbsolutePath());
        try (Database db = Database.open(file))
        {
            out.println("opened at revision " + db.revision() + ", page size " + db.pageSize());
            db.write(txn ->
            {
                add(txn, 1, 0, "dc=example,dc=com", "dc=example",
                    Map.of("objectClass", List.of("top", "domain"), "dc", List.of("example")));
                add(txn, 2, 1, "ou=people,dc=example,dc=com", "ou=people",
                    Map.of("objectClass", List.of("top", "organizationalUnit"), "ou", List.of("people")));
            });
            out.println("committed the suffix and ou=people: revision " + db.revision());
            db.write(txn ->
            {
                add(txn, 3, 2, "cn=Jen Barber,ou=people,dc=example,dc=com", "cn=jen barber",
                    Map.of("objectClass", List.of("top", "person", "inetOrgPerson"),
                        "cn", List.of("Jen Barber"), "sn", List.of("Barber"), "mail", List.of("jen@example.com")));
                add(txn, 4, 2, "cn=Jenkins,ou=people,dc=example,dc=com", "cn=jenkins",
                    Map.of("objectClass", List.of("top", "person"), "cn", List.of("Jenkins"), "sn",
                        List.of("Jenkins")));
                add(txn, 5, 2, "cn=Roy Trenneman,ou=people,dc=example,dc=com", "cn=roy trenneman",
                    Map.of("objectClass", List.of("top", "person"), "cn", List.of("Roy Trenneman"),
                        "sn", List.of("Trenneman")));
            });
            out.println("committed three person entries across 7 trees in one transaction: revision " + db.revision());
            try (WriteTransaction txn = db.beginWrite())
            {
                add(txn, 6, 2, "cn=Moss,ou=people,dc=example,dc=com", "cn=moss",
                    Map.of("objectClass", List.of("top", "person"), "cn", List.of("Moss")));
                txn.rollback(); // e.g. a schema check failed after the indexes were touched
            }
            out.println("rolled back the add of cn=Moss");
        }

        out.println("reopening...");
        try (Database db = Database.open(file); ReadTransaction txn = db.beginRead())
        {
            out.println("revision " + txn.revision() + ", trees:");
            for (final String name : txn.treeNames())
            {
                out.printf("  %-12s %d entries%n", name, txn.tree(name).size());
            }
            final Tree objectClass = txn.tree("objectClass");
            final KeyRange persons = Tuple.of("person").prefixRange();
            out.println("(objectClass=person) count from the index, O(log n): " +
                objectClass.count(persons.from(), persons.to()));
            out.println("(cn=jen*):");
            try (Cursor c = txn.tree("cn").cursor())
            {
                final KeyRange range = new TupleEncoder().stringPrefixRange("jen");
                for (boolean ok = c.seek(range.from()); ok && range.contains(c.key()); ok = c.next())
                {
                    final long id = Tuple.decode(c.key()).getLong(1);
                    out.println("  id " + id + ": " + dn(txn, id));
                }
            }
            final byte[] moss = txn.tree("dn")
                .get("cn=moss,ou=people,dc=example,dc=com".getBytes(StandardCharsets.UTF_8));
            out.println("cn=Moss present after rollback: " + (moss != null));
            final byte[] entry = txn.tree("entries").get(KeyCodecs.LONG.encode(3L));
            out.println("entry 3:");
            out.print(new String(entry, StandardCharsets.UTF_8).indent(2));
        }
    }

    private static String dn(final ReadTransaction txn, final long id)
    {
        final byte[] entry = txn.tree("entries").get(KeyCodecs.LONG.encode(id));
        final String ldif = new String(entry, StandardCharsets.UTF_8);
        return ldif.substring(4, ldif.indexOf('\n'));
    }

    private static void add(
        final WriteTransaction txn, final long id, final long parent, final String dn, final String rdn,
        final Map<String, List<String>> attributes)
    {
        final byte[] idKey = KeyCodecs.LONG.encode(id);
        final StringBuilder ldif = new StringBuilder("dn: ").append(dn).append('\n');
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> e.getValue().forEach(v -> ldif.append(e.getKey()).append(": ").append(v).append('\n')));
        txn.openOrCreateTree("entries").put(idKey, ldif.toString().getBytes(StandardCharsets.UTF_8));
        txn.openOrCreateTree("dn").put(dn.toLowerCase().getBytes(StandardCharsets.UTF_8), idKey);
        txn.openOrCreateTree("rdn").put(Tuple.of(parent, rdn).encode(), idKey);
        txn.openOrCreateTree("rdn-reverse").put(idKey, Tuple.of(parent, rdn).encode());
        final Tree objectClass = txn.openOrCreateTree("objectClass");
        for (final String oc : attributes.getOrDefault("objectClass", List.of()))
        {
            objectClass.put(Tuple.of(oc.toLowerCase(), id).encode(), new byte[0]);
        }
        final Tree presence = txn.openOrCreateTree("presence");
        for (final String attribute : attributes.keySet())
        {
            presence.put(Tuple.of(attribute.toLowerCase(), id).encode(), new byte[0]);
        }
        final Tree cn = txn.openOrCreateTree("cn");
        for (final String value : attributes.getOrDefault("cn", List.of()))
        {
            cn.put(Tuple.of(value.toLowerCase(), id).encode(), new byte[0]);
        }
    }
}
