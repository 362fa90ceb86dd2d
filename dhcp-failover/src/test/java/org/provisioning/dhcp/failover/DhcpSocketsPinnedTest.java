package org.provisioning.dhcp.failover;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.provisioning.dhcp.testing.RelayedDhcpClient.in;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.config.DhcpConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FreePorts;
import org.provisioning.dhcp.testing.RelayedDhcpClient;

/**
 * A config version that names other DHCP sockets (a partner's version, which the API checks do not
 * stop) leaves the server on the ones it started with until a restart, replies and option 54
 * included.
 */
class DhcpSocketsPinnedTest {
  private static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  @TempDir Path dir;
  private FailoverNode server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aNewPortOrIdentifierWaitsForARestart() throws Exception {
    int port = FreePorts.udp("127.0.0.1");
    String document =
        PairTest.document(1, "127.0.0.1", port, "primary", "127.0.0.3", FreePorts.failover(), 3600);
    server = new FailoverNode(dir, document, "0123456789abcdef0123456789abcdef");
    await().atMost(10, SECONDS).until(() -> server.state() == FailoverState.PARTNER_DOWN);

    DhcpConfig moved =
        server
            .config
            .codec()
            .parse(
                document
                    .replace("port: " + port, "port: " + (port + 1))
                    .replace("serverIdentifier: 127.0.0.1", "serverIdentifier: 127.0.0.9"))
            .dhcp();
    server.dhcp.reconfigure(moved);

    try (RelayedDhcpClient relay = new RelayedDhcpClient(RELAY, server.dhcpAddress())) {
      // Before, the OFFER went to the relay's port + 1 and named 127.0.0.9: no client bound.
      Ipv4Address bound = relay.bind(1, in(5_000));
      assertNotNull(bound);
      assertEquals(port, server.dhcpAddress().getPort());
    }
  }
}
