package dev.cambium.ldap.search;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import dev.cambium.ldap.schema.DirectorySchema;
import dev.cambium.ldap.store.Directory;
import dev.cambium.ldap.store.Snapshot;
import dev.cambium.ldap.store.StoredEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One search over one snapshot: resolves the base, asks the {@link Planner} for candidates or
 * walks the scope through the {@code children} tree, and evaluates the whole filter on each
 * candidate (with the SDK's schema-aware matching, on canonical attribute names).
 *
 * <p>Entries the searcher may not see {@code userPassword} of are matched without it, so a filter
 * cannot probe a password.
 */
public final class Search
{
    /** The attribute only the admin and the entry itself may read. */
    public static final String USER_PASSWORD = "userpassword";

    private final Snapshot snapshot;
    private final Filter filter;
    private final boolean admin;
    private final long selfId;
    private final long deadlineNanos;

    /**
     * @param snapshot      the snapshot to read.
     * @param filter        the filter, canonical attribute names.
     * @param admin         true if the searcher is the admin.
     * @param selfId        the searcher's own entry id, or {@link Snapshot#NOT_FOUND}.
     * @param deadlineNanos {@link System#nanoTime()} after which the search stops with 3, or
     *                      {@link Long#MAX_VALUE}.
     */
    public Search(final Snapshot snapshot, final Filter filter, final boolean admin, final long selfId,
        final long deadlineNanos)
    {
        this.snapshot = snapshot;
        this.filter = filter;
        this.admin = admin;
        this.selfId = selfId;
        this.deadlineNanos = deadlineNanos;
    }

    /** The matching entries found, and how the search ended. */
    public static final class Outcome
    {
        /** The matching entries, in the order found. */
        public final List<Entry> entries = new ArrayList<>();
        /** Their ids. */
        public final List<Long> ids = new ArrayList<>();
        /** SUCCESS, TIME_LIMIT_EXCEEDED or SIZE_LIMIT_EXCEEDED. */
        public ResultCode code = ResultCode.SUCCESS;
    }

    /**
     * @param base  the base DN.
     * @param scope the scope.
     * @param limit stop after this many matches and report 4 if there are more; 0 for no limit.
     * @return the outcome.
     * @throws LDAPException 32 (with matchedDN) if the base does not exist.
     */
    public Outcome run(final DN base, final SearchScope scope, final int limit) throws LDAPException
    {
        final long baseId = snapshot.find(base);
        if (baseId == Snapshot.NOT_FOUND)
        {
            throw snapshot.noSuchObject(base);
        }
        final Outcome out = new Outcome();
        final int s = scope.intValue();
        if (s == SearchScope.BASE_INT_VALUE)
        {
            consider(baseId, out, limit);
            return out;
        }
        final boolean one = s == SearchScope.ONE_INT_VALUE;
        final long scanCost = one ? snapshot.childCount(baseId) : snapshot.size();
        final Planner.Plan plan = Planner.plan(snapshot, filter, scanCost);
        if (plan != null)
        {
            for (final long id : plan.ids())
            {
                final boolean inScope = one
                    ? snapshot.parentOf(id) == baseId
                    : s == SearchScope.SUBORDINATE_SUBTREE_INT_VALUE
                        ? id != baseId && snapshot.isWithin(id, baseId)
                        : snapshot.isWithin(id, baseId);
                if (inScope && !consider(id, out, limit))
                {
                    break;
                }
            }
            return out;
        }
        if (one)
        {
            snapshot.forEachChild(baseId, id -> consider(id, out, limit));
            return out;
        }
        final Deque<Long> stack = new ArrayDeque<>();
        if (s == SearchScope.SUBORDINATE_SUBTREE_INT_VALUE)
        {
            pushChildren(baseId, stack);
        }
        else
        {
            stack.push(baseId);
        }
        while (!stack.isEmpty())
        {
            final long id = stack.pop();
            if (!consider(id, out, limit))
            {
                break;
            }
            pushChildren(id, stack);
        }
        return out;
    }

    private void pushChildren(final long parent, final Deque<Long> stack)
    {
        final List<Long> kids = new ArrayList<>();
        snapshot.forEachChild(parent, kids::add);
        for (int i = kids.size() - 1; i >= 0; i--)
        {
            stack.push(kids.get(i)); // pre-order, children in RDN order
        }
    }

    /** @return false to stop the search. */
    private boolean consider(final long id, final Outcome out, final int limit)
    {
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0)
        {
            out.code = ResultCode.TIME_LIMIT_EXCEEDED;
            return false;
        }
        final StoredEntry stored = snapshot.load(id);
        if (stored == null)
        {
            return true;
        }
        final Entry e = visible(snapshot.toEntry(stored), id);
        if (!matches(e))
        {
            return true;
        }
        if (limit > 0 && out.entries.size() == limit)
        {
            out.code = ResultCode.SIZE_LIMIT_EXCEEDED;
            return false;
        }
        out.entries.add(e);
        out.ids.add(id);
        return true;
    }

    /**
     * @param e  an entry.
     * @param id its id.
     * @return the entry as this searcher may see it (without userPassword unless admin or self).
     */
    public Entry visible(final Entry e, final long id)
    {
        if (!admin && id != selfId && e.hasAttribute("userPassword"))
        {
            e.removeAttribute("userPassword");
        }
        return e;
    }

    /**
     * @param e an entry as the searcher sees it.
     * @return true if the filter matches; an assertion the schema cannot evaluate is false.
     */
    public boolean matches(final Entry e)
    {
        try
        {
            final DirectorySchema schema = snapshot.directory().schema();
            return FilterEvaluator.matches(filter, schema.forMatching(e), schema);
        }
        catch (final LDAPException x)
        {
            return false; // Undefined: not returned
        }
    }

    /**
     * @param filter a filter.
     * @param dse    the root DSE.
     * @param schema the schema.
     * @return true if the filter matches it.
     */
    public static boolean matchesRootDse(final Filter filter, final Entry dse, final DirectorySchema schema)
    {
        try
        {
            return FilterEvaluator.matches(filter, dse, schema);
        }
        catch (final LDAPException x)
        {
            return false;
        }
    }

    /**
     * @return the directory searched.
     */
    public Directory directory()
    {
        return snapshot.directory();
    }
}
