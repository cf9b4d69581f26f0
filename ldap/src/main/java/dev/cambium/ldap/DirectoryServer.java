package dev.cambium.ldap;

import com.unboundid.ldap.listener.LDAPListener;
import com.unboundid.ldap.listener.LDAPListenerConfig;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFException;
import com.unboundid.ldif.LDIFReader;
import dev.cambium.Database;
import dev.cambium.DatabaseOptions;
import dev.cambium.ldap.protocol.RequestHandler;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.store.Directory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A running directory server: the Cambium database, the {@link Directory} on it, and the SDK's
 * listener on a loopback port by default.
 */
public final class DirectoryServer implements AutoCloseable
{
    private final Database db;
    private final Directory directory;
    private final LDAPListener listener;
    private boolean closed;

    private DirectoryServer(final Database db, final Directory directory, final LDAPListener listener)
    {
        this.db = db;
        this.directory = directory;
        this.listener = listener;
    }

    /**
     * Opens the database, imports the LDIF file if one is given, and starts listening.
     *
     * @param o   the options.
     * @param out where progress lines go.
     * @return the running server.
     * @throws LDAPException if the suffix or admin DN is invalid, or an imported entry is refused.
     * @throws IOException   if the listener cannot start or the LDIF file cannot be read.
     */
    public static DirectoryServer start(final ServerOptions o, final PrintStream out) throws LDAPException, IOException
    {
        final DirectorySchema schema = DirectorySchema.standard();
        final DN suffix = new DN(o.suffix, schema.schema());
        final DN admin = new DN(o.adminDn, schema.schema());
        final Database db = Database.open(o.db, DatabaseOptions.builder().durability(o.durability).build());
        try
        {
            final Directory directory = Directory.open(db, schema, suffix, o.indexes);
            if (o.importFile != null)
            {
                importLdif(directory, o.importFile, o.batch, out);
            }
            // Without a configured password nobody can bind as the admin.
            final byte[] password = o.adminPassword == null ? null : o.adminPassword.getBytes(StandardCharsets.UTF_8);
            final LDAPListenerConfig config = new LDAPListenerConfig(o.port,
                new RequestHandler(directory, admin, password));
            config.setListenAddress(InetAddress.getByName(o.host));
            final LDAPListener listener = new LDAPListener(config);
            listener.startListening();
            return new DirectoryServer(db, directory, listener);
        }
        catch (final LDAPException | IOException | RuntimeException e)
        {
            db.close();
            throw e;
        }
    }

    /**
     * Loads an LDIF file, one write transaction per batch, printing a progress line per batch.
     *
     * @param directory the directory.
     * @param file      the LDIF file.
     * @param batchSize entries per commit.
     * @param out       where progress lines go.
     * @return the number of entries imported.
     * @throws IOException   if the file cannot be read.
     * @throws LDAPException if an entry is refused (its batch is not kept).
     */
    public static long importLdif(final Directory directory, final Path file, final int batchSize,
        final PrintStream out)
        throws IOException, LDAPException
    {
        final long start = System.nanoTime();
        long total = 0;
        try (LDIFReader reader = new LDIFReader(file.toFile()))
        {
            final List<Entry> batch = new ArrayList<>(batchSize);
            while (true)
            {
                final Entry e;
                try
                {
                    e = reader.readEntry();
                }
                catch (final LDIFException x)
                {
                    throw new IOException(file + ": " + x.getMessage(), x);
                }
                if (e != null)
                {
                    batch.add(e);
                }
                if (batch.size() == batchSize || (e == null && !batch.isEmpty()))
                {
                    directory.addAll(batch);
                    total += batch.size();
                    batch.clear();
                    final double seconds = (System.nanoTime() - start) / 1e9;
                    out.printf("import: %,d entries, %.1f s, %,.0f entries/s%n", total, seconds,
                        total / Math.max(seconds, 1e-9));
                }
                if (e == null)
                {
                    return total;
                }
            }
        }
    }

    /**
     * @return the port it listens on.
     */
    public int port()
    {
        return listener.getListenPort();
    }

    /**
     * @return the directory.
     */
    public Directory directory()
    {
        return directory;
    }

    /**
     * Stops listening (closing connections) and closes the database. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            listener.shutDown(true);
            db.close();
        }
    }
}
