package dev.cambium.jmh;

/** JVM flags every benchmark fork needs (Agrona 2.x). */
final class Flags
{
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String ADD_OPENS = "--add-opens=java.base/java.util.zip=ALL-UNNAMED";

    private Flags()
    {
    }
}
