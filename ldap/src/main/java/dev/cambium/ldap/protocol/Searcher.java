package dev.cambium.ldap.protocol;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.listener.LDAPListenerClientConnection;
import com.unboundid.ldap.protocol.SearchRequestProtocolOp;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.search.Search;
import dev.cambium.ldap.store.Directory;
import dev.cambium.ldap.store.Snapshot;
import dev.cambium.ldap.store.StoredEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One search request: the root DSE, or a {@link Search} in one snapshot whose entries are selected
 * inside the snapshot and sent after it closes (no snapshot is held while the network is slow), with
 * size and time limits and the paged-results control.
 */
final class Searcher
{
    private static final Logger LOG = Logger.getLogger(Searcher.class.getName());

    private final Directory directory;
    private final DirectorySchema schema;
    private final Session session;
    private final LDAPListenerClientConnection connection;
    private final int messageId;

    /**
     * @param code      the result code.
     * @param matchedDn the matched DN, or null.
     * @param message   the diagnostic message, or null.
     * @param controls  the response controls.
     */
    record Done(int code, String matchedDn, String message, List<Control> controls)
    {
        static Done of(final ResultCode code)
        {
            return new Done(code.intValue(), null, null, List.of());
        }
    }

    Searcher(final Directory directory, final Session session, final LDAPListenerClientConnection connection,
        final int messageId)
    {
        this.directory = directory;
        this.schema = directory.schema();
        this.session = session;
        this.connection = connection;
        this.messageId = messageId;
    }

    /** What one snapshot produced: entries ready to send, and how the search ended. */
    private record Batch(List<Entry> entries, List<Long> rest, ResultCode code, LDAPException failure)
    {
    }

