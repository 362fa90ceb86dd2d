package org.provisioning.dhcp.lease;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;

/**
 * A lease lookup and a lease change among a million leases, at random addresses as DHCP clients
 * arrive: what the table costs when its arrays are far larger than the caches.
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$CP" org.openjdk.jmh.Main LeaseTableBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseZGC", "-Xms2g", "-Xmx2g"})
public class LeaseTableBenchmark {
  private static final int LEASES = 1 << 20;
  private static final int BASE = Ipv4Address.parse("127.16.0.0").value();

  private LeaseTable table;
  private int[] addresses;
  private byte[][] changes;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    table = new LeaseTable(16);
    for (int i = 0; i < LEASES; i++) {
      table.put(LeaseTableTest.lease(BASE + i, LeaseState.BOUND).encode());
    }
    Random random = new Random(7);
    addresses = new int[LEASES];
    changes = new byte[LEASES][];
    for (int i = 0; i < LEASES; i++) {
      addresses[i] = BASE + random.nextInt(LEASES);
      changes[i] = LeaseTableTest.lease(addresses[i], LeaseState.BOUND).encode();
    }
  }

  /** The binary form of a random lease, as the indexes read it. */
  @Benchmark
  public byte[] lookup() {
    return table.encodedAt(addresses[next++ & (LEASES - 1)]);
  }

  /** A random lease rewritten (the state it replaces read back), as a renewal does. */
  @Benchmark
  public LeaseState change() {
    return table.put(changes[next++ & (LEASES - 1)]);
  }
}
