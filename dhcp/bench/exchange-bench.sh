#!/usr/bin/env bash
# CPU of one DHCP exchange inside the server (JMH, DhcpExchangeBenchmark): decode, decide and
# encode DISCOVER-OFFER-REQUEST-ACK plus the lease record, sockets and fsync aside. Note that the
# benchmark itself builds and encodes each REQUEST, a client's work included in the figure.
# Run it alone on the machine. Extra arguments go to JMH.
set -euo pipefail

module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
classpath_file="$module/target/bench-classpath.txt"

(cd "$root" && ./mvnw -B -q -pl common,dhcp -am install -DskipTests -Dspotless.check.skip=true \
  && ./mvnw -B -q -pl dhcp test-compile dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test)

cd "$module"
exec java -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.openjdk.jmh.Main DhcpExchangeBenchmark -wi 3 -i 5 -w 2s -r 3s "$@"