    Done search(final SearchRequestProtocolOp request, final List<Control> controls, final Paging paging)
    {
        try
        {
            return run(request, controls, paging);
        }
        catch (final LDAPException e)
        {
            return new Done(e.getResultCode().intValue(), e.getMatchedDN(), RequestHandler.diagnostic(e), List.of());
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, "search failed", e);
            return new Done(ResultCode.OTHER_INT_VALUE, null, "search failed: " + e, List.of());
        }
    }

    private Done run(final SearchRequestProtocolOp request, final List<Control> controls, final Paging paging)
        throws LDAPException
    {
        SimplePagedResultsControl paged = null;
        for (final Control c : controls)
        {
            if (c.getOID().equals(SimplePagedResultsControl.PAGED_RESULTS_OID))
            {
                paged = new SimplePagedResultsControl(c.getOID(), c.isCritical(), c.getValue());
            }
            else if (c.isCritical() && !c.getOID().equals(RequestHandler.MANAGE_DSA_IT_OID))
            {
                throw new LDAPException(ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
                    "critical control " + c.getOID() + " is not supported");
            }
        }
        final Selection selection = new Selection(request.getAttributes(), request.typesOnly(), schema);
        final Filter filter = schema.canonical(request.getFilter());
        if (request.getBaseDN().isEmpty())
        {
            if (request.getScope() != SearchScope.BASE)
            {
                throw new LDAPException(ResultCode.NO_SUCH_OBJECT,
                    "no entry above the naming context " + directory.suffix());
            }
            final Entry dse = rootDse();
            if (Search.matchesRootDse(filter, dse, schema))
            {
                send(rootSelection(dse, request.getAttributes(), request.typesOnly()));
            }
            return Done.of(ResultCode.SUCCESS);
        }
        final DN base;
        try
        {
            base = new DN(request.getBaseDN(), schema.schema());
        }
        catch (final LDAPException e)
        {
            throw new LDAPException(ResultCode.INVALID_DN_SYNTAX, "invalid DN: " + request.getBaseDN());
        }
        final long deadline = request.getTimeLimit() > 0
            ? System.nanoTime() + request.getTimeLimit() * 1_000_000_000L
            : Long.MAX_VALUE;
        if (paged != null && paged.getCookie() != null && paged.getCookie().getValueLength() > 0)
        {
            final Paging.State state = paging.take(paged.getCookie());
            if (state == null)
            {
                throw new LDAPException(ResultCode.UNWILLING_TO_PERFORM, "paged results cookie is invalid");
            }
            if (paged.getSize() == 0)
            {
                return pagedDone(ResultCode.SUCCESS, new ASN1OctetString()); // the client abandons the search
            }
            final Batch b = nextPage(state, paged.getSize());
            b.entries().forEach(this::send);
            return pagedDone(ResultCode.SUCCESS, b.rest().isEmpty()
                ? new ASN1OctetString()
                : paging.park(new Paging.State(b.rest(), state.filter(), state.selection())));
        }
        final int pageSize = paged == null ? 0 : paged.getSize();
        final int sizeLimit = request.getSizeLimit();
        final Batch b = directory.read(s ->
        {
            final long selfId = session.bound() == null ? Snapshot.NOT_FOUND : s.find(session.bound());
            final Search search = new Search(s, filter, session.isAdmin(), selfId, deadline);
            final Search.Outcome o;
            try
            {
                o = search.run(base, request.getScope(), sizeLimit);
            }
            catch (final LDAPException e)
            {
                return new Batch(List.of(), List.of(), null, e);
            }
            final int n = pageSize > 0 ? Math.min(pageSize, o.entries.size()) : o.entries.size();
            final List<Entry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
            {
                final long entryId = o.ids.get(i);
                out.add(selection.apply(o.entries.get(i), () -> s.childCount(entryId)));
            }
            return new Batch(out, new ArrayList<>(o.ids.subList(n, o.ids.size())), o.code, null);
        });
        if (b.failure() != null)
        {
            throw b.failure();
        }
        b.entries().forEach(this::send);
        if (paged == null)
        {
            return Done.of(b.code());
        }
        return pagedDone(b.code(), b.rest().isEmpty()
            ? new ASN1OctetString()
            : paging.park(new Paging.State(b.rest(), filter, selection)));
    }

    private Batch nextPage(final Paging.State state, final int size)
    {
        return directory.read(s ->
        {
            final long selfId = session.bound() == null ? Snapshot.NOT_FOUND : s.find(session.bound());
            final Search search = new Search(s, state.filter(), session.isAdmin(), selfId, Long.MAX_VALUE);
            final List<Entry> out = new ArrayList<>();
            int i = 0;
            for (; i < state.remaining().size() && out.size() < size; i++)
            {
                final long entryId = state.remaining().get(i);
                final StoredEntry stored = s.load(entryId);
                if (stored == null)
                {
                    continue;
                }
                final Entry e = search.visible(s.toEntry(stored), entryId);
                if (search.matches(e))
                {
                    out.add(state.selection().apply(e, () -> s.childCount(entryId)));
                }
            }
            return new Batch(out, new ArrayList<>(state.remaining().subList(i, state.remaining().size())),
                ResultCode.SUCCESS, null);
        });
    }

    private static Done pagedDone(final ResultCode code, final ASN1OctetString cookie)
    {
        return new Done(code.intValue(), null, null, List.of(new SimplePagedResultsControl(0, cookie)));
    }

    private void send(final Entry e)
    {
        try
        {
            connection.sendSearchResultEntry(messageId, e);
        }
        catch (final LDAPException x)
        {
            // The client went away; the listener closes the connection.
            LOG.log(Level.FINE, "could not send an entry", x);
        }
    }

    private Entry rootDse()
    {
        final Entry e = new Entry("");
        e.addAttribute("objectClass", "top");
        e.addAttribute("namingContexts", directory.suffix().toString());
        e.addAttribute("supportedLDAPVersion", "3");
        e.addAttribute("supportedControl", SimplePagedResultsControl.PAGED_RESULTS_OID,
            RequestHandler.MANAGE_DSA_IT_OID);
        e.addAttribute("supportedExtension", RequestHandler.WHO_AM_I_OID);
        e.addAttribute("supportedFeatures", "1.3.6.1.4.1.4203.1.5.1");
        e.addAttribute("vendorName", "Cambium");
        e.addAttribute("subschemaSubentry", "cn=Subschema");
        return e;
    }

    /** The root DSE's attributes are operational, except objectClass: slapd's selection. */
    private Entry rootSelection(final Entry dse, final List<String> requested, final boolean typesOnly)
    {
        boolean user = requested.isEmpty();
        boolean ops = false;
        final List<String> named = new ArrayList<>();
        for (final String r : requested)
        {
            user |= r.equals("*");
            ops |= r.equals("+");
            named.add(schema.key(r));
        }
        final Entry out = new Entry("");
        for (final Attribute a : dse.getAttributes())
        {
            final boolean objectClass = a.getName().equals("objectClass");
            if ((objectClass && user) || (!objectClass && ops) || named.contains(schema.key(a.getName())))
            {
                out.addAttribute(typesOnly ? new Attribute(a.getName()) : a);
            }
        }
        return out;
    }
}
