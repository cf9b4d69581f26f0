/**
 * The single thread that retires Cambium's revisions and decides page reuse. Internal: exported only to the engine
 * (module {@code dev.cambium}).
 */
@SuppressWarnings({"module", "requires-automatic"}) // dev.cambium is compiled later; org.agrona is an automatic module
module dev.cambium.cleaner
{
    requires dev.cambium.revision;
    requires dev.cambium.failpoint;
    requires org.agrona;
    requires org.jctools.core;
    // JCTools reaches sun.misc.Unsafe but only `requires static` jdk.unsupported: resolve it here.
    requires jdk.unsupported;

    exports dev.cambium.cleaner to dev.cambium;
}
