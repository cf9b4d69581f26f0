/**
 * The refcounted revision list that Cambium's readers pin. Internal: exported only to the cleaner and the engine
 * (module {@code dev.cambium}).
 */
@SuppressWarnings("module") // the modules exported to are compiled later
module dev.cambium.revision
{
    exports dev.cambium.revision to dev.cambium.cleaner, dev.cambium;
}
