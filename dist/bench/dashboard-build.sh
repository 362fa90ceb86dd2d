#!/bin/sh
# How long GET /api/v1/console/dashboard takes to build at the server with 1,000 pools and about
# 1,000,000 bound leases, a full hour of statistics history behind the charts (DashboardBuild.java:
# provisiond's own lease store, DHCP engine, registry, history, dashboard and management server,
# in one JVM). Prints the history's sampling cost and memory, then the dashboard's build time
# in-process and over loopback HTTP (median, p90, p99, max).
#
#   ./mvnw -B -q -o -pl dist -am package -DskipTests -Ddeb.skip
#   dist/bench/dashboard-build.sh [pools] [average leases per pool] [runs]
#
# Not part of the build. Run it alone on the machine: the figures are CPU time on a busy box.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
home=${PROVISIONING_HOME:-$here/../target/provisioning-suite}
[ -d "$home/lib" ] || { echo "no distribution at $home: package dist first" >&2; exit 2; }
exec java -Xmx2g -XX:+UseZGC -cp "$home/lib/*" "$here/DashboardBuild.java" "$@"
