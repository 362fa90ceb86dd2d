package org.provisioning.dns.engine;

import java.time.Clock;
import java.util.List;
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
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsZones;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The CPU of one UDP query inside the engine, sockets aside: wire bytes in, wire bytes out, for
 * 10,000 names of one zone asked in turn. {@code cached} is what a server answers from its answer
 * cache once warm; {@code fullWay} parses with dnsjava, looks up the zone and renders every time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseZGC", "-Xmx1g"})
public class DnsQueryBenchmark {
  private static final int NAMES = 10_000;

  private DnsEngine engine;
  private byte[][] queries;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    StringBuilder records = new StringBuilder("\"www A 127.0.0.5\"");
    for (int i = 0; i < NAMES; i++) {
      records.append(", \"host").append(i).append(" A 10.").append(i >> 8).append('.');
      records.append(i & 0xFF).append(".1\"");
    }
    DnsConfig config =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  zones:
                    - name: cable.example.net
                      nameServers: [ns1.cable.example.net]
                      records: [%s]
                """
                    .formatted(records))
            .dns();
    DnsZones zones = DnsZones.fromConfig(config, Clock.systemUTC());
    DnsKeys keys = new DnsKeys(List.of(), Clock.systemUTC());
    engine =
        new DnsEngine(() -> zones, () -> keys, new DnsStatistics(new StatisticsRegistry()), 1232);
    queries = new byte[NAMES][];
    for (int i = 0; i < NAMES; i++) {
      Message query =
          Message.newQuery(
              Record.newRecord(
                  Name.fromString("host" + i + ".cable.example.net."), Type.A, DClass.IN));
      query.getHeader().setID(i);
      queries[i] = query.toWire();
    }
  }

  private byte[] nextQuery() {
    byte[] query = queries[next];
    next = (next + 1) % NAMES;
    return query;
  }

  @Benchmark
  public List<byte[]> cached() {
    return engine.handle(nextQuery(), DnsTransport.UDP);
  }

  @Benchmark
  public List<byte[]> fullWay() {
    return engine.handleUncached(nextQuery(), DnsTransport.UDP);
  }
}
