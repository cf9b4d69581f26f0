package dev.cambium.ldap.protocol;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.protocol.AddRequestProtocolOp;
import com.unboundid.ldap.protocol.AddResponseProtocolOp;
import com.unboundid.ldap.protocol.BindRequestProtocolOp;
import com.unboundid.ldap.protocol.BindResponseProtocolOp;
import com.unboundid.ldap.protocol.CompareRequestProtocolOp;
import com.unboundid.ldap.protocol.CompareResponseProtocolOp;
import com.unboundid.ldap.protocol.DeleteRequestProtocolOp;
import com.unboundid.ldap.protocol.DeleteResponseProtocolOp;
import com.unboundid.ldap.protocol.ExtendedRequestProtocolOp;
import com.unboundid.ldap.protocol.ExtendedResponseProtocolOp;
import com.unboundid.ldap.protocol.LDAPMessage;
import com.unboundid.ldap.protocol.ModifyDNRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyDNResponseProtocolOp;
import com.unboundid.ldap.protocol.ModifyRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyResponseProtocolOp;
import com.unboundid.ldap.protocol.SearchRequestProtocolOp;
import com.unboundid.ldap.protocol.SearchResultDoneProtocolOp;
import com.unboundid.ldap.listener.LDAPListenerClientConnection;
import com.unboundid.ldap.listener.LDAPListenerRequestHandler;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import dev.cambium.ldap.auth.Passwords;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.search.Search;
import dev.cambium.ldap.store.Directory;
import dev.cambium.ldap.store.Snapshot;
import dev.cambium.ldap.store.StoredEntry;

