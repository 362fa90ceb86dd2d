#!/bin/sh
# Times lease searches by MAC and by option 82 remote-id with N leases in the store (default
# 1,000,000: 250,000 modems, three home devices behind each), at the server (GET /api/v1/leases
# over loopback HTTP against the packaged provisiond, one query at a time, each a different
# modem) and in the store alone; a host-name search, which looks at every lease, beside them.
#
#   ./mvnw -B -q -o -pl dist -am package -DskipTests -Ddeb.skip
#   dist/bench/lease-search.sh [leases] [queries]
#
# Not part of the build. The data directory goes under dist/target/bench-lease-search (every
# journal append is fsynced) and is deleted at the end; the server is stopped on any exit.
# KEEP=1 keeps the directory (log, journal) for a look afterwards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
leases=${1:-1000000}
queries=${2:-2000}
work=$here/../target/bench-lease-search
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
java -Xmx2g -cp "$home/lib/*" "$here/LeaseSearch.java" "$home" "$work" "$leases" "$queries"
