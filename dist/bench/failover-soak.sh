#!/bin/sh
# The failover soak of issue 9: a pair of packaged provisiond processes on loopback (127.0.0.1
# primary, 127.0.0.3 secondary, the failover traffic through a test-owned link on 127.0.0.5/.6)
# under DHCP load for N minutes (default 10): RATE new clients a second (default 100), each with a
# new MAC, each a DORA sent to both servers as a CMTS with two helper addresses does. Every minute
# one server is killed (-9), terminated (SIGTERM) or hung (SIGSTOP) and brought back, in turn; at
# random the failover link is cut for 2-10 s and healed. At the end it checks, through both
# servers' leases API: no address bound to two clients, every acknowledged lease held by its
# client on both servers (apart from the losers of conflicts both servers counted), and how long
# clients went without any ACK. Exits 1 when a check fails. The driver is
# dist/src/test/java/org/provisioning/dist/FailoverSoak.java.
#
#   ./mvnw -B -q -o -pl dist -am package -DskipTests
#   dist/bench/failover-soak.sh [minutes] [rate] [seed]
#
# Not part of the build. It test-compiles dist through the reactor, runs the driver with the test
# classes, the distribution's lib/ and the test dependencies. The servers' data and logs go under
# dist/target/bench-failover-soak, deleted after a passing run (KEEP=1 keeps it; a failing run
# always keeps it); the summary is copied to dist/target/failover-soak-summary.txt. Every server
# it started is stopped by PID on any exit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${PROVISIONING_HOME:-$root/dist/target/provisioning-suite}
minutes=${1:-10}
rate=${2:-100}
seed=${3:-}
work=$root/dist/target/bench-failover-soak
deps=$root/dist/target/failover-soak-classpath.txt
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }

# The servers the driver started, by the PIDs it keeps in $work/pids, if it could not stop them
# itself (its JVM killed); only processes whose command line names $work.
stop_servers() {
  [ -f "$work/pids" ] || return 0
  for pid in $(cat "$work/pids"); do
    [ "$pid" -gt 0 ] 2>/dev/null || continue
    [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$work/"; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}
finish() {
  rc=$?
  stop_servers
  [ -f "$work/summary.txt" ] && cp "$work/summary.txt" "$root/dist/target/failover-soak-summary.txt"
  if [ "$rc" = 0 ] && [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  elif [ -d "$work" ]; then
    echo "kept $work (logs, journals, summary.txt)" >&2
  fi
  exit "$rc"
}

cd "$root"
./mvnw -B -q -o -pl dist -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$deps" -Dmdep.includeScope=test -Dmdep.excludeGroupIds=org.provisioning
rm -rf "$work"
mkdir -p "$work"
trap finish EXIT
trap 'exit 130' INT TERM
java -XX:+UseZGC -Xmx1g -Dprovisioning.home="$home" \
  -cp "$root/dist/target/test-classes:$root/common/target/test-classes:$home/lib/*:$(cat "$deps")" \
  org.provisioning.dist.FailoverSoak "$work" "$minutes" "$rate" $seed