import java.security.MessageDigest;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns LDAP requests into directory operations, one handler per connection (the SDK's listener
 * runs each connection on its own thread and hands it that connection's requests in order). Every
 * write is one {@link Directory} call, so one write transaction; a search runs in one snapshot.
 */
public final class RequestHandler extends LDAPListenerRequestHandler
{
    /** RFC 4532 Who am I? */
    public static final String WHO_AM_I_OID = "1.3.6.1.4.1.4203.1.11.3";
    /** RFC 3296 ManageDsaIT: accepted (there are no referrals to manage). */
    public static final String MANAGE_DSA_IT_OID = "2.16.840.1.113730.3.4.2";
    private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());

    private final Directory directory;
    private final DirectorySchema schema;
    private final DN adminDn;
    private final byte[] adminPassword;
    private final LDAPListenerClientConnection connection;
    private final Session session = new Session();
    private final Paging paging = new Paging();

    /**
     * @param directory     the directory.
     * @param adminDn       the DN that may do anything.
     * @param adminPassword its password, or null if the admin may not bind.
     */
    public RequestHandler(final Directory directory, final DN adminDn, final byte[] adminPassword)
    {
        this(directory, adminDn, adminPassword, null);
    }

    private RequestHandler(final Directory directory, final DN adminDn, final byte[] adminPassword,
        final LDAPListenerClientConnection connection)
    {
        this.directory = directory;
        this.schema = directory.schema();
        this.adminDn = adminDn;
        this.adminPassword = adminPassword;
        this.connection = connection;
    }

    @Override
    public LDAPListenerRequestHandler newInstance(final LDAPListenerClientConnection c)
    {
        return new RequestHandler(directory, adminDn, adminPassword, c);
    }

    /** A result as the fields every response carries. */
    private record Result(int code, String matchedDn, String message)
    {
        static final Result OK = new Result(0, null, null);

        static Result of(final LDAPException e)
        {
            return new Result(e.getResultCode().intValue(), e.getMatchedDN(), diagnostic(e));
        }
    }

    /**
     * @param e a refusal.
     * @return its diagnostic message, or its exception message when it was raised here.
     */
    static String diagnostic(final LDAPException e)
    {
        return e.getDiagnosticMessage() != null ? e.getDiagnosticMessage() : e.getMessage();
    }

    @FunctionalInterface
    private interface Operation
    {
        void run() throws LDAPException;
    }

    private Result perform(final String what, final Operation op)
    {
        try
        {
            op.run();
            return Result.OK;
        }
        catch (final LDAPException e)
        {
            return Result.of(e);
        }
        catch (final RuntimeException e)
        {
            LOG.log(Level.WARNING, what + " failed", e);
            return new Result(ResultCode.OTHER_INT_VALUE, null, what + " failed: " + e);
        }
    }

    /** Refuses a critical control the server does not implement (12). */
    private static void checkControls(final List<Control> controls, final boolean search) throws LDAPException
    {
        for (final Control c : controls)
        {
            final boolean known = c.getOID().equals(MANAGE_DSA_IT_OID) ||
                (search && c.getOID().equals(SimplePagedResultsControl.PAGED_RESULTS_OID));
            if (c.isCritical() && !known)
            {
                throw new LDAPException(ResultCode.UNAVAILABLE_CRITICAL_EXTENSION,
                    "critical control " + c.getOID() + " is not supported");
            }
        }
    }

    private DN dn(final String s) throws LDAPException
    {
        try
        {
            return new DN(s, schema.schema());
        }
        catch (final LDAPException e)
        {
            throw new LDAPException(ResultCode.INVALID_DN_SYNTAX, "invalid DN: " + s);
        }
    }

    @Override
    public LDAPMessage processBindRequest(final int id, final BindRequestProtocolOp request,
        final List<Control> controls)
    {
        final Result r = perform("bind", () ->
        {
            session.anonymous(); // a bind, successful or not, first drops the previous identity
            checkControls(controls, false);
            if (request.getVersion() != 3)
            {
                throw new LDAPException(ResultCode.PROTOCOL_ERROR, "only LDAPv3 is supported");
            }
            if (request.getCredentialsType() != BindRequestProtocolOp.CRED_TYPE_SIMPLE)
            {
                throw new LDAPException(ResultCode.AUTH_METHOD_NOT_SUPPORTED, "only simple binds are supported");
            }
            final byte[] password = request.getSimplePassword().getValue();
            if (request.getBindDN().isEmpty())
            {
                if (password.length > 0)
                {
                    throw new LDAPException(ResultCode.INVALID_CREDENTIALS, "a password needs a DN");
                }
                return; // anonymous
            }
            final DN dn = dn(request.getBindDN());
            if (password.length == 0)
            {
                throw new LDAPException(ResultCode.UNWILLING_TO_PERFORM,
                    "unauthenticated bind (DN with no password) disallowed");
            }
            if (dn.equals(adminDn))
            {
                if (adminPassword == null || !MessageDigest.isEqual(password, adminPassword))
                {
                    throw new LDAPException(ResultCode.INVALID_CREDENTIALS, "invalid credentials");
                }
                session.bind(dn, true);
                return;
            }
            final boolean ok = directory.read(s ->
            {
                final long entryId = s.find(dn);
                final StoredEntry e = entryId == Snapshot.NOT_FOUND ? null : s.load(entryId);
                if (e == null)
                {
                    return false;
                }
                for (final Attribute a : e.attributes())
                {
                    if (schema.key(a.getName()).equals(Search.USER_PASSWORD))
                    {
                        for (final byte[] v : a.getValueByteArrays())
                        {
                            if (Passwords.matches(v, password))
                            {
                                return true;
                            }
                        }
                    }
                }
                return false;
            });
            if (!ok)
            {
                throw new LDAPException(ResultCode.INVALID_CREDENTIALS, "invalid credentials");
            }
            session.bind(dn, false);
        });
        return new LDAPMessage(id, new BindResponseProtocolOp(r.code(), r.matchedDn(), r.message(), null, null));
    }

    @Override
    public LDAPMessage processAddRequest(final int id, final AddRequestProtocolOp request, final List<Control> controls)
    {
        final Result r = perform("add", () ->
        {
            checkControls(controls, false);
            session.requireWrite();
            directory.add(dn(request.getDN()), request.getAttributes());
        });
        return new LDAPMessage(id, new AddResponseProtocolOp(r.code(), r.matchedDn(), r.message(), null));
    }

    @Override
    public LDAPMessage processDeleteRequest(final int id, final DeleteRequestProtocolOp request,
        final List<Control> controls)
    {
        final Result r = perform("delete", () ->
        {
            checkControls(controls, false);
            session.requireWrite();
            directory.delete(dn(request.getDN()));
        });
        return new LDAPMessage(id, new DeleteResponseProtocolOp(r.code(), r.matchedDn(), r.message(), null));
    }

    @Override
    public LDAPMessage processModifyRequest(final int id, final ModifyRequestProtocolOp request,
        final List<Control> controls)
    {
        final Result r = perform("modify", () ->
        {
            checkControls(controls, false);
            final DN dn = dn(request.getDN());
            session.requireModify(dn, request.getModifications(), schema);
            directory.modify(dn, request.getModifications());
        });
        return new LDAPMessage(id, new ModifyResponseProtocolOp(r.code(), r.matchedDn(), r.message(), null));
    }

    @Override
    public LDAPMessage processModifyDNRequest(final int id, final ModifyDNRequestProtocolOp request,
        final List<Control> controls)
    {
        final Result r = perform("modify DN", () ->
        {
            checkControls(controls, false);
            session.requireWrite();
            final DN dn = dn(request.getDN());
            final RDN rdn;
            try
            {
                rdn = new RDN(request.getNewRDN(), schema.schema());
            }
            catch (final LDAPException e)
            {
                throw new LDAPException(ResultCode.INVALID_DN_SYNTAX, "invalid RDN: " + request.getNewRDN());
            }
            final DN superior = request.getNewSuperiorDN() == null ? null : dn(request.getNewSuperiorDN());
            directory.modifyDN(dn, rdn, request.deleteOldRDN(), superior);
        });
        return new LDAPMessage(id, new ModifyDNResponseProtocolOp(r.code(), r.matchedDn(), r.message(), null));
    }

    @Override
    public LDAPMessage processCompareRequest(final int id, final CompareRequestProtocolOp request,
        final List<Control> controls)
    {
        final int[] outcome = {ResultCode.COMPARE_FALSE_INT_VALUE};
        final Result r = perform("compare", () ->
        {
            checkControls(controls, false);
            final DN dn = dn(request.getDN());
            final String attribute = schema.canonical(request.getAttributeName());
            if (!schema.isDefined(attribute))
            {
                throw new LDAPException(ResultCode.UNDEFINED_ATTRIBUTE_TYPE,
                    "undefined attribute type " + request.getAttributeName());
            }
            if (schema.key(attribute).equals(Search.USER_PASSWORD) && !session.mayReadPassword(dn))
            {
                throw new LDAPException(ResultCode.INSUFFICIENT_ACCESS_RIGHTS, "no compare access to userPassword");
            }
            final LDAPException failure = directory.read(s ->
            {
                final long entryId = s.find(dn);
                if (entryId == Snapshot.NOT_FOUND)
                {
                    return s.noSuchObject(dn);
                }
                final com.unboundid.ldap.sdk.Entry e = s.toEntry(s.load(entryId));
                final Attribute a = e.getAttribute(attribute);
                if (a == null)
                {
                    return new LDAPException(ResultCode.NO_SUCH_ATTRIBUTE,
                        "no attribute " + request.getAttributeName());
                }
                try
                {
                    final boolean match = schema.equality(attribute).matchesAnyValue(request.getAssertionValue(),
                        a.getRawValues());
                    outcome[0] = match ? ResultCode.COMPARE_TRUE_INT_VALUE : ResultCode.COMPARE_FALSE_INT_VALUE;
                    return null;
                }
                catch (final LDAPException x)
                {
                    return new LDAPException(ResultCode.INVALID_ATTRIBUTE_SYNTAX, x.getMessage());
                }
            });
            if (failure != null)
            {
                throw failure;
            }
        });
        final int code = r.code() == 0 ? outcome[0] : r.code();
        return new LDAPMessage(id, new CompareResponseProtocolOp(code, r.matchedDn(), r.message(), null));
    }

    @Override
    public LDAPMessage processExtendedRequest(final int id, final ExtendedRequestProtocolOp request,
        final List<Control> controls)
    {
        try
        {
            checkControls(controls, false);
        }
        catch (final LDAPException e)
        {
            return new LDAPMessage(id,
                new ExtendedResponseProtocolOp(e.getResultCode().intValue(), null, e.getMessage(), null, null, null));
        }
        if (request.getOID().equals(WHO_AM_I_OID))
        {
            return new LDAPMessage(id,
                new ExtendedResponseProtocolOp(0, null, null, null, null, new ASN1OctetString(session.authzId())));
        }
        return new LDAPMessage(id, new ExtendedResponseProtocolOp(ResultCode.PROTOCOL_ERROR_INT_VALUE, null,
            "unsupported extended operation " + request.getOID(), null, null, null));
    }

    @Override
    public LDAPMessage processSearchRequest(final int id, final SearchRequestProtocolOp request,
        final List<Control> controls)
    {
        final Searcher searcher = new Searcher(directory, session, connection, id);
        final Searcher.Done done = searcher.search(request, controls, paging);
        return new LDAPMessage(id, new SearchResultDoneProtocolOp(done.code(), done.matchedDn(), done.message(), null),
            done.controls());
    }
}
