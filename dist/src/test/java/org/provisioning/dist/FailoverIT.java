package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dist.Distribution.Result;

/**
 * Two packaged provisiond processes paired through provisionctl (127.0.0.1 primary, 127.0.0.3
 * secondary), driven by a relay that sends every request to both, as a CMTS with two helper
 * addresses does. The primary is killed (-9) or stopped (SIGSTOP) under load: the secondary must
 * answer, and hold every lease the primary acknowledged.
 */
class FailoverIT {
  private static final String PRIMARY = "127.0.0.1";
  private static final String SECONDARY = "127.0.0.3";
  private static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  @TempDir Path dir;
  private Process primary;
  private Process secondary;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    for (Process p : new Process[] {primary, secondary}) {
      if (p != null) {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
        p.destroyForcibly();
        p.waitFor(10, SECONDS);
      }
    }
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket a = new DatagramSocket(0, InetAddress.getByName(PRIMARY))) {
      return a.getLocalPort();
    }
  }

  private Path config(String name, int id, String address, String role, int dhcpPort, int fo)
      throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    return Files.writeString(
        home.resolve("provisiond.yaml"),
        """
        server: {name: %s, id: %d, dataDir: %s}
        management: {listen: %s, port: %d}
        dhcp:
          enabled: true
          listen: %s
          port: %d
          serverIdentifier: %s
          subnets:
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.16.3.250}]
        failover:
          role: %s
          listen: %s
          port: %d
          heartbeatMillis: 50
          deadAfterMillis: 300
        """
            .formatted(
                name,
                id,
                home.resolve("data"),
                address,
                Distribution.freePort(),
                address,
                dhcpPort,
                address,
                role,
                address,
                fo));
  }

  private Process start(Path config) throws Exception {
    Path log = config.getParent().resolve("provisiond.log");
    Process process = Distribution.start(log, "--config", config.toString());
    await()
        .atMost(30, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !process.isAlive()
                    || Distribution.run("provisionctl", "--config", config.toString(), "status")
                            .exit()
                        == 0);
    assertTrue(process.isAlive(), () -> "provisiond died:\n" + read(log));
    return process;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(none)";
    }
  }

  private JsonNode api(Path config, String path) throws Exception {
    String text = Files.readString(config);
    String address = text.contains("listen: " + SECONDARY) ? SECONDARY : PRIMARY;
    int port =
        Integer.parseInt(
            text.lines()
                .filter(l -> l.startsWith("management:"))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*port: (\\d+).*", "$1"));
    String token =
        ApiToken.read(config.getParent().resolve("data").resolve(ApiToken.FILE_NAME)).value();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/api/v1" + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  private String state(Path config) {
    try {
      return api(config, "/failover").path("state").asText();
    } catch (Exception e) {
      return "unreachable";
    }
  }

  /** Starts both, pairs them the way an operator does, and waits for NORMAL on both sides. */
  private Path[] pair() throws Exception {
    int dhcpPort = freeUdpPort();
    int failoverPort = Distribution.freePort();
    Path secondaryConfig = config("secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort);
    Path primaryConfig = config("primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort);
    secondary = start(secondaryConfig);
    primary = start(primaryConfig);

    Result secret =
        Distribution.run(
            "provisionctl", "--config", secondaryConfig.toString(), "failover", "secret");
    assertEquals(0, secret.exit(), secret.err());
    assertTrue(
        read(secondaryConfig.getParent().resolve("provisiond.log"))
            .contains("FAILOVER_PAIRING_SECRET"));
    Result init =
        Distribution.run(
            "provisionctl",
            "--config",
            primaryConfig.toString(),
            "failover",
            "init",
            "--peer",
            SECONDARY,
            "--secret",
            secret.out().strip());
    assertEquals(0, init.exit(), init.err());
    await()
        .atMost(20, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> "NORMAL".equals(state(primaryConfig)) && "NORMAL".equals(state(secondaryConfig)));
    return new Path[] {primaryConfig, secondaryConfig, Path.of(Integer.toString(dhcpPort))};
  }

  @Test
  void afterKillDashNineTheSecondaryServesWithEveryAckedLeaseAndThePrimaryReturns()
      throws Exception {
    survivesTheLossOfThePrimary(false);
  }

  @Test
  void afterSigstopTheSecondaryServesWithEveryAckedLeaseAndThePrimaryResumes() throws Exception {
    survivesTheLossOfThePrimary(true);
  }

  private void survivesTheLossOfThePrimary(boolean sigstop) throws Exception {
    Path[] pair = pair();
    Path primaryConfig = pair[0];
    Path secondaryConfig = pair[1];
    int dhcpPort = Integer.parseInt(pair[2].toString());
    Map<Integer, Ack> acked = new LinkedHashMap<>();
    Ack fromSecondary = null;
    int n = 0;
    try (DualRelay relay = new DualRelay(dhcpPort)) {
      while (acked.size() < 40) {
        Ack ack = relay.bind(n++, 2_000);
        if (ack != null) {
          acked.put(ack.client, ack);
        }
      }
      if (sigstop) {
        assertEquals(
            0, new ProcessBuilder("kill", "-STOP", Long.toString(primary.pid())).start().waitFor());
      } else {
        primary.destroyForcibly();
        primary.waitFor(10, SECONDS);
      }
      long lostAt = System.nanoTime();
      while (fromSecondary == null && System.nanoTime() - lostAt < SECONDS.toNanos(5)) {
        Ack ack = relay.bind(n++, 500);
        if (ack != null && ack.server.equals(SECONDARY)) {
          fromSecondary = ack;
        }
      }
      assertTrue(fromSecondary != null, "the secondary answered within 5 s");
      assertEquals("PARTNER_DOWN", state(secondaryConfig));
    }

    JsonNode leases = api(secondaryConfig, "/leases?state=bound&limit=5000");
    Map<String, String> macByAddress = new HashMap<>();
    for (JsonNode lease : leases.path("leases")) {
      macByAddress.put(lease.path("ip").asText(), lease.path("mac").asText());
    }
    int fromPrimary = 0;
    for (Ack ack : acked.values()) {
      if (ack.server.equals(PRIMARY)) {
        fromPrimary++;
        assertEquals(
            HexFormat.ofDelimiter(":").formatHex(DualRelay.mac(ack.client)),
            macByAddress.get(ack.address.toString()),
            "the primary acknowledged " + ack.address + " to client " + ack.client);
      }
    }
    assertTrue(fromPrimary >= 40, "the primary served before it was lost: " + fromPrimary);
    assertFalse(macByAddress.isEmpty());

    // The primary comes back (resumed, or restarted on its journal): it learns the lease the
    // secondary made meanwhile, then takes its role back.
    if (sigstop) {
      assertEquals(
          0, new ProcessBuilder("kill", "-CONT", Long.toString(primary.pid())).start().waitFor());
    } else {
      primary = start(primaryConfig);
    }
    await()
        .atMost(20, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> "NORMAL".equals(state(primaryConfig)) && "NORMAL".equals(state(secondaryConfig)));
    Ack madeMeanwhile = fromSecondary;
    JsonNode onPrimary =
        api(primaryConfig, "/leases?ip=" + madeMeanwhile.address() + "&state=bound");
    assertEquals(
        HexFormat.ofDelimiter(":").formatHex(DualRelay.mac(madeMeanwhile.client())),
        onPrimary.path("leases").path(0).path("mac").asText(),
        "the primary learned the secondary's lease: " + onPrimary);
    try (DualRelay relay = new DualRelay(dhcpPort)) {
      Ack after = null;
      long deadline = System.nanoTime() + SECONDS.toNanos(5);
      while (after == null && System.nanoTime() < deadline) {
        after = relay.bind(n++, 1_000);
      }
      assertTrue(after != null && after.server().equals(PRIMARY), "the primary serves again");
    }
  }

  record Ack(int client, Ipv4Address address, String server) {}

  /** A relay agent with two helper addresses: every request goes to both servers. */
  static final class DualRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private final int port;
    private final DhcpEncoder encoder = new DhcpEncoder();
    private final DhcpDecoder decoder = new DhcpDecoder();

    DualRelay(int port) throws IOException {
      this.port = port;
      this.socket = new DatagramSocket(new InetSocketAddress(RELAY.toInetAddress(), port));
      this.socket.setSoTimeout(50);
    }

    static byte[] mac(int n) {
      return new byte[] {2, 0, 1, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    Ack bind(int n, long timeoutMillis) throws IOException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      send(message(n, DhcpMessageType.DISCOVER, DhcpOptions.builder()));
      Reply offer = await(n, DhcpMessageType.OFFER, deadline);
      if (offer == null) {
        return null;
      }
      send(
          message(
              n,
              DhcpMessageType.REQUEST,
              DhcpOptions.builder()
                  .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.message.yourAddress())
                  .ipv4Address(
                      DhcpOptionCode.SERVER_IDENTIFIER,
                      offer.message.options().serverIdentifier().orElseThrow())));
      Reply ack = await(n, DhcpMessageType.ACK, deadline);
      return ack == null ? null : new Ack(n, ack.message.yourAddress(), ack.from);
    }

    private record Reply(DhcpMessage message, String from) {}

    private Reply await(int xid, DhcpMessageType type, long deadline) throws IOException {
      byte[] buffer = new byte[1500];
      while (System.currentTimeMillis() < deadline) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
        if (reply.transactionId() == xid && reply.messageType() == type) {
          return new Reply(reply, packet.getAddress().getHostAddress());
        }
      }
      return null;
    }

    private DhcpMessage message(int n, DhcpMessageType type, DhcpOptions.Builder options) {
      return DhcpMessage.builder()
          .op(BootOp.BOOTREQUEST)
          .clientHardwareAddress(HardwareAddress.of(HardwareType.ETHERNET, mac(n)))
          .transactionId(n)
          .hops(1)
          .relayAgentAddress(RELAY)
          .messageType(type)
          .options(options.build())
          .build();
    }

    private void send(DhcpMessage message) throws IOException {
      byte[] bytes = encoder.encode(message);
      for (String server : new String[] {PRIMARY, SECONDARY}) {
        socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(server, port)));
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
