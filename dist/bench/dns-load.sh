#!/usr/bin/env bash
# DNS whole-server benchmark (not run by CI): the packaged provisiond's DNS and BIND 9 (named,
# authoritative only, minimal responses) serving the same zone, measured in ONE run, one server at
# a time, with dnsperf on loopback. For each server: a warm-up (the JVM needs it; BIND gets it too),
# then a rate ladder of dnsperf runs at a fixed offered rate each (-Q), stopping after two unclean
# steps. A step is clean when under 0.1 % of its queries are lost (unanswered within 2 s); the
# figure per server is the highest achieved queries/s of a clean step. dnsperf keeps at most
# --outstanding queries in flight, so a server that cannot keep up shows as an achieved rate below
# the offered one rather than as loss: the achieved rate is what counts.
#
# Both servers get 4 MiB UDP socket buffers (provisiond sets them itself; BIND through
# udp-receive-buffer / udp-send-buffer): with the default 208 KiB, a server whose threads other
# processes delay for a moment overflows its buffer and loses queries (UdpRcvbufErrors), which
# measures the machine's load, not the server.
#
# The zone: bench.example, SOA, NS, and --names A records host0..hostN-1; every query is an A query
# for one of them, in order, so every answer is NOERROR with one A record. Both servers listen on
# 127.0.0.1 at a free port, keep their files under dist/target/dns-load.*, and are stopped by PID
# on any exit. provisiond runs from bin/provisiond with its own JVM flags, only DNS enabled.
#
# Needs a packaged dist (./mvnw -B -q -pl dist -am package -DskipTests) and
#   apt-get install -y dnsperf bind9 bind9-dnsutils
#
#   dist/bench/dns-load.sh [--rates "50000 100000 ..."] [--seconds 5] [--warm-seconds 5] [--names 10000]
#                          [--servers "provisiond bind"] [--clients 20] [--outstanding 1000]
# --servers may add null: ../shared/bench/null-dns.c, which answers every query with its own
# question (needs gcc): the ceiling of what dnsperf drives on this machine.
# Bounded: each dnsperf run lasts --seconds plus at most its 2 s timeout; a server start is given
# 60 s; the whole default run takes about 1.5-2 minutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench}
dist=$repo/dist/target/provisioning-suite
rates="50000 100000 150000 200000 250000"
seconds=5
warm_seconds=5
names=10000
servers="provisiond bind"
clients=20
outstanding=1000
while (($#)); do
  case $1 in
    --rates) rates=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    --warm-seconds) warm_seconds=$2; shift ;;
    --names) names=$2; shift ;;
    --servers) servers=$2; shift ;;
    --clients) clients=$2; shift ;;
    --outstanding) outstanding=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "dns-load: $*" >&2; exit 2; }
for tool in dnsperf:dnsperf named:bind9 dig:bind9-dnsutils python3:python3; do
  command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} missing: apt-get install -y ${tool#*:}"
done
[[ -x $dist/bin/provisiond ]] || die "no $dist: ./mvnw -B -q -pl dist -am package -DskipTests"

mkdir -p "$repo/dist/target"
work=$(mktemp -d "$repo/dist/target/dns-load.XXXXXX")
pid=""

stop_server() {
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port free on 127.0.0.1 for both UDP and TCP.
free_port() {
  python3 - <<'EOF'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        u.close()
        t.close()
    print(port)
    break
EOF
}

port=$(free_port)
zone=bench.example

# The zone, in each server's form, and the queries.
mkdir -p "$work/provisiond" "$work/bind"
awk -v n="$names" -v z="$zone" 'BEGIN {
  for (i = 0; i < n; i++) printf "host%d.%s A\n", i, z
}' >"$work/queries.txt"
{
  printf '$TTL 3600\n'
  printf '@ IN SOA ns1.%s. hostmaster.%s. 1 3600 600 604800 300\n' "$zone" "$zone"
  printf '@ IN NS ns1.%s.\n' "$zone"
  printf 'ns1 IN A 127.0.0.1\n'
  awk -v n="$names" 'BEGIN {
    for (i = 0; i < n; i++) printf "host%d IN A 10.%d.%d.1\n", i, int(i / 256) % 256, i % 256
  }'
} >"$work/bind/$zone.zone"
{
  cat <<EOF
server: {name: dns-load, dataDir: $work/provisiond/data}
management: {listen: 127.0.0.1, port: $(free_port)}
tftp: {enabled: false}
tod: {enabled: false}
dhcp: {enabled: false}
dns:
  enabled: true
  listen: 127.0.0.1
  port: $port
  zones:
    - name: $zone
      nameServers: [ns1.$zone]
      soa: {ttl: 3600}
      records:
        - "ns1 A 127.0.0.1"
EOF
  awk -v n="$names" 'BEGIN {
    for (i = 0; i < n; i++) printf "        - \"host%d A 10.%d.%d.1\"\n", i, int(i / 256) % 256, i % 256
  }'
} >"$work/provisiond/provisiond.yaml"
cat >"$work/bind/named.conf" <<EOF
options {
  directory "$work/bind";
  pid-file "$work/bind/named.pid";
  session-keyfile "$work/bind/session.key";
  listen-on port $port { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  minimal-responses yes;
  notify no;
  // The socket buffers provisiond's DNS sets (capped by net.core.rmem_max): with the default
  // 208 KiB, queries overflow BIND's buffer whenever other processes delay its threads.
  udp-receive-buffer 4194304;
  udp-send-buffer 4194304;
};
controls { };
zone "$zone" { type primary; file "$work/bind/$zone.zone"; };
EOF

provisiond_opts=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-\(.*\)}$/\1/p' "$dist/bin/provisiond")
[[ -n $provisiond_opts ]] || die "cannot read the default JAVA_OPTS from bin/provisiond"

