#!/usr/bin/env bash
# Drives the OpenLDAP command-line clients (Debian's ldap-utils: ldapadd, ldapsearch, ldapmodify,
# ldapdelete, ldapmodrdn, ldapcompare, ldapwhoami) against cambium-ldap.jar and checks their output.
# Installs ldap-utils if missing (apt-get; run as root). Exit status 0 when every check passes.
#
#   ldap/src/test/scripts/clients.sh ldap/target/cambium-ldap.jar
set -uo pipefail

JAR=${1:?usage: clients.sh path/to/cambium-ldap.jar}
SUFFIX=dc=example,dc=com
ADMIN=cn=admin,$SUFFIX
JEN=uid=jen,ou=people,$SUFFIX

if ! command -v ldapsearch >/dev/null || ! command -v ldapcompare >/dev/null; then
    echo "clients.sh: installing ldap-utils"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ldap-utils >/dev/null \
        || { echo "clients.sh: cannot install ldap-utils"; exit 2; }
fi

WORK=$(mktemp -d)
PID=
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; echo "$2" | sed 's/^/     | /'; failures=$((failures + 1)); }

# expect DESCRIPTION WANTED_STATUS GREP_PATTERN COMMAND...: runs COMMAND, checks status and output.
expect() {
    local what=$1 status=$2 pattern=$3
    shift 3
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" -ne "$status" ]; then
        fail "$what (exit $rc, wanted $status)" "$out"
    elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
        fail "$what (no match for /$pattern/)" "$out"
    else
        pass "$what"
    fi
}

# refute DESCRIPTION GREP_PATTERN COMMAND...: the command succeeds and its output lacks the pattern.
refute() {
    local what=$1 pattern=$2
    shift 2
    local out
    out=$("$@" 2>&1)
    if [ $? -ne 0 ] || grep -qE -- "$pattern" <<<"$out"; then fail "$what" "$out"; else pass "$what"; fi
}

