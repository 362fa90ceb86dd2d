#!/usr/bin/env bash
# Durable append throughput of the state bus journal (JMH, JournalAppendBenchmark):
# records/s with 1, 8 and 64 publishers, plus fsyncs/s and records per fsync.
# It measures the disk: run it alone on the machine. Extra arguments go to JMH.
# BENCH_DIR sets where the journal is written; it must be a real disk, not tmpfs.
set -euo pipefail

common="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$common/.." && pwd)"
classpath_file="$common/target/bench-classpath.txt"

(cd "$root" && ./mvnw -B -q -pl common test-compile dependency:build-classpath \
  -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test)

bench_dir="${BENCH_DIR:-/tmp}"
if [ "$(stat -f -c %T "$bench_dir")" = tmpfs ]; then
  echo "$bench_dir is tmpfs, where fsync costs nothing; using $common/target instead" >&2
  bench_dir="$common/target"
fi
mkdir -p "$bench_dir"
echo "journal directory under $bench_dir ($(stat -f -c %T "$bench_dir"), $(df -P "$bench_dir" | awk 'NR==2 {print $1}'))"

cd "$common"
BENCH_DIR="$bench_dir" exec java \
  -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  org.openjdk.jmh.Main JournalAppendBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s "$@"
