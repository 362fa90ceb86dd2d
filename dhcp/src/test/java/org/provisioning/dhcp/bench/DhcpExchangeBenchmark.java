package org.provisioning.dhcp.bench;

import java.time.Clock;
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
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpOutcome;
import org.provisioning.dhcp.engine.DhcpRequestContext;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/**
 * The CPU of one whole DHCP exchange inside the server, sockets and fsync aside: decode a relayed
 * DISCOVER, decide, encode the OFFER, decode the REQUEST, decide, encode the lease record and the
 * ACK. 50,000 clients take turns, so after the first round every exchange is a returning client.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-XX:+UseZGC", "-Xmx1g"})
public class DhcpExchangeBenchmark {
  private static final int CLIENTS = 50_000;
  private static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  private final DhcpDecoder decoder = new DhcpDecoder();
  private final DhcpEncoder encoder = new DhcpEncoder();
  private final DhcpRequestContext context = new DhcpRequestContext(RELAY, 67);
  private DhcpEngine engine;
  private byte[][] discovers;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    var config =
        new ConfigCodec()
            .parse(
                """
                dhcp:
                  enabled: true
                  serverIdentifier: 127.0.0.1
                  options: {dnsServers: [127.0.0.53], domainName: example.net}
                  subnets:
                    - subnet: 127.16.0.0/16
                      relays: [127.0.0.2]
                      options: {routers: [127.16.0.1]}
                      pools: [{range: 127.16.0.10-127.16.255.250}]
                """)
            .dhcp();
    Clock clock = Clock.systemUTC();
    engine =
        new DhcpEngine(
            config,
            1,
            new MemoryLeaseStore(),
            clock,
            Ticker.system(),
            new DhcpStatistics(new StatisticsRegistry()),
            new AlertCenter(clock, 10));
    discovers = new byte[CLIENTS][];
    for (int n = 0; n < CLIENTS; n++) {
      discovers[n] = encoder.encode(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()));
    }
  }

  private static DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
    return RelayedDhcpClient.relayed(
        RelayedDhcpClient.mac(n),
        n,
        RELAY,
        type,
        options.parameterRequestList(
            java.util.List.of(
                DhcpOptionCode.SUBNET_MASK,
                DhcpOptionCode.ROUTER,
                DhcpOptionCode.DOMAIN_NAME_SERVER,
                DhcpOptionCode.DOMAIN_NAME)));
  }

  @Benchmark
  public byte[] exchange() {
    int n = next;
    next = (next + 1) % CLIENTS;
    DhcpOutcome offer = engine.handle(decoder.decodeRequest(discovers[n]), context).orElseThrow();
    byte[] offerBytes = encoder.encode(offer.reply(), 576);
    DhcpMessage offered = decoder.decode(offerBytes);
    byte[] request =
        encoder.encode(
            message(
                n,
                DhcpMessageType.REQUEST,
                DhcpOptions.builder()
                    .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offered.yourAddress())
                    .ipv4Address(
                        DhcpOptionCode.SERVER_IDENTIFIER,
                        offered.options().serverIdentifier().orElseThrow())));
    DhcpOutcome ack = engine.handle(decoder.decodeRequest(request), context).orElseThrow();
    ack.leaseChange().encode();
    return encoder.encode(ack.reply(), 576);
  }
}
