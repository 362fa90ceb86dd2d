#!/usr/bin/env bash
# DDNS throughput (not run by CI): how many DHCP leases per second end with their names in DNS
# (A and DHCID in the forward zone, PTR and DHCID in the reverse zone), measured with ISC perfdhcp
# as the DHCP load. The packaged provisiond runs in a network namespace of its own (127.0.0.1:67,
# perfdhcp as the relay 127.0.0.2), with its DNS on 127.0.0.1:53 serving cable.example.net and
# 16.127.in-addr.arpa; every perfdhcp client (MAC 00:0c:...) is of class cpe, named cpe-{mac}.
# For each rate: perfdhcp for --seconds, then the time until every ACK has its names; printed are
# the ACKs, the leases named and the names/s over the whole time (load plus drain), the drain time
# after the load ended, and at the end the records the zones hold (from the API), so a name
# counted but missing from a zone would show.
#
# Needs root, a packaged dist (./mvnw -B -q -pl dist -am package -DskipTests) and
#   apt-get install -y kea-admin iproute2 python3
#
#   dist/bench/ddns-load.sh [--rates "1000 2000 4000"] [--seconds 10]
# Bounded: each perfdhcp run lasts --seconds (+20 s timeout), each drain at most 60 s; the server
# is stopped by its PID and the namespace deleted on any exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dist=$repo/dist/target/provisioning-suite
rates="1000 2000 4000"
seconds=10
while (($#)); do
  case $1 in
    --rates) rates=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "ddns-load: $*" >&2; exit 2; }
[[ $(id -u) == 0 ]] || die "run as root (network namespace, ports 53 and 67)"
for tool in perfdhcp:kea-admin ip:iproute2 python3:python3; do
  command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} missing: apt-get install -y ${tool#*:}"
done
[[ -x $dist/bin/provisiond ]] || die "no $dist: ./mvnw -B -q -pl dist -am package -DskipTests"

mkdir -p "$repo/dist/target"
work=$(mktemp -d "$repo/dist/target/ddns-load.XXXXXX")
ns=ddnsload-$$
pid=""
cleanup() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
inns() { ip netns exec "$ns" "$@"; }

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add 127.0.0.2/8 dev lo

cat >"$work/provisiond.yaml" <<EOF
server: {name: ddns-load, dataDir: $work/data}
management: {listen: 127.0.0.1, port: 8067}
tftp: {enabled: false}
tod: {enabled: false}
dhcp:
  enabled: true
  listen: 127.0.0.1
  port: 67
  serverIdentifier: 127.0.0.1
  classes:
    - {name: cpe, role: cpe, match: {macPrefixes: ["00:0c"]}}
  subnets:
    - subnet: 127.0.0.0/8
      relays: [127.0.0.2]
      pools:
        - {name: load, range: 127.16.0.1-127.16.255.254}
dns:
  enabled: true
  listen: 127.0.0.1
  port: 53
  zones:
    - {name: cable.example.net, nameServers: [ns1.cable.example.net]}
    - {name: 16.127.in-addr.arpa, nameServers: [ns1.cable.example.net]}
  ddns:
    enabled: true
    forwardZone: cable.example.net
    classPatterns: {cpe: "cpe-{mac}"}
EOF
opts=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-\(.*\)}$/\1/p' "$dist/bin/provisiond")
ip netns exec "$ns" env JAVA_OPTS="$opts" "$dist/bin/provisiond" --config "$work/provisiond.yaml" \
  >"$work/provisiond.out" 2>&1 &
pid=$!
for _ in $(seq 150); do
  kill -0 "$pid" 2>/dev/null || { cat "$work/provisiond.out" >&2; die "provisiond died at start"; }
  [[ -s $work/data/api-token ]] && inns ss -Hulnp 'sport = :67' | grep -q "pid=$pid," && break
  sleep 0.2
done

# api PATH: GET /api/v1PATH from inside the namespace, JSON on stdout.
api() {
  inns python3 - "$1" "$(cat "$work/data/api-token")" <<'PY'
import sys, urllib.request
req = urllib.request.Request("http://127.0.0.1:8067/api/v1" + sys.argv[1],
                             headers={"Authorization": "Bearer " + sys.argv[2]})
print(urllib.request.urlopen(req, timeout=10).read().decode())
PY
}
stat() { api "/stats" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"; }

echo "ddns-load: $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %8s %8s %10s %10s %9s\n' offered acks named "names/s" "acks/s" drain-s
for rate in $rates; do
  acks0=$(stat dhcp.sent.ack)
  named0=$(stat dns.ddns.added)
  t0=$(date +%s.%N)
  inns timeout $((seconds + 20)) perfdhcp -4 -l 127.0.0.2 -r "$rate" -p "$seconds" -R 1000000 \
    127.0.0.1 >"$work/perfdhcp.out" 2>&1 || true
  t1=$(date +%s.%N)
  # Drained when every ACK of the run has its names, or when nothing moved for 3 s (at most 60 s).
  acks=$(($(stat dhcp.sent.ack) - acks0))
  last=-1 still=0
  t2=$t1
  for _ in $(seq 300); do
    named=$(($(stat dns.ddns.added) - named0))
    if ((named != last)); then t2=$(date +%s.%N); last=$named; still=0; else still=$((still + 1)); fi
    ((named >= acks || still >= 15)) && break
    sleep 0.2
  done
  awk -v r="$rate" -v a="$acks" -v n="$named" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
    'BEGIN { printf "%8d %8d %8d %10.0f %10.0f %9.2f\n", r, a, n, n / (t2 - t0), a / (t1 - t0), t2 - t1 }'
done

# What the zones hold now: every named lease should have A + DHCID and PTR + DHCID.
api "/dns/zone?name=cable.example.net" >"$work/forward.json"
api "/dns/zone?name=16.127.in-addr.arpa" >"$work/reverse.json"
python3 - "$work/forward.json" "$work/reverse.json" "$(stat dhcp.leases.bound)" <<'PY'
import collections, json, sys
def count(path):
    kinds = collections.Counter()
    for line in json.load(open(path)).get("records", []):  # zone-file lines: name ttl IN TYPE ...
        parts = line.split()
        if "IN" in parts[:-1]:
            kinds[parts[parts.index("IN") + 1]] += 1
    return kinds
f, r = count(sys.argv[1]), count(sys.argv[2])
print(f"bound leases {sys.argv[3]}; forward zone A {f['A']} DHCID {f['DHCID']};"
      f" reverse zone PTR {r['PTR']} DHCID {r['DHCID']}")
PY
