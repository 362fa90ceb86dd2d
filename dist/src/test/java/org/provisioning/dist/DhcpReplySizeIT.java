package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;
import org.provisioning.dist.Distribution.Result;

/**
 * Replies too large for their client: a subnet whose options (a 400-octet option 43 beside a boot
 * file) overflow the 576 octets a client takes without option 57. The packaged server committed the
 * lease and sent nothing; now it sends the reply with the options the client asked for.
 */
class DhcpReplySizeIT {
  @TempDir Path dir;
  private Process server;

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor(10, SECONDS);
    }
  }

  @Test
  void aReplyTooLargeForItsClientIsSentWithTheRequestedOptions() throws Exception {
    int dhcpPort = FreePorts.udp("127.0.0.1");
    // %s, not %d: the numbers must not follow the locale's digits.
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: large-replies, dataDir: %s}
            management: {port: %s}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: %s
              serverIdentifier: 127.0.0.1
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  options: {bootFile: large-config-file-name.cfg, raw: {43: "%s"}}
                  pools: [{range: 127.16.0.10-127.16.0.200}]
            """
                .formatted(
                    dir.resolve("data"),
                    FreePorts.tcp(),
                    dhcpPort,
                    HexFormat.ofDelimiter(":").formatHex(new byte[400])));
    server = Distribution.startServer(config, dir.resolve("provisiond.log"));
    try (RelayedDhcpClient relay =
        new RelayedDhcpClient(
            Ipv4Address.parse("127.0.0.2"), new InetSocketAddress("127.0.0.1", dhcpPort))) {
      for (int n = 1; n <= 3; n++) {
        assertNotNull(relay.bind(n, System.currentTimeMillis() + 5_000), "client " + n + " bound");
      }
    }
    Result stats =
        Distribution.run(
            "provisionctl", "--config", config.toString(), "stats", "--prefix", "dhcp.replies");
    assertEquals(0, stats.exit(), stats.err());
    assertEquals("dhcp.replies_trimmed 6", stats.out().strip(), "three OFFERs and three ACKs");
  }
}
