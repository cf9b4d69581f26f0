package dev.cambium.fault;

import dev.cambium.Durability;
import dev.cambium.engine.Engine;
import dev.cambium.engine.store.FaultyChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.cambium.fault.FaultFixtures.BASE;
import static dev.cambium.fault.FaultFixtures.assertClean;
import static dev.cambium.fault.FaultFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every positional write of a database's life (creation, growth, pages, meta pages) comes back short, a seeded
 * random 1..300 bytes at a time: {@code FileStorage} loops until each is complete, so the file reopened through
 * an ordinary channel holds exactly the committed revisions and passes {@code check()}.
 */
class ShortWriteTest
{
    private static final FaultFixtures.Shape SHAPE = new FaultFixtures.Shape(600);

    @TempDir
    Path dir;

    @Test
    void shouldCommitCompletePagesWhenEveryWriteIsShort()
    {
        final Path file = dir.resolve("short.cambium");
        final long seed = 0x5107L;
        final FaultyChannel channel = FaultyChannel.open(file, seed).shortWrites(300);
        try (Engine engine = SHAPE.prepare(Engine.open(channel.storage(), options(Durability.SYNC))))
        {
            SHAPE.commit(engine, 2);
            SHAPE.assertVersion(engine, 2, "in process");
            assertClean(engine, "in process");
        }
        assertTrue(channel.shortWrites() > 100, "short writes: " + channel.shortWrites());
        try (Engine reopened = Engine.open(file, options(Durability.SYNC)))
        {
            assertEquals(BASE + 1, reopened.revision());
            SHAPE.assertVersion(reopened, 2, "reopened");
            assertClean(reopened, "reopened");
        }
        System.out.printf("short writes: a database's creation and 3 commits written in %d calls, %d of them short " +
            "(1..300 bytes, seed %d); reopened intact%n", channel.writeCalls(), channel.shortWrites(), seed);
    }
}
