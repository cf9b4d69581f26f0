package dev.cambium.jmh.peers;

/** JVM flags every peer benchmark fork needs ({@link PeerWorkload}). */
final class Jvm
{
    /** Agrona 2.x (Cambium). */
    static final String AGRONA_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Agrona's CRC32C (Cambium). */
    static final String AGRONA_OPENS = "--add-opens=java.base/java.util.zip=ALL-UNNAMED";
    /** lmdbjava's zero-copy ByteBuffer proxy. */
    static final String LMDB_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** lmdbjava's zero-copy ByteBuffer proxy. */
    static final String LMDB_NIO_CH = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Room for the data set, the floor's arrays and MVStore's 1 GiB page cache. */
    static final String HEAP = "-Xmx6g";

    /**
     * All of them, for a JVM that runs the stores outside JMH ({@link LoadTimes}); an annotation
     * cannot take an array constant, so {@link PeerWorkload}'s {@code @Fork} lists them one by one.
     */
    static final String[] FLAGS = {AGRONA_EXPORTS, AGRONA_OPENS, LMDB_NIO, LMDB_NIO_CH, HEAP};

    private Jvm()
    {
    }
}
