package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;

/**
 * An ACK means the lease is on disk: kill -9 the packaged provisiond right after a burst of ACKs,
 * start it again, and every acknowledged lease is there, by address and MAC.
 */
class LeaseDurabilityIT {
  private static final int CLIENTS = 400;

  @TempDir Path dir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(10, SECONDS);
    }
  }

  @Test
  void everyAcknowledgedLeaseSurvivesKillDashNine() throws Exception {
    int dhcpPort = FreePorts.udp("127.0.0.1");
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: durable, dataDir: %s}
            management: {port: %d}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: %d
              serverIdentifier: 127.0.0.1
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools: [{range: 127.16.0.10-127.16.3.250}]
            """
                .formatted(dir.resolve("data"), FreePorts.tcp(), dhcpPort));
    server = Distribution.startServer(config, dir.resolve("provisiond.log"));

    Map<Integer, Ipv4Address> acked;
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      acked = relay.bindAll(CLIENTS, 100, System.currentTimeMillis() + 60_000);
    }
    server.destroyForcibly(); // SIGKILL the moment the last ACK arrived: no flush, no hook
    assertTrue(server.waitFor(10, SECONDS));
    assertTrue(acked.size() >= CLIENTS * 9 / 10, "most clients were acknowledged: " + acked.size());
    assertEquals(acked.size(), new HashSet<>(acked.values()).size(), "addresses unique");

    server = Distribution.startServer(config, dir.resolve("provisiond.log"));
    Result leases =
        Distribution.run(
            "provisionctl",
            "--config",
            config.toString(),
            "leases",
            "--state",
            "bound",
            "--limit",
            "5000");
    assertEquals(0, leases.exit(), leases.err());
    Map<String, String> macByAddress = new HashMap<>();
    for (String line : leases.out().lines().skip(1).toList()) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length >= 2 && columns[0].startsWith("127.")) {
        macByAddress.put(columns[0], columns[1]);
      }
    }
    for (Map.Entry<Integer, Ipv4Address> ack : acked.entrySet()) {
      String mac = HexFormat.ofDelimiter(":").formatHex(RelayedDhcpClient.mac(ack.getKey()));
      assertEquals(
          mac,
          macByAddress.get(ack.getValue().toString()),
          "acknowledged lease of client " + ack.getKey() + " at " + ack.getValue() + " is back");
    }
  }
}
