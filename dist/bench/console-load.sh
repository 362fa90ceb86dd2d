#!/bin/sh
# The web console's performance figures (issue 11): a packaged provisiond with 1,000 pools and
# 1,000,000 leases; the tree view, dashboard and lease searches timed at the server over loopback
# HTTP, and one alert timed to 50 open consoles' event streams.
#
#   ./mvnw -B -q -o package -DskipTests -Ddeb.skip
#   dist/bench/console-load.sh
#
# Not part of the build. Its data (about 300 MB of journal) goes under dist/target/bench-console
# and is deleted at the end (KEEP=1 keeps it, with the log). The server is stopped by PID.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
work=$here/../target/bench-console
[ -x "$home/bin/provisiond" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
java -Xmx3g -cp "$home/lib/*" "$here/ConsoleLoad.java" "$home" "$work"
