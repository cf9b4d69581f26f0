package dev.cambium.ldap.protocol;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ResultCode;
import dev.cambium.ldap.search.Search;
import dev.cambium.ldap.schema.DirectorySchema;

import java.util.List;

/**
 * Who a connection is bound as, and the access policy that follows from it (OpenLDAP's usual
 * one): the admin may do anything; anyone may read everything but {@code userPassword}, which
 * only the admin and the entry itself may read; an entry may change its own {@code userPassword};
 * every other write is refused with 8 (anonymous) or 50 (bound, not the admin).
 *
 * <p>Threads: the connection's thread.
 */
final class Session
{
    private DN bound;
    private boolean admin;

    void anonymous()
    {
        bound = null;
        admin = false;
    }

    void bind(final DN dn, final boolean isAdmin)
    {
        bound = dn;
        admin = isAdmin;
    }

    boolean isAdmin()
    {
        return admin;
    }

    /**
     * @return the bound DN, or null if anonymous.
     */
    DN bound()
    {
        return bound;
    }

    /**
     * @param target an entry's DN.
     * @return true if the connection is bound as that entry.
     */
    boolean isSelf(final DN target)
    {
        return bound != null && bound.equals(target);
    }

    /**
     * @throws LDAPException 8 or 50 unless the admin.
     */
    void requireWrite() throws LDAPException
    {
        if (!admin)
        {
            throw refusal();
        }
    }

    /**
     * A modify is allowed to the admin, and to an entry changing only its own userPassword.
     *
     * @param target the entry.
     * @param mods   the modifications.
     * @param schema the schema (for attribute aliases).
     * @throws LDAPException 8 or 50 if refused.
     */
    void requireModify(final DN target, final List<Modification> mods, final DirectorySchema schema)
        throws LDAPException
    {
        if (admin)
        {
            return;
        }
        if (isSelf(target))
        {
            boolean onlyPassword = true;
            for (final Modification m : mods)
            {
                onlyPassword &= schema.key(m.getAttributeName()).equals(Search.USER_PASSWORD);
            }
            if (onlyPassword)
            {
                return;
            }
        }
        throw refusal();
    }

    /**
     * @param target an entry's DN.
     * @return true if this connection may read the entry's userPassword.
     */
    boolean mayReadPassword(final DN target)
    {
        return admin || isSelf(target);
    }

    LDAPException refusal()
    {
        return bound == null
            ? new LDAPException(ResultCode.STRONG_AUTH_REQUIRED, "modifications require authentication")
            : new LDAPException(ResultCode.INSUFFICIENT_ACCESS_RIGHTS, "no write access for " + bound);
    }

    /**
     * @return the WhoAmI authorization identity: {@code dn:<bound DN>}, or empty if anonymous.
     */
    String authzId()
    {
        return bound == null ? "" : "dn:" + bound;
    }
}
