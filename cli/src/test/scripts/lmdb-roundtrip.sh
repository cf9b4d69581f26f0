#!/usr/bin/env bash
# Cambium -> mdb_load -> mdb_dump -> Cambium through Debian's lmdb-utils, installed here if missing (as root:
# one apt-get update, then apt-get install -y lmdb-utils). Run by LmdbInteropIT during mvn verify.
#
# usage: lmdb-roundtrip.sh JAR WORKDIR SOURCE TARGET FORMAT
#   JAR     cli/target/cambium.jar
#   WORKDIR an empty scratch directory
#   SOURCE  the Cambium file to dump
#   TARGET  the Cambium file to load what mdb_dump wrote back into
#   FORMAT  bytevalue or print: the format cambium dump writes for mdb_load (mdb_dump always writes bytevalue
#           back: Debian's 0.9.24 mdb_dump -p leaves a backslash unescaped)
# Prints the lmdb-utils version on its first line. Exit status: 0 on success, 3 if lmdb-utils cannot be
# installed, otherwise that of the step that failed.
set -euo pipefail
jar=$1 work=$2 source=$3 target=$4 format=$5

if ! command -v mdb_load >/dev/null 2>&1 || ! command -v mdb_dump >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ]; then
        echo "lmdb-utils is not installed and this is not root: apt-get install lmdb-utils" >&2
        exit 3
    fi
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lmdb-utils; } >&2 || {
        echo "could not install lmdb-utils" >&2
        exit 3
    }
fi
echo "lmdb-utils $(dpkg-query -W -f='${Version}' lmdb-utils 2>/dev/null || echo unknown)"

print=()
if [ "$format" = print ]; then
    print=(-p)
fi
java -jar "$jar" dump -a "${print[@]}" -f "$work/cambium.txt" "$source"
mkdir -p "$work/env"
mdb_load -f "$work/cambium.txt" "$work/env"
mdb_dump -a -f "$work/lmdb.txt" "$work/env"
java -jar "$jar" load -f "$work/lmdb.txt" "$target"
