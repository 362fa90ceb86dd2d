#!/bin/sh
# Times a full failover sync of N leases (default 1,000,000) between two packaged provisiond
# processes on loopback (127.0.0.1 primary, 127.0.0.3 secondary): the primary's journal is filled
# beforehand, then the pair is formed (POST /api/v1/failover/init) and timed to NORMAL on both,
# with the sync's progress as both servers' failover status shows it, once a second, and DHCP
# served by the primary meanwhile (a DORA every 20 ms).
#
#   ./mvnw -B -q -o -pl dist -am package -DskipTests
#   dist/bench/failover-sync.sh [leases]
#
# Not part of the build. The data directories go under dist/target/bench-failover-sync (real
# disk: every journal append is fsynced) and are deleted at the end; the two servers take up to
# 2 GB of heap each. Both servers are stopped by PID on any exit. KEEP=1 keeps the directories
# (logs, journals) for a look afterwards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
leases=${1:-1000000}
work=$here/../target/bench-failover-sync
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
java -Xmx2g -cp "$home/lib/*" "$here/FailoverSync.java" "$home" "$work" "$leases"
