package dev.cambium.engine;

import dev.cambium.CambiumException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks, once, that the JVM lets Agrona reach {@code jdk.internal.misc}, so a missing flag is
 * reported by {@link dev.cambium.Database#open} with the fix instead of an obscure
 * {@link IllegalAccessError} from deep inside the first page read.
 */
public final class JvmAccess
{
    /**
     * The JVM option every process that runs Cambium from the class path needs (the README and the CLI jar's
     * manifest, {@code Add-Exports: java.base/jdk.internal.misc}, name the same one; {@code --add-opens
     * java.base/java.util.zip} is needed only by Agrona's own CRC32C class, which Cambium does not use). On the module
     * path the export goes to Agrona's module instead: see {@link #requiredFlag()}.
     */
    public static final String REQUIRED_FLAGS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean checked;

    private JvmAccess()
    {
    }

    /**
     * @throws CambiumException naming the missing flag if Agrona cannot work in this JVM.
     */
    public static void check()
    {
        if (checked)
        {
            return;
        }
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN)
        {
            // Page fields are written in native order through Agrona buffers; the format is little-endian.
            throw new CambiumException("Cambium's file format is little-endian; this platform is big-endian");
        }
        try
        {
            final UnsafeBuffer probe = new UnsafeBuffer(new byte[16]);
            probe.putLong(0, 42L);
            if (probe.getLong(0) != 42L)
            {
                throw new CambiumException("Agrona's UnsafeBuffer does not work in this JVM");
            }
            checked = true;
        }
        catch (final IllegalAccessError | ExceptionInInitializerError | NoClassDefFoundError e)
        {
            throw new CambiumException("Cambium needs the JVM option " + requiredFlag() +
                " (Agrona uses jdk.internal.misc.Unsafe); start java with it", e);
        }
    }

    /**
     * The export Agrona needs, for the way this JVM loaded it: {@link #REQUIRED_FLAGS} when Agrona is on the class
     * path (in the unnamed module), {@code --add-exports java.base/jdk.internal.misc=org.agrona} (its module's name)
     * when it is on the module path, where an export to {@code ALL-UNNAMED} does not reach it.
     *
     * @return the JVM option, as it is typed on the command line.
     */
    public static String requiredFlag()
    {
        final Module agrona = UnsafeBuffer.class.getModule();
        return agrona.isNamed() ? "--add-exports java.base/jdk.internal.misc=" + agrona.getName() : REQUIRED_FLAGS;
    }
}
