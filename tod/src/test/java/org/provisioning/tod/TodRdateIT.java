package org.provisioning.tod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.TodConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.OsTool;

/** rdate (Debian package rdate), which nobody here wrote, asks the server over TCP and UDP. */
class TodRdateIT {
  private static final Instant NOW = Instant.parse("2025-06-01T12:34:56Z");
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final Path rdate = OsTool.require("rdate", "rdate");
  private TodServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    server =
        new TodServer(
            new TodConfig(true, Ipv4Address.parse("127.0.0.1"), 0, false, null, null),
            Clock.fixed(NOW, ZoneOffset.UTC),
            stats);
    server.start();
    address = server.localAddress();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private OsTool.Result rdate(String... transport) throws Exception {
    String[] args = new String[transport.length + 4];
    System.arraycopy(transport, 0, args, 0, transport.length);
    args[transport.length] = "-p";
    args[transport.length + 1] = "-o";
    args[transport.length + 2] = Integer.toString(address.getPort());
    args[transport.length + 3] = "127.0.0.1";
    return OsTool.run(Map.of("TZ", "UTC"), 20, rdate, args);
  }

  @Test
  void rdatePrintsTheServersTimeOverTcp() throws Exception {
    OsTool.Result result = rdate();
    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("Sun Jun  1 12:34:56 UTC 2025"), result.output());
    assertEquals(1L, stats.snapshot().get("tod.tcp.served"));
  }

  @Test
  void rdatePrintsTheServersTimeOverUdp() throws Exception {
    OsTool.Result result = rdate("-u");
    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("Sun Jun  1 12:34:56 UTC 2025"), result.output());
    assertEquals(1L, stats.snapshot().get("tod.udp.served"));
  }
}
