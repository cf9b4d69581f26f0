/**
 * Cambium: an embedded, multi-version, copy-on-write B+tree storage engine.
 *
 * <p>The API is the package {@code dev.cambium} (databases, transactions, trees, cursors) and
 * {@code dev.cambium.codec} (order-preserving key codecs and tuples); every other package of this module and of the
 * modules it requires is internal. {@code org.agrona} is required transitively because the zero-copy accessors
 * ({@link dev.cambium.Cursor#keyBuffer()}) return Agrona's {@code DirectBuffer}.
 *
 * <p>Agrona needs {@code jdk.internal.misc}: on the module path start the JVM with
 * {@code --add-exports java.base/jdk.internal.misc=org.agrona}, on the class path with
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} ({@link dev.cambium.Database#open} names the one
 * its JVM lacks).
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Agrona 2.6 is an automatic module
module dev.cambium
{
    requires transitive org.agrona;
    requires dev.cambium.btree;
    requires dev.cambium.revision;
    requires dev.cambium.failpoint;
    requires dev.cambium.cleaner;
    requires java.management; // the DatabaseMXBean

    exports dev.cambium;
    exports dev.cambium.codec;
}