start() {
    java -jar "$JAR" --port 0 --db "$WORK/directory.cambium" --suffix $SUFFIX --admin-password secret >"$WORK/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 150); do
        grep -q '^cambium-ldap ready' "$WORK/server.log" && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    PORT=$(sed -n 's|^cambium-ldap ready on ldap://[^:]*:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    if [ -z "$PORT" ]; then echo "clients.sh: the server did not start:"; cat "$WORK/server.log"; exit 1; fi
    H="ldap://127.0.0.1:$PORT"
    echo "clients.sh: server pid $PID on $H"
}

stop() {
    kill -TERM "$PID"
    wait "$PID"
    local rc=$?
    PID=
    if grep -q '^cambium-ldap stopped' "$WORK/server.log"; then pass "SIGTERM stops the server cleanly (exit $rc)"
    else fail "SIGTERM stops the server cleanly" "$(cat "$WORK/server.log")"; fi
}

start

cat >"$WORK/base.ldif" <<LDIF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people

dn: $JEN
objectClass: inetOrgPerson
uid: jen
cn: Jen Jensen
cn: Jenny
sn: Jensen
mail: jen@example.com
telephoneNumber: +1 555 0100
userPassword: {SSHA}DkMTwBl+a/3DQTxCYEApdUtNXGgdUac3

dn: uid=bob,ou=people,$SUFFIX
objectClass: inetOrgPerson
uid: bob
cn: Bob Brown
sn: Brown
LDIF

expect "ldapadd adds four entries" 0 'adding new entry "uid=bob' ldapadd -x -H "$H" -D $ADMIN -w secret -f "$WORK/base.ldif"
expect "ldapadd of an existing entry gives 68" 68 'Already exists \(68\)' ldapadd -x -H "$H" -D $ADMIN -w secret -f "$WORK/base.ldif"
expect "ldapadd as anonymous gives 8" 8 '\(8\)' ldapadd -x -H "$H" -f "$WORK/base.ldif"
expect "ldapsearch by uid returns cn and mail" 0 '^mail: jen@example.com' ldapsearch -LLL -x -H "$H" -b $SUFFIX '(uid=jen)' cn mail
expect "ldapsearch substring on cn" 0 "^dn: $JEN" ldapsearch -LLL -x -H "$H" -b $SUFFIX '(cn=jen*)' 1.1
expect "ldapsearch alias commonName" 0 "^dn: $JEN" ldapsearch -LLL -x -H "$H" -b $SUFFIX '(commonName=JENNY)' 1.1
expect "ldapsearch telephone number match" 0 "^dn: $JEN" ldapsearch -LLL -x -H "$H" -b $SUFFIX '(telephoneNumber=+15550100)' 1.1
expect "ldapsearch one-level scope" 0 '^dn: uid=bob' ldapsearch -LLL -x -H "$H" -b ou=people,$SUFFIX -s one '(objectClass=person)' 1.1
expect "ldapsearch of a missing base gives 32 with matchedDN" 32 "^matchedDN: ou=people,$SUFFIX" ldapsearch -x -H "$H" -b uid=none,ou=people,$SUFFIX
expect "ldapsearch root DSE" 0 "^namingContexts: $SUFFIX" ldapsearch -LLL -x -H "$H" -b '' -s base +
expect "ldapsearch paged results" 0 '^dn: uid=bob' ldapsearch -LLL -x -H "$H" -b $SUFFIX -E pr=1/noprompt '(objectClass=*)' 1.1
expect "ldapsearch size limit gives 4" 4 '^result: 4 Size limit exceeded' ldapsearch -x -H "$H" -b $SUFFIX -z 2 '(objectClass=*)' 1.1
refute "anonymous cannot read userPassword" '^userPassword' ldapsearch -LLL -x -H "$H" -b $JEN -s base
expect "the entry itself reads its userPassword" 0 '^userPassword' ldapsearch -LLL -x -H "$H" -D $JEN -w secret -b $JEN -s base userPassword
expect "ldapwhoami as an {SSHA} user" 0 "^dn:$JEN" ldapwhoami -x -H "$H" -D $JEN -w secret
expect "ldapwhoami anonymous" 0 '^anonymous' ldapwhoami -x -H "$H"
expect "ldapwhoami with a wrong password gives 49" 49 'Invalid credentials \(49\)' ldapwhoami -x -H "$H" -D $JEN -w wrong

cat >"$WORK/modify.ldif" <<LDIF
dn: $JEN
changetype: modify
replace: mail
mail: jen@new.example.com
-
add: description
description: modified by ldapmodify
LDIF
expect "ldapmodify replaces and adds" 0 'modifying entry' ldapmodify -x -H "$H" -D $ADMIN -w secret -f "$WORK/modify.ldif"
expect "the modify is visible" 0 '^description: modified by ldapmodify' ldapsearch -LLL -x -H "$H" -b $JEN -s base description
expect "ldapmodify by another user gives 50" 50 'Insufficient access \(50\)' ldapmodify -x -H "$H" -D $JEN -w secret -f "$WORK/modify.ldif"
expect "ldapcompare TRUE" 6 '^TRUE' ldapcompare -x -H "$H" $JEN cn:jenny
expect "ldapcompare FALSE" 5 '^FALSE' ldapcompare -x -H "$H" $JEN sn:Brown
expect "ldapcompare of userPassword by anonymous gives 50" 50 '\(50\)' ldapcompare -x -H "$H" $JEN 'userPassword:secret'
expect "ldapmodrdn renames" 0 '' ldapmodrdn -x -H "$H" -D $ADMIN -w secret -r $JEN uid=jenny
expect "the renamed entry is found by its new uid" 0 "^dn: uid=jenny,ou=people,$SUFFIX" ldapsearch -LLL -x -H "$H" -b $SUFFIX '(uid=jenny)' 1.1
refute "the old uid is gone" '^dn:' ldapsearch -LLL -x -H "$H" -b $SUFFIX '(uid=jen)' 1.1
expect "ldapdelete of a non-leaf gives 66" 66 '\(66\)' ldapdelete -x -H "$H" -D $ADMIN -w secret ou=people,$SUFFIX
expect "ldapdelete of a leaf" 0 '' ldapdelete -x -H "$H" -D $ADMIN -w secret uid=bob,ou=people,$SUFFIX
expect "the deleted entry is gone" 32 '^result: 32 No such object' ldapsearch -x -H "$H" -b uid=bob,ou=people,$SUFFIX -s base

stop
start
expect "after a restart the data is there" 0 "^dn: uid=jenny,ou=people,$SUFFIX" ldapsearch -LLL -x -H "$H" -b $SUFFIX '(uid=jenny)' 1.1
stop

if [ "$failures" -ne 0 ]; then echo "clients.sh: $failures check(s) failed"; exit 1; fi
echo "clients.sh: all checks passed"
