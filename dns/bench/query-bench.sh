#!/usr/bin/env bash
# CPU of one DNS query inside the engine (JMH, DnsQueryBenchmark): from the answer cache, and the
# full way (dnsjava parse, zone lookup, render). Builds through the reactor (no install), then
# runs JMH. Run it alone on the machine. Extra arguments go to JMH.
set -euo pipefail

module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
classpath_file="$module/target/bench-classpath.txt"

(cd "$root" && ./mvnw -B -q -pl dns -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test)

cd "$module"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.openjdk.jmh.Main DnsQueryBenchmark -wi 2 -i 3 -w 2s -r 3s "$@"
