package org.provisioning.dhcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dhcp.codec.DhcpDecodeException;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpOutcome;
import org.provisioning.dhcp.engine.DhcpRequestContext;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.message.DhcpMessage;

/**
 * Jazzer fuzz targets for everything a client's bytes reach. In a normal test run they replay their
 * seed corpus (the golden captures, in DhcpFuzzTestInputs/); {@code JAZZER_FUZZ=1 ./mvnw -pl dhcp
 * test -Dtest=DhcpFuzzTest} fuzzes for real, each for the duration given.
 */
class DhcpFuzzTest {
  private static final DhcpDecoder DECODER = new DhcpDecoder();
  private static final DhcpEncoder ENCODER = new DhcpEncoder();

  /** The decoder only ever returns a message or throws its own exception. */
  @FuzzTest(maxDuration = "60s")
  void decoderAcceptsOrRejectsCleanly(byte[] packet) {
    DhcpMessage message;
    try {
      message = DECODER.decodeRequest(packet);
    } catch (DhcpDecodeException expected) {
      return;
    }
    DhcpMessage again = DECODER.decode(ENCODER.encode(message));
    if (again.messageType() != message.messageType()
        || again.transactionId() != message.transactionId()) {
      throw new AssertionError("re-encoding changed the message: " + message + " -> " + again);
    }
  }

  /** The engine answers any decodable request without throwing, and never double-books. */
  @FuzzTest(maxDuration = "60s")
  void engineNeverThrowsAndNeverGivesOneAddressTwice(FuzzedDataProvider data) {
    Engine engine = new Engine();
    for (int i = 0; i < 8 && data.remainingBytes() > 0; i++) {
      byte[] packet = data.consumeBytes(data.consumeInt(240, 600));
      DhcpMessage request;
      try {
        request = DECODER.decodeRequest(packet);
      } catch (DhcpDecodeException expected) {
        continue;
      }
      DhcpOutcome outcome =
          engine
              .engine
              .handle(request, new DhcpRequestContext(Ipv4Address.parse("127.16.0.1"), 67))
              .orElse(null);
      if (outcome != null && outcome.reply() != null) {
        ENCODER.encode(outcome.reply(), 1500);
      }
    }
    java.util.Set<Ipv4Address> seen = new java.util.HashSet<>();
    engine.store.forEach(
        lease -> {
          if (!seen.add(lease.address())) {
            throw new AssertionError("two leases for " + lease.address());
          }
        });
  }

  private static final class Engine {
    final MemoryLeaseStore store = new MemoryLeaseStore();
    final DhcpEngine engine;

    Engine() {
      Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
      DhcpConfig config;
      try {
        config =
            new ConfigCodec()
                .parse(
                    """
                    dhcp:
                      enabled: true
                      serverIdentifier: 127.16.0.1
                      classes: [{name: modem, role: modem, match: {vendorClassPrefix: docsis}}]
                      subnets:
                        - subnet: 127.16.0.0/24
                          relays: [127.0.0.2]
                          pools: [{range: 127.16.0.10-127.16.0.13}]
                      policies: {maxCpePerModem: 1}
                    """)
                .dhcp();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      engine =
          new DhcpEngine(
              config,
              1,
              store,
              clock,
              () -> 0L, // as still as the clock
              new DhcpStatistics(new StatisticsRegistry()),
              new AlertCenter(clock, 10));
    }
  }
}
