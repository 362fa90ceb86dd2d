package org.provisioning.common.bus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.provisioning.common.stats.StatisticsRegistry;

/**
 * Durable appends per second: each operation publishes a 100-byte record and waits until it is
 * fsynced, with 1, 8 and 64 publishers blocked at once. The JMH score is records per second; each
 * iteration also prints fsyncs per second and records per fsync, read from the bus's counters, to
 * show group commit at work. Run by {@code common/bench/journal-bench.sh}, on a real disk (the
 * directory is {@code $BENCH_DIR}, else the system temporary directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JournalAppendBenchmark {
  private static final byte[] PAYLOAD = new byte[100];

  private Path directory;
  private StatisticsRegistry stats;
  private StateBus bus;
  private long iterationStart;
  private long recordsAtStart;
  private long fsyncsAtStart;

  @Setup(Level.Trial)
  public void open() throws IOException {
    String base = System.getenv("BENCH_DIR");
    Path parent = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"));
    Files.createDirectories(parent);
    directory = Files.createTempDirectory(parent, "journal-bench-");
    stats = new StatisticsRegistry();
    bus =
        StateBus.open(
            directory,
            1,
            Clock.systemUTC(),
            stats,
            List.of(),
            StateBus.Options.defaults().withSnapshotEveryRecords(0));
  }

  @Setup(Level.Iteration)
  public void markIteration() {
    recordsAtStart = counter("bus.journal.records");
    fsyncsAtStart = counter("bus.journal.fsyncs");
    iterationStart = System.nanoTime();
  }

  @TearDown(Level.Iteration)
  public void reportIteration() {
    double seconds = (System.nanoTime() - iterationStart) / 1e9;
    long records = counter("bus.journal.records") - recordsAtStart;
    long fsyncs = counter("bus.journal.fsyncs") - fsyncsAtStart;
    System.out.printf(
        "%n  [journal] records/s %.0f  fsyncs/s %.0f  records/fsync %.2f%n",
        records / seconds, fsyncs / seconds, fsyncs == 0 ? 0.0 : (double) records / fsyncs);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    bus.close();
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private long counter(String name) {
    return stats.snapshot().get(name);
  }

  @Benchmark
  @Threads(1)
  public BusRecord publishers01() {
    return bus.publish(RecordType.LEASE, PAYLOAD).join();
  }

  @Benchmark
  @Threads(8)
  public BusRecord publishers08() {
    return bus.publish(RecordType.LEASE, PAYLOAD).join();
  }

  @Benchmark
  @Threads(64)
  public BusRecord publishers64() {
    return bus.publish(RecordType.LEASE, PAYLOAD).join();
  }
}
