/**
 * Page layouts and the copy-on-write B+tree algorithms of Cambium. Internal: exported only to the engine
 * (module {@code dev.cambium}); the API is that module's packages {@code dev.cambium} and {@code dev.cambium.codec}.
 */
@SuppressWarnings({"module", "requires-automatic"}) // dev.cambium is compiled later; org.agrona is an automatic module
module dev.cambium.btree
{
    requires org.agrona;

    exports dev.cambium.btree to dev.cambium;
}