# start_server NAME COMMAND...: in the background; waits until it answers host0 over UDP.
start_server() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$work/$name.out" >&2; die "$name died at start"; }
    if [[ $(dig @127.0.0.1 -p "$port" +short +time=1 +tries=1 "host0.$zone" A 2>/dev/null) == 10.0.0.1 ]]; then
      return 0
    fi
    sleep 0.2
  done
  die "$name did not answer on 127.0.0.1:$port within 60 s"
}

start() {
  case $1 in
    provisiond)
      start_server provisiond env JAVA_OPTS="$provisiond_opts" \
        "$dist/bin/provisiond" --config "$work/provisiond/provisiond.yaml" ;;
    bind)
      named-checkconf "$work/bind/named.conf" || die "named.conf does not check"
      # -g: foreground, log to stderr; as root without -u, so it reads the temp dir as it is.
      start_server bind named -g -c "$work/bind/named.conf" ;;
    null)
      gcc -O2 -o "$work/null-dns" "$shared/null-dns.c"
      # null-dns answers with the question only: wait for the port, not for an A record.
      "$work/null-dns" "$port" >"$work/null.out" 2>&1 &
      pid=$!
      sleep 0.5 ;;
    *) die "unknown server $1" ;;
  esac
}

# run RATE SECONDS: one dnsperf run; prints "offered achieved lost%".
run() {
  local out sent lost qps
  out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries.txt" -l "$2" -Q "$1" \
    -c "$clients" -T 2 -q "$outstanding" -t 2 2>&1 || true)
  sent=$(sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' <<<"$out")
  lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' <<<"$out")
  qps=$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' <<<"$out")
  if [[ -z $sent || -z $lost || -z $qps ]]; then
    echo "$1 0 100"
    echo "$out" >"$work/dnsperf-failed.txt"
    return
  fi
  awk -v r="$1" -v s="$sent" -v l="$lost" -v q="$qps" \
    'BEGIN { printf "%d %.0f %.3f\n", r, q, (s > 0 ? l * 100 / s : 100) }'
}

declare -A best
measure() {
  local name=$1 r offered achieved loss unclean=0
  echo "== $name: warm-up ${warm_seconds} s at 20000/s (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  run 20000 "$warm_seconds" >/dev/null
  echo "== $name: rate ladder, $seconds s per step"
  printf '%9s %10s %8s\n' offered achieved lost%
  best[$name]=0
  for r in $rates; do
    read -r offered achieved loss < <(run "$r" "$seconds")
    printf '%9s %10s %8s\n' "$offered" "$achieved" "$loss"
    if awk -v l="$loss" 'BEGIN { exit !(l < 0.1) }'; then
      unclean=0
      if ((achieved > best[$name])); then best[$name]=$achieved; fi
    else
      unclean=$((unclean + 1))
      ((unclean < 2)) || { echo "(two unclean steps: ladder stopped)"; break; }
    fi
  done
  echo "== $name: highest clean rate ${best[$name]}/s (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
}

echo "dns-load: zone $zone with $names A records, port $port, dnsperf -c $clients -T 2 -q $outstanding, $(nproc) CPUs"
for server in $servers; do
  start "$server"
  measure "$server"
  stop_server
done

echo
echo "== highest queries/s with < 0.1 % lost"
for server in $servers; do
  printf '%-12s %10s\n' "$server" "${best[$server]}"
done
if [[ -n ${best[provisiond]:-} && -n ${best[bind]:-} && ${best[bind]} -gt 0 ]]; then
  awk -v p="${best[provisiond]}" -v b="${best[bind]}" \
    'BEGIN { printf "provisiond / BIND: %.2f\n", p / b }'
fi
