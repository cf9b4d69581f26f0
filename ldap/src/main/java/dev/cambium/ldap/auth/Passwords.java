package dev.cambium.ldap.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * Checks a presented password against a stored {@code userPassword} value, which is kept as given:
 * plain text, or {@code {SCHEME}base64} for the salted and unsalted SHA-1, SHA-2 and MD5 schemes
 * slapd and its tools write ({@code {SSHA}} is slappasswd's default), or {@code {CLEARTEXT}}.
 * Unknown schemes ({@code {CRYPT}}, ...) never match.
 */
public final class Passwords
{
    private Passwords()
    {
    }

    /**
     * @param stored    a stored value.
     * @param presented the password from a bind.
     * @return true if they match.
     */
    public static boolean matches(final byte[] stored, final byte[] presented)
    {
        if (stored.length > 2 && stored[0] == '{')
        {
            final String s = new String(stored, StandardCharsets.UTF_8);
            final int close = s.indexOf('}');
            if (close > 1)
            {
                return matchesScheme(s.substring(1, close).toUpperCase(Locale.ROOT), s.substring(close + 1), presented);
            }
        }
        return MessageDigest.isEqual(stored, presented);
    }

    private static boolean matchesScheme(final String scheme, final String rest, final byte[] presented)
    {
        if (scheme.equals("CLEARTEXT"))
        {
            return MessageDigest.isEqual(rest.getBytes(StandardCharsets.UTF_8), presented);
        }
        final boolean salted = scheme.startsWith("SSHA") || scheme.equals("SMD5");
        final String algorithm = algorithm(salted ? scheme.substring(1) : scheme);
        if (algorithm == null)
        {
            return false;
        }
        final byte[] decoded;
        try
        {
            decoded = Base64.getDecoder().decode(rest.trim());
        }
        catch (final IllegalArgumentException e)
        {
            return false;
        }
        try
        {
            final MessageDigest md = MessageDigest.getInstance(algorithm);
            final int n = md.getDigestLength();
            if (decoded.length < n || (!salted && decoded.length != n))
            {
                return false;
            }
            md.update(presented);
            md.update(decoded, n, decoded.length - n); // the salt follows the digest
            return MessageDigest.isEqual(md.digest(), Arrays.copyOf(decoded, n));
        }
        catch (final NoSuchAlgorithmException e)
        {
            return false;
        }
    }

    private static String algorithm(final String scheme)
    {
        switch (scheme)
        {
            case "SHA":
                return "SHA-1";
            case "SHA256":
                return "SHA-256";
            case "SHA384":
                return "SHA-384";
            case "SHA512":
                return "SHA-512";
            case "MD5":
                return "MD5";
            default:
                return null;
        }
    }

    /**
     * @param password a password.
     * @param salt     the salt.
     * @return {@code {SSHA}} of them, as slappasswd writes it (for tests and tools).
     */
    public static String ssha(final String password, final byte[] salt)
    {
        try
        {
            final MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(password.getBytes(StandardCharsets.UTF_8));
            md.update(salt);
            final byte[] digest = md.digest();
            final byte[] all = Arrays.copyOf(digest, digest.length + salt.length);
            System.arraycopy(salt, 0, all, digest.length, salt.length);
            return "{SSHA}" + Base64.getEncoder().encodeToString(all);
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
