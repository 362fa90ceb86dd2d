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

  private static final String ONE_BIG_POOL =
      """
          - subnet: 127.16.0.0/16
            relays: [127.0.0.2]
            pools: [{range: 127.16.0.10-127.16.3.250}]
      """;

  private Path config(String name, int id, String address, String role, int dhcpPort, int fo)
      throws IOException {
    return config(name, id, address, role, dhcpPort, fo, ONE_BIG_POOL);
  }

  private Path config(
      String name, int id, String address, String role, int dhcpPort, int fo, String subnets)
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
        %s
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
                subnets.stripTrailing(),
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
    return pair(SECONDARY, Distribution.freePort(), ONE_BIG_POOL);
  }

  /**
   * Starts both and pairs them, the primary with {@code peer} as its partner's address (the
   * secondary's, or a {@link FailoverLink} in between).
   */
  private Path[] pair(String peer, int failoverPort, String subnets) throws Exception {
    int dhcpPort = freeUdpPort();
    Path secondaryConfig =
        config("secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort, subnets);
    Path primaryConfig =
        config("primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort, subnets);
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
            peer,
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
    // The operator changes the config on the secondary while it serves alone.
    String running =
        Distribution.run("provisionctl", "--config", secondaryConfig.toString(), "config", "get")
            .out();
    assertTrue(running.contains("leaseTime: 3600"), running);
    Path changed = dir.resolve("changed-on-secondary.yaml");
    Files.writeString(changed, running.replace("leaseTime: 3600", "leaseTime: 7200"));
    var set =
        Distribution.run(
            "provisionctl",
            "--config",
            secondaryConfig.toString(),
            "config",
            "set",
            changed.toString());
    assertEquals(0, set.exit(), set.out() + set.err());

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
    await()
        .atMost(10, SECONDS)
        .until(
            () ->
                api(primaryConfig, "/config").path("config").path("dhcp").path("leaseTime").asInt(),
            leaseTime -> leaseTime == 7200);
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

  /** Subnet A (relay 127.0.0.2) has 20 addresses, subnet B (relay 127.0.0.4) 10. */
  private static final String TWO_SMALL_POOLS =
      """
          - subnet: 127.16.0.0/16
            relays: [127.0.0.2]
            pools: [{range: 127.16.0.10-127.16.0.29}]
          - subnet: 127.17.0.0/16
            relays: [127.0.0.4]
            pools: [{range: 127.17.0.10-127.17.0.19}]
      """;

  private static final Ipv4Address RELAY_B = Ipv4Address.parse("127.0.0.4");

  /**
   * Only the failover link is cut (a {@link FailoverLink} carries it; the DHCP sockets stay
   * reachable): each server gets relayed DHCP traffic and serves alone, the primary bottom-up, the
   * secondary top-down.
   *
   * <ul>
   *   <li>Subnet A filled to 60 % during the cut: after the heal no address is bound to two
   *       clients, no conflict is counted, and both servers hold the same twelve leases.
   *   <li>Subnet B filled to 100 % during a second cut (twelve clients, ten addresses): after the
   *       heal the two addresses both servers gave away are found as conflicts, counted (failover
   *       status, stats, alerts naming exactly those two addresses) and resolved the same way on
   *       both servers (the earlier grant keeps the address); the losers are NAKed.
   * </ul>
   */
  @Test
  void aCutFailoverLinkLeavesNoAddressBoundTwiceAndSettlesTheConflictsOfAFullPool()
      throws Exception {
    int failoverPort = Distribution.freePort();
    try (FailoverLink link = new FailoverLink(PRIMARY, SECONDARY, failoverPort)) {
      Path[] pair = pair(FailoverLink.FRONT, failoverPort, TWO_SMALL_POOLS);
      Path primaryConfig = pair[0];
      Path secondaryConfig = pair[1];
      int dhcpPort = Integer.parseInt(pair[2].toString());
      // The pairing's sync shows in the status, through the API and provisionctl.
      JsonNode received = api(secondaryConfig, "/failover").path("sync").path("receiving");
      assertEquals("snapshot", received.path("kind").asText(), received.toString());
      assertEquals("done", received.path("state").asText(), received.toString());
      Result ctlStatus =
          Distribution.run(
              "provisionctl", "--config", secondaryConfig.toString(), "failover", "status");
      assertTrue(ctlStatus.out().contains("sync       receiving snapshot"), ctlStatus.out());

      // Subnet A at 60 %: two clients before the cut, five on each side during it.
      Map<Integer, Ack> subnetA = new LinkedHashMap<>();
      try (DualRelay relay = new DualRelay(dhcpPort)) {
        for (int n = 1000; n < 1002; n++) {
          subnetA.put(n, acked(relay.bind(n, 2_000), PRIMARY));
        }
        cut(link, primaryConfig, secondaryConfig);
        for (int n = 1002; n < 1007; n++) {
          subnetA.put(n, acked(relay.bindVia(PRIMARY, n, 2_000), PRIMARY));
        }
        for (int n = 1007; n < 1012; n++) {
          subnetA.put(n, acked(relay.bindVia(SECONDARY, n, 2_000), SECONDARY));
        }
      }
      assertEquals(12, subnetA.values().stream().map(Ack::address).distinct().count());
      heal(link, primaryConfig, secondaryConfig);
      await()
          .atMost(10, SECONDS)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Map<String, String> onPrimary = bound(primaryConfig, "127.16.");
                assertEquals(onPrimary, bound(secondaryConfig, "127.16."), "the same on both");
                assertEquals(12, onPrimary.size());
                for (Ack ack : subnetA.values()) {
                  assertEquals(mac(ack.client()), onPrimary.get(ack.address().toString()));
                }
              });
      assertEquals(0, api(primaryConfig, "/failover").path("conflicts").asLong(), "no conflict");
      assertEquals(0, api(secondaryConfig, "/failover").path("conflicts").asLong(), "no conflict");

      // Subnet B at 100 %: six clients on each side of a second cut, for ten addresses. The
      // secondary (top-down from .19) grants first, so where the two meet (.15, .14) its clients
      // hold the earlier grants.
      Map<Integer, Ack> subnetB = new LinkedHashMap<>();
      cut(link, primaryConfig, secondaryConfig);
      try (DualRelay relay = new DualRelay(dhcpPort, RELAY_B)) {
        for (int n = 2000; n < 2006; n++) {
          subnetB.put(n, acked(relay.bindVia(SECONDARY, n, 2_000), SECONDARY));
        }
        for (int n = 2006; n < 2012; n++) {
          subnetB.put(n, acked(relay.bindVia(PRIMARY, n, 2_000), PRIMARY));
        }
      }
      Map<String, java.util.List<Ack>> byAddress = new java.util.TreeMap<>();
      subnetB
          .values()
          .forEach(
              a ->
                  byAddress
                      .computeIfAbsent(a.address().toString(), k -> new java.util.ArrayList<>())
                      .add(a));
      assertEquals(10, byAddress.size(), "the pool is full");
      java.util.Set<String> givenTwice = new java.util.TreeSet<>();
      byAddress.forEach(
          (address, acks) -> {
            if (acks.size() > 1) {
              givenTwice.add(address);
            }
          });
      assertEquals(java.util.Set.of("127.17.0.14", "127.17.0.15"), givenTwice);

      heal(link, primaryConfig, secondaryConfig);
      await()
          .atMost(10, SECONDS)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Map<String, String> onPrimary = bound(primaryConfig, "127.17.");
                assertEquals(onPrimary, bound(secondaryConfig, "127.17."), "the same on both");
                assertEquals(10, onPrimary.size());
                assertEquals(10, new java.util.HashSet<>(onPrimary.values()).size());
                byAddress.forEach(
                    (address, acks) ->
                        assertEquals(
                            mac(acks.get(0).client()), // the earlier grant
                            onPrimary.get(address),
                            address));
              });
      for (Path config : new Path[] {primaryConfig, secondaryConfig}) {
        JsonNode status = api(config, "/failover");
        assertTrue(status.path("conflicts").asLong() >= 2, status.toString());
        assertEquals(
            status.path("conflicts").asLong(),
            api(config, "/stats?prefix=failover.conflicts").path("failover.conflicts").asLong());
        java.util.Set<String> alerted = new java.util.TreeSet<>();
        for (JsonNode alert : api(config, "/alerts").path("history")) {
          if (alert.path("event").asText().equals("FAILOVER_LEASE_CONFLICT")) {
            alerted.add(alert.path("object").asText());
          }
        }
        assertEquals(givenTwice, alerted, "alerted for exactly the addresses given twice");
      }
      try (DualRelay relay = new DualRelay(dhcpPort, RELAY_B)) {
        for (String address : givenTwice) {
          Ack loser = byAddress.get(address).get(1);
          assertEquals(
              DhcpMessageType.NAK,
              relay.reboot(loser.client(), loser.address(), 2_000),
              "the losing client of " + address + " is NAKed at its next renewal");
        }
      }
      assertTrue(link.dropped() > 0);
    }
  }

  private static Ack acked(Ack ack, String by) {
    assertTrue(ack != null, "a client went unanswered while the link was cut");
    assertEquals(by, ack.server());
    return ack;
  }

  private static String mac(int client) {
    return HexFormat.ofDelimiter(":").formatHex(DualRelay.mac(client));
  }

  /** The bound leases a server shows through its API, address to MAC, for addresses so prefixed. */
  private Map<String, String> bound(Path config, String prefix) throws Exception {
    Map<String, String> macByAddress = new java.util.TreeMap<>();
    for (JsonNode lease : api(config, "/leases?state=bound&limit=5000").path("leases")) {
      String ip = lease.path("ip").asText();
      if (ip.startsWith(prefix)) {
        assertEquals(null, macByAddress.put(ip, lease.path("mac").asText()), "one lease per " + ip);
      }
    }
    return macByAddress;
  }

  private void cut(FailoverLink link, Path primaryConfig, Path secondaryConfig) {
    link.cut();
    await()
        .atMost(5, SECONDS)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                "PARTNER_DOWN".equals(state(primaryConfig))
                    && "PARTNER_DOWN".equals(state(secondaryConfig)));
  }

  private void heal(FailoverLink link, Path primaryConfig, Path secondaryConfig) {
    link.heal();
    await()
        .atMost(15, SECONDS)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> "NORMAL".equals(state(primaryConfig)) && "NORMAL".equals(state(secondaryConfig)));
  }

  record Ack(int client, Ipv4Address address, String server) {}

  /** A relay agent with two helper addresses: every request goes to both servers. */
  static final class DualRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private final int port;
    private final Ipv4Address relay;
    private final DhcpEncoder encoder = new DhcpEncoder();
    private final DhcpDecoder decoder = new DhcpDecoder();
    private String[] servers = {PRIMARY, SECONDARY};

    DualRelay(int port) throws IOException {
      this(port, RELAY);
    }

    /** A relay agent at another address (giaddr), for another subnet. */
    DualRelay(int port, Ipv4Address relay) throws IOException {
      this.port = port;
      this.relay = relay;
      this.socket = new DatagramSocket(new InetSocketAddress(relay.toInetAddress(), port));
      this.socket.setSoTimeout(50);
    }

    /** DORA through one helper address only: the client is served by that server or by none. */
    Ack bindVia(String server, int n, long timeoutMillis) throws IOException {
      String[] both = servers;
      servers = new String[] {server};
      try {
        return bind(n, timeoutMillis);
      } finally {
        servers = both;
      }
    }

    /**
     * An INIT-REBOOT REQUEST (RFC 2131 §4.3.2) for {@code address}, to both servers: the first
     * reply's type, or null if none came.
     */
    DhcpMessageType reboot(int n, Ipv4Address address, long timeoutMillis) throws IOException {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      send(
          message(
              n,
              DhcpMessageType.REQUEST,
              DhcpOptions.builder().ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, address)));
      byte[] buffer = new byte[1500];
      while (System.currentTimeMillis() < deadline) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          continue;
        }
        DhcpMessage reply = decoder.decode(buffer, 0, packet.getLength());
        if (reply.transactionId() == n) {
          return reply.messageType();
        }
      }
      return null;
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
          .relayAgentAddress(relay)
          .messageType(type)
          .options(options.build())
          .build();
    }

    private void send(DhcpMessage message) throws IOException {
      byte[] bytes = encoder.encode(message);
      for (String server : servers) {
        socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(server, port)));
      }
    }

    @Override
    public void close() {
      socket.close();
    }
  }
}
