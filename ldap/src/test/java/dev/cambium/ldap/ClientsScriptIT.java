package dev.cambium.ldap;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code src/test/scripts/clients.sh} (OpenLDAP's ldapadd, ldapsearch, ldapmodify, ldapdelete,
 * ldapmodrdn, ldapcompare and ldapwhoami against the shaded jar) in the integration-test phase, after
 * the jar is built, so that {@code mvn verify} runs it. The script installs ldap-utils if missing.
 */
class ClientsScriptIT
{
    @Test
    void shouldPassEveryRealClientCheck() throws Exception
    {
        final Path jar = Path.of(System.getProperty("cambium.ldap.jar", "target/cambium-ldap.jar"));
        final Path script = Path.of(System.getProperty("cambium.ldap.scripts", "src/test/scripts"), "clients.sh");
        assertTrue(Files.isRegularFile(jar), "no jar at " + jar.toAbsolutePath() + ": run mvn verify, not mvn test");
        final Path log = Files.createTempFile("clients", ".log");
        final Process p = new ProcessBuilder("bash", script.toString(), jar.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        final boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished)
        {
            p.destroyForcibly();
        }
        final String output = Files.readString(log);
        System.out.println(output);
        Files.deleteIfExists(log);
        assertTrue(finished, "clients.sh did not finish in 5 minutes:\n" + output);
        assertEquals(0, p.exitValue(), "clients.sh failed:\n" + output);
        assertTrue(output.contains("clients.sh: all checks passed"), output);
    }
}
