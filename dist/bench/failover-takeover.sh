#!/bin/sh
# Times failover takeover on loopback: a packaged pair (127.0.0.1 primary, 127.0.0.3 secondary),
# a relay sending DISCOVERs to both every few milliseconds, then the primary is killed (-9) or
# stopped (SIGSTOP); prints the time from that moment to the secondary's first OFFER.
#
#   ./mvnw -B -q -pl dist -am package -DskipTests
#   dist/bench/failover-takeover.sh [kill|stop|both] [rounds]
#
# Expect about deadAfterMillis (300 ms) plus one heartbeat: detection is by missed heartbeats
# only, so kill -9 and SIGSTOP should take the same time. Not part of the build; light enough
# for a laptop (two servers, one relay), but do not run it on a shared CI box under load.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
mode=${1:-both}
rounds=${2:-5}
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
run() { java -cp "$home/lib/*" "$here/FailoverTakeover.java" "$home" "$1" "$rounds"; }
case "$mode" in
  kill|stop) run "$mode" ;;
  both) run kill; run stop ;;
  *) echo "usage: $0 [kill|stop|both] [rounds]" >&2; exit 2 ;;
esac
