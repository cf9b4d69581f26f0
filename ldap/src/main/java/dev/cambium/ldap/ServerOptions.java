package dev.cambium.ldap;

import dev.cambium.Durability;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server's command line. Everything but {@code --suffix} has a default.
 */
public final class ServerOptions
{
    /** The attributes indexed when {@code --index} is not given. */
    public static final List<String> DEFAULT_INDEXES = List.of("objectClass", "uid", "cn", "sn", "givenName", "mail",
        "member", "uniqueMember");

    static final String HELP = String.join("\n",
        "usage: java -jar cambium-ldap.jar --suffix DN [options]",
        "",
        "  --suffix DN            the naming context served, e.g. dc=example,dc=com (required)",
        "  --port N               TCP port (default 10389; 0 picks a free one, printed on the ready line)",
        "  --host ADDRESS         address to listen on (default 127.0.0.1)",
        "  --db FILE              the Cambium database file (default directory.cambium; created if missing)",
        "  --admin-dn DN          the DN that may do anything (default cn=admin,<suffix>)",
        "  --admin-password PW    its password (default: none, and the admin cannot bind)",
        "  --durability MODE      sync (default: every write is on disk when acknowledged) or nosync",
        "  --import FILE.ldif     load entries before serving, one commit per batch, with progress lines",
        "  --batch N              entries per import commit (default 1000)",
        "  --index A,B,...        attributes with equality/presence/substring-initial indexes",
        "                         (default " + String.join(",", DEFAULT_INDEXES) + ")",
        "  --help                 this text",
        "",
        "Prints one line starting 'cambium-ldap ready' when it serves; stops cleanly on SIGTERM or Ctrl-C.");

    String suffix;
    int port = 10389;
    String host = "127.0.0.1";
    Path db = Path.of("directory.cambium");
    String adminDn;
    String adminPassword;
    Durability durability = Durability.SYNC;
    Path importFile;
    int batch = 1000;
    List<String> indexes = DEFAULT_INDEXES;
    boolean help;

    /**
     * @param args the command line.
     * @return the options.
     * @throws IllegalArgumentException with a message for the user if the line is wrong.
     */
    public static ServerOptions parse(final String... args)
    {
        final ServerOptions o = new ServerOptions();
        for (int i = 0; i < args.length; i++)
        {
            final String a = args[i];
            if (a.equals("--help") || a.equals("-h"))
            {
                o.help = true;
                continue;
            }
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(a + " needs a value (see --help)");
            }
            final String v = args[++i];
            switch (a)
            {
                case "--suffix" -> o.suffix = v;
                case "--port" -> o.port = number(a, v, 0, 65535);
                case "--host" -> o.host = v;
                case "--db" -> o.db = Path.of(v);
                case "--admin-dn" -> o.adminDn = v;
                case "--admin-password" -> o.adminPassword = v;
                case "--durability" -> o.durability = switch (v)
                {
                    case "sync" -> Durability.SYNC;
                    case "nosync" -> Durability.NO_SYNC;
                    default -> throw new IllegalArgumentException("--durability is sync or nosync, not " + v);
                };
                case "--import" -> o.importFile = Path.of(v);
                case "--batch" -> o.batch = number(a, v, 1, 1_000_000);
                case "--index" -> o.indexes = new ArrayList<>(Arrays.asList(v.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
            }
        }
        if (!o.help && o.suffix == null)
        {
            throw new IllegalArgumentException("--suffix is required (see --help)");
        }
        if (o.adminDn == null && o.suffix != null)
        {
            o.adminDn = "cn=admin," + o.suffix;
        }
        return o;
    }

    private static int number(final String option, final String v, final int min, final int max)
    {
        try
        {
            final int n = Integer.parseInt(v);
            if (n < min || n > max)
            {
                throw new IllegalArgumentException(option + " must be " + min + ".." + max + ", not " + v);
            }
            return n;
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(option + " needs a number, not " + v);
        }
    }

    /**
     * @return a builder-like copy for tests: options for an in-process server.
     * @param suffix the suffix.
     * @param db     the database file.
     */
    public static ServerOptions forTest(final String suffix, final Path db)
    {
        final ServerOptions o = parse("--suffix", suffix, "--db", db.toString(), "--port", "0",
            "--admin-password", "secret", "--durability", "nosync");
        return o;
    }

    /**
     * @param index the indexed attributes.
     * @return this.
     */
    public ServerOptions indexes(final List<String> index)
    {
        this.indexes = index;
        return this;
    }
}
