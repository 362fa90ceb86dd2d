#!/bin/sh
# Times failover takeover on loopback: a pair (127.0.0.1 primary, 127.0.0.3 secondary), a relay
# sending DISCOVERs to both every few milliseconds, then the primary is killed (-9) or stopped
# (SIGSTOP); prints the time from that moment to the secondary's first OFFER.
#
#   ./mvnw -B -q -pl dist -am package -DskipTests
#   dist/bench/failover-takeover.sh [kill|stop|both] [rounds] [--kea|--kea-defaults]
#
# Without --kea: the packaged provisiond pair on random ports, no root needed. Expect about
# deadAfterMillis (300 ms) plus one heartbeat: detection is by missed heartbeats only, so kill -9
# and SIGSTOP take the same time.
# --kea: in the same run, ISC Kea 2.2's hot-standby pair (../shared/bench/kea-ha-pair.sh, tuned:
# heartbeat 1 s, partner down after 2 s, max-unacked-clients 0; --kea-defaults: Kea's defaults, one
# round takes over a minute) timed the same way, after provisiond's. Kea serves port 67, so this
# needs root and runs both pairs in a network namespace of its own, deleted at the end; needs
# apt-get install -y kea-dhcp4-server.
# Not part of the build; do not run it on a shared CI box under load.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
shared=${SHARED_BENCH:-$here/../../../shared/bench}
mode=${1:-both}
rounds=${2:-5}
kea=${3:-}
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
case "$mode" in
  kill|stop) modes=$mode ;;
  both) modes="kill stop" ;;
  *) echo "usage: $0 [kill|stop|both] [rounds] [--kea|--kea-defaults]" >&2; exit 2 ;;
esac
inns=""
if [ -n "$kea" ]; then
  [ "$(id -u)" = 0 ] || { echo "--kea needs root (port 67, a network namespace)" >&2; exit 2; }
  [ -x "$shared/kea-ha-pair.sh" ] || { echo "no $shared/kea-ha-pair.sh" >&2; exit 2; }
  ns=takeover-$$
  ip netns add "$ns"
  trap 'ip netns del "$ns"' EXIT
  ip -n "$ns" link set lo up
  inns="ip netns exec $ns"
fi
run() { $inns java -cp "$home/lib/*" "$here/FailoverTakeover.java" "$home" "$1" "$2" "$3" "$shared"; }
for m in $modes; do
  run provisiond "$m" "$rounds"
  case "$kea" in
    --kea) run kea "$m" "$rounds" ;;
    --kea-defaults) run kea-defaults "$m" 1 ;;
    "") ;;
    *) echo "unknown option $kea" >&2; exit 2 ;;
  esac
done
