package dev.cambium.jmh.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which build of Cambium's engine this benchmark jar holds: a SHA-256 over the names and bytes of every class under
 * {@code dev/cambium/} except the benchmarks' own ({@code dev/cambium/jmh/}), in name order, of the jar or class
 * directories the engine ({@code Database}) and the B+tree ({@code BTreeWriter}) were loaded from. {@link DatasetCache}
 * puts it into the marker of a cached Cambium store, so that a store loaded by one build of the engine (its page
 * layout, its leaf fill) is never measured by another: the cache lives outside the clone and outlives it. The
 * other stores' code is fixed by the pom's dependency versions, which the cache's format number stands for. Any thread.
 */
final class EngineBuild
{
    private static final String PREFIX = "dev/cambium/";
    private static final String OWN = "dev/cambium/jmh/";
    private static volatile String id;

    private EngineBuild()
    {
    }

    /**
     * @return the hex digest, computed once per JVM from the jar (or class directory) this class was loaded from.
     */
    static String id()
    {
        String s = id;
        if (s == null)
        {
            s = compute();
            id = s;
        }
        return s;
    }

    private static String compute()
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            // The engine and the B+tree module define what a loaded file looks like; in the benchmark jar both are
            // shaded into one jar, in a reactor build (tests) they are two class directories.
            final Path engine = location(dev.cambium.Database.class);
            final Path btree = location(dev.cambium.btree.BTreeWriter.class);
            hash(digest, engine);
            if (!btree.equals(engine))
            {
                hash(digest, btree);
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot read the engine's classes to identify its build", e);
        }
        catch (final URISyntaxException | NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("cannot identify the engine's build", e);
        }
    }

    private static Path location(final Class<?> c) throws URISyntaxException
    {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void hash(final MessageDigest digest, final Path from) throws IOException
    {
        if (Files.isDirectory(from))
        {
            final List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(from.resolve(PREFIX)))
            {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            files.sort(null);
            for (final Path f : files)
            {
                final String name = from.relativize(f).toString().replace('\\', '/');
                if (!name.startsWith(OWN))
                {
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(f));
                }
            }
        }
        else
        {
            try (JarFile jar = new JarFile(from.toFile()))
            {
                final List<JarEntry> entries = new ArrayList<>();
                for (final Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();)
                {
                    final JarEntry entry = e.nextElement();
                    if (!entry.isDirectory() && entry.getName().startsWith(PREFIX) &&
                        !entry.getName().startsWith(OWN))
                    {
                        entries.add(entry);
                    }
                }
                entries.sort((a, b) -> a.getName().compareTo(b.getName()));
                for (final JarEntry entry : entries)
                {
                    digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                    try (InputStream in = jar.getInputStream(entry))
                    {
                        digest.update(in.readAllBytes());
                    }
                }
            }
        }
    }
}
