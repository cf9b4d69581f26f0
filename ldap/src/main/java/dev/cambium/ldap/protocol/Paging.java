package dev.cambium.ldap.protocol;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Filter;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paged-results state of one connection (RFC 2696): per outstanding cookie, the ids of the
 * matching entries not yet sent. Each page is read in its own snapshot; an entry deleted since the
 * first page is skipped and one changed is checked against the filter again.
 *
 * <p>Threads: the connection's thread.
 */
final class Paging
{
    /**
     * @param remaining the ids still to send, in order.
     * @param filter    the search's filter (canonical names).
     * @param selection the attributes to return.
     */
    record State(List<Long> remaining, Filter filter, Selection selection)
    {
    }

    private final Map<Long, State> states = new HashMap<>();
    private long next = 1;

    /**
     * @param state what is left of a search.
     * @return the cookie naming it.
     */
    ASN1OctetString park(final State state)
    {
        final long cookie = next++;
        states.put(cookie, state);
        return new ASN1OctetString(ByteBuffer.allocate(8).putLong(cookie).array());
    }

    /**
     * @param cookie a cookie from {@link #park}.
     * @return its state, removed, or null if the cookie is unknown.
     */
    State take(final ASN1OctetString cookie)
    {
        final byte[] b = cookie.getValue();
        return b.length == 8 ? states.remove(ByteBuffer.wrap(b).getLong()) : null;
    }
}
