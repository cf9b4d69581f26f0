package dev.cambium.ldap.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored userPassword values in each scheme the server verifies, built here with the JDK's digests.
 */
class PasswordsTest
{
    private static byte[] b(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String scheme(final String name, final String algorithm, final String password, final byte[] salt)
        throws Exception
    {
        final MessageDigest md = MessageDigest.getInstance(algorithm);
        md.update(b(password));
        md.update(salt);
        final byte[] digest = md.digest();
        final byte[] all = Arrays.copyOf(digest, digest.length + salt.length);
        System.arraycopy(salt, 0, all, digest.length, salt.length);
        return "{" + name + "}" + Base64.getEncoder().encodeToString(all);
    }

    @Test
    void shouldVerifyEverySupportedScheme() throws Exception
    {
        final byte[] salt = {1, 2, 3, 4, 5, 6, 7, 8};
        final String[][] schemes = {
            {"SSHA", "SHA-1"}, {"SSHA256", "SHA-256"}, {"SSHA384", "SHA-384"}, {"SSHA512", "SHA-512"}, {"SMD5", "MD5"}};
        for (final String[] s : schemes)
        {
            final String stored = scheme(s[0], s[1], "secret", salt);
            assertTrue(Passwords.matches(b(stored), b("secret")), stored);
            assertFalse(Passwords.matches(b(stored), b("Secret")), stored);
            assertTrue(
                Passwords.matches(b(stored.replace("{" + s[0] + "}", "{" + s[0].toLowerCase() + "}")), b("secret")),
                "scheme names are case-insensitive");
        }
        final String[][] unsalted = {{"SHA", "SHA-1"}, {"SHA256", "SHA-256"}, {"SHA512", "SHA-512"}, {"MD5", "MD5"}};
        for (final String[] s : unsalted)
        {
            final String stored = scheme(s[0], s[1], "secret", new byte[0]);
            assertTrue(Passwords.matches(b(stored), b("secret")), stored);
            assertFalse(Passwords.matches(b(stored), b("secret2")), stored);
        }
        assertTrue(Passwords.matches(b(Passwords.ssha("pw", salt)), b("pw")));
        assertTrue(Passwords.matches(b("{SSHA}DkMTwBl+a/3DQTxCYEApdUtNXGgdUac3"), b("secret")), "slappasswd's output");
    }

    @Test
    void shouldCompareOtherValuesAsPlainTextAndRefuseUnknownOrDamagedHashes()
    {
        assertTrue(Passwords.matches(b("plain"), b("plain")));
        assertFalse(Passwords.matches(b("plain"), b("plain ")));
        assertTrue(Passwords.matches(b("{CLEARTEXT}plain"), b("plain")));
        assertFalse(Passwords.matches(b("{CRYPT}abJnggxhB/yWI"), b("{CRYPT}abJnggxhB/yWI")),
            "unknown scheme never matches");
        assertFalse(Passwords.matches(b("{SSHA}not base64!"), b("x")));
        assertFalse(Passwords.matches(b("{SSHA}AAAA"), b("x")), "shorter than a digest");
        assertFalse(Passwords.matches(b("{SHA}" + Base64.getEncoder().encodeToString(new byte[25])), b("x")),
            "unsalted with extra bytes");
    }
}
