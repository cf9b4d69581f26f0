package dev.cambium.ldap;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar cambium-ldap.jar --suffix dc=example,dc=com ...}: runs the directory server
 * until SIGTERM (or Ctrl-C), then closes the listener and the database cleanly.
 */
public final class Main
{
    private Main()
    {
    }

    /**
     * @param args see {@code --help}.
     * @throws Exception if the server cannot start (exit status 1 with the message).
     */
    public static void main(final String[] args) throws Exception
    {
        final ServerOptions o;
        try
        {
            o = ServerOptions.parse(args);
        }
        catch (final IllegalArgumentException e)
        {
            System.err.println("cambium-ldap: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help)
        {
            System.out.println(ServerOptions.HELP);
            return;
        }
        final DirectoryServer server;
        try
        {
            server = DirectoryServer.start(o, System.out);
        }
        catch (final Exception e)
        {
            System.err.println("cambium-ldap: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            System.out.println("cambium-ldap stopped");
            System.out.flush();
            stopped.countDown();
        }, "cambium-ldap-shutdown"));
        System.out.println("cambium-ldap ready on ldap://" + o.host + ":" + server.port() + "/ suffix " + o.suffix +
            ", db " + o.db + " (" + o.durability.name().toLowerCase(java.util.Locale.ROOT) + ")" +
            (o.adminPassword == null ? ", admin bind disabled (no --admin-password)" : ""));
        System.out.flush();
        stopped.await();
    }
}
