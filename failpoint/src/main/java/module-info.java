/**
 * Named fault-injection points for Cambium's tests, free unless {@code -Dcambium.failpoints=true}. Internal:
 * exported only to the cleaner and the engine (module {@code dev.cambium}); tests arm failpoints from the class path.
 */
@SuppressWarnings("module") // the modules exported to are compiled later
module dev.cambium.failpoint
{
    exports dev.cambium.failpoint to dev.cambium.cleaner, dev.cambium;
}
