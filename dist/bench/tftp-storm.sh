#!/usr/bin/env bash
# Reboot storm, side by side in one run: COUNT simulated modems (at most CONCURRENCY at once) each
# fetch cm-<mac>.cfg (about 1 KB, blksize 1428 + tsize) over loopback from
#   1. null-tftp (../shared/bench/null-tftp.c): the load generator's own ceiling,
#   2. provisiond, which builds every file on request from dist/bench/storm-template.txt (cache
#      off, so no file is served twice from memory), CM MIC and CMTS MIC included,
#   3. tftpd-hpa (Debian tftpd-hpa) serving the same files, saved from provisiond, from disk.
# provisiond: the first pass after start is reported as "cold", two more passes warm the JIT, the
# fourth is measured; tftpd-hpa: one pass warms the page cache, the second is measured. Each server
# runs alone; cpu_ms_per_1000 is the server's CPU time (children included) per 1,000 transfers.
# Needs the distribution (./mvnw -B -q package -DskipTests), gcc, python3 and /usr/sbin/in.tftpd
# (apt-get install tftpd-hpa; its own service is not used).
#   dist/bench/tftp-storm.sh [COUNT=10000] [CONCURRENCY=200]
set -euo pipefail
COUNT=${1:-10000}
CONCURRENCY=${2:-200}
bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/../.." && pwd)
dist=$root/dist/target/provisioning-suite
shared=$root/../shared/bench
[ -x "$dist/bin/provisiond" ] || { echo "build the distribution first: ./mvnw -B -q package -DskipTests" >&2; exit 2; }
[ -x /usr/sbin/in.tftpd ] || { echo "install tftpd-hpa first: apt-get install -y tftpd-hpa" >&2; exit 2; }
[ -f "$shared/null-tftp.c" ] || { echo "missing $shared/null-tftp.c" >&2; exit 2; }

work=$(mktemp -d /tmp/tftp-storm.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
storm() { python3 "$bench/tftp-storm.py" --count "$COUNT" --concurrency "$CONCURRENCY" "$@"; }
ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat"; }
measured() { # PID ARGS...: the storm, with the server's CPU milliseconds added to its JSON line
  local pid=$1 hz before line
  shift
  hz=$(getconf CLK_TCK)
  before=$(ticks "$pid")
  line=$(storm "$@")
  echo "${line%\}}, \"cpu_ms_per_1000\": $(( ($(ticks "$pid") - before) * 1000 * 1000 / hz / COUNT ))}"
}
wait_udp() { for _ in $(seq 1 300); do ss -Hlun "sport = :$1" | grep -q . && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

echo "# $(date -u +%FT%TZ) $(nproc) cores; $COUNT transfers, $CONCURRENCY at once, blksize 1428 + tsize"

gcc -O2 -o "$work/null-tftp" "$shared/null-tftp.c"
"$work/null-tftp" 16971 1000 & pids+=($!); null=$!
wait_udp 16971
storm --port 16971 --label "null-tftp (ceiling)" >/dev/null
storm --port 16971 --label "null-tftp (ceiling)"
stop "$null"

mkdir -p "$work/home/tftp" "$work/static" "$work/data"
cat > "$work/provisiond.yaml" <<YAML
server: {dataDir: $work/data}
management: {port: 18067}
tftp:
  enabled: true
  port: 16969
  root: $work/home/tftp
  maxTransfers: 4000
  docsis:
    sharedSecret: storm-secret
    cacheEntries: 0
    files:
      - pattern: "cm-{mac}.cfg"
        template: $bench/storm-template.txt
        requireLease: false
        variables: {maxCpe: 4, upRate: 2000000, downRate: 50000000, class: gold}
YAML
"$dist/bin/provisiond" --config "$work/provisiond.yaml" > "$work/provisiond.log" 2>&1 & pids+=($!); prov=$!
wait_udp 16969
java=$(pgrep -P "$prov" java || echo "$prov")
measured "$java" --port 16969 --label "provisiond, cold (first pass after start)"
storm --port 16969 --label "provisiond warm-up" --save "$work/static" >/dev/null
storm --port 16969 --label "provisiond warm-up" >/dev/null
measured "$java" --port 16969 --label "provisiond (built on request)"
stop "$prov"
ls "$work/static" | wc -l | xargs echo "# files saved for tftpd-hpa:"
echo "# file size: $(stat -c %s "$work/static/cm-0010$(printf %08x 1).cfg") octets"

/usr/sbin/in.tftpd --foreground --listen --user root --address 127.0.0.1:16970 --secure "$work/static" & pids+=($!); hpa=$!
wait_udp 16970
storm --port 16970 --label "tftpd-hpa warm-up" >/dev/null
measured "$hpa" --port 16970 --label "tftpd-hpa (static files)"
stop "$hpa"
