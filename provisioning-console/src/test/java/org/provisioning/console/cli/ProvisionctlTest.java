package org.provisioning.console.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.alert.AlertSeverity;
import org.provisioning.common.alert.AlertType;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.FailoverControl;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.FailoverRoutes;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.http.ManagementServer;

/** provisionctl against a real management server on loopback. */
class ProvisionctlTest {
  @TempDir Path dir;
  private final List<BusRecord> journal = new ArrayList<>();
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter("alpha", Clock.systemUTC(), 10);
  private ConfigService config;
  private ManagementServer server;
  private Path tokenFile;
  private String url;
  private final FakeFailover failover = new FakeFailover();

  /** Records what the console asks of failover. */
  private static final class FakeFailover implements FailoverControl {
    final List<String> calls = new ArrayList<>();
    String role = "secondary";

    @Override
    public FailoverStatus status() {
      return new FailoverStatus(
          role,
          "NORMAL",
          Instant.EPOCH,
          "127.0.0.3",
          "NORMAL",
          12,
          40,
          39,
          1,
          1,
          0,
          -3,
          7,
          null,
          new FailoverStatus.SyncProgress(
              "snapshot", 500_000, 1_000_000, 200_000, "running", Instant.EPOCH));
    }

    @Override
    public Optional<String> secret() {
      return role.equals("secondary") ? Optional.of("s3cret-s3cret-s3cret") : Optional.empty();
    }

    @Override
    public void init(String peer, String secret) {
      calls.add("init " + peer + " " + secret);
      role = "primary";
    }

    @Override
    public void takeover(String cause) {
      calls.add("takeover " + cause);
    }

    @Override
    public void handback(String cause) {
      calls.add("handback " + cause);
    }

    @Override
    public void leave(String cause) {
      calls.add("leave " + cause);
    }
  }

  private final List<LeaseFilter> leaseQueries = new ArrayList<>();
  private List<org.provisioning.common.lease.LeaseRecord> leasesFound = List.of();

  @BeforeEach
  void start() throws Exception {
    config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    config.attach(
        (type, payload) -> {
          BusRecord record = new BusRecord(1, journal.size() + 1, 0, type, payload);
          journal.add(record);
          return CompletableFuture.completedFuture(record);
        });
    config.seedFromFile("server: {name: alpha}\n");
    ApiToken token = ApiToken.loadOrCreate(dir);
    tokenFile = dir.resolve(ApiToken.FILE_NAME);
    ManagementApi api =
        new ManagementApi(
            token,
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    Instant.now(),
                    Duration.ofMinutes(61),
                    Map.of("management", ServiceState.RUNNING)),
            stats,
            alerts,
            config);
    org.provisioning.console.api.TftpRoutes.register(
        api,
        (name, mac, cls) -> {
          if (!mac.equals("00:11:22:33:44:55")) {
            throw new IllegalArgumentException("'" + mac + "' is not a MAC like 00:11:22:33:44:55");
          }
          return new org.provisioning.common.control.ConfigFileRenderer.RenderedFile(
              "cm-001122334455.cfg",
              new byte[] {3, 1, 1, (byte) 255},
              "Main\n{\n\tNetworkAccess 1;\n}\n");
        });
    FailoverRoutes.register(api, failover);
    org.provisioning.console.api.LeaseRoutes.register(
        api,
        filter -> {
          leaseQueries.add(filter);
          return leasesFound;
        });
    server =
        new ManagementServer(
            api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1 << 20);
    server.start();
    url = "http://127.0.0.1:" + server.localAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private record Result(int exit, String out, String err) {}

  private Result ctlWithInput(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("--url", url, "--token-file", tokenFile.toString()));
    all.addAll(List.of(args));
    int exit =
        Provisionctl.run(
            all.toArray(String[]::new),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new java.io.ByteArrayInputStream(
                input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return new Result(exit, out.toString(), err.toString());
  }

  private Result ctl(String... args) {
    return ctlWithInput("", args);
  }

  @Test
  void failoverStatusSecretInitAndActionsGoThroughTheApi() {
    Result status = ctl("failover", "status");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("state      NORMAL"), status.out());
    assertTrue(status.out().contains("partner    127.0.0.3 NORMAL"), status.out());
    assertTrue(
        status
            .out()
            .contains(
                "sync       receiving snapshot 500000/1000000 (50%), running, resumed at 200000"),
        status.out());
    assertTrue(
        status.out().contains("sent 40, acked up to 39, pending 1, lag 1 (7 ms)"), status.out());
    assertTrue(status.out().contains("clock      partner -3 ms from ours"), status.out());

    Result secret = ctl("failover", "secret");
    assertEquals("s3cret-s3cret-s3cret" + System.lineSeparator(), secret.out());

    Result init =
        ctl("failover", "init", "--peer", "127.0.0.3", "--secret", "s3cret-s3cret-s3cret");
    assertEquals(0, init.exit(), init.err());
    assertTrue(init.out().contains("role       primary"), init.out());
    Result noSecret = ctl("failover", "secret");
    assertEquals(2, noSecret.exit(), "the secret is shown on the secondary only");
    // The secret on standard input, not as an argument (the process list, the shell history).
    Result fromStdin =
        ctlWithInput(
            "s3cret-from-stdin-16\n", "failover", "init", "--peer", "127.0.0.4", "--secret-stdin");
    assertEquals(0, fromStdin.exit(), fromStdin.err());
    assertEquals(2, ctl("failover", "init", "--peer", "127.0.0.4").exit(), "no secret given");

    assertEquals(0, ctl("failover", "takeover", "--cause", "maintenance").exit());
    assertEquals(0, ctl("failover", "handback").exit());
    assertEquals(0, ctl("failover", "leave", "--cause", "decommission").exit());
    assertEquals(
        List.of(
            "init 127.0.0.3 s3cret-s3cret-s3cret",
            "init 127.0.0.4 s3cret-from-stdin-16",
            "takeover operator: maintenance",
            "handback operator: provisionctl",
            "leave operator: decommission"),
        failover.calls);
  }

  @Test
  void statusShowsServerAndServices() {
    Result status = ctl("status");
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().startsWith("alpha  version test  up 1h1m"), status.out());
    assertTrue(status.out().contains("management   running"), status.out());
  }

  @Test
  void alertsListsAndAcknowledges() {
    alerts.raise(
        new AlertType(
            "FAILOVER_PARTNER_DOWN",
            AlertSeverity.CRITICAL,
            "failover",
            "The partner is out of contact.",
            "Check the partner server and the link between them."),
        "failover partner 127.0.0.3",
        "no heartbeat for 300 ms");
    long id = alerts.active().get(0).id();
    Result listed = ctl("alerts", "--state", "active");
    assertEquals(0, listed.exit(), listed.err());
    assertTrue(listed.out().contains("#" + id + " "), listed.out());
    assertTrue(
        listed.out().contains("FAILOVER_PARTNER_DOWN failover partner 127.0.0.3"), listed.out());

    Result acked = ctl("alerts", "ack", Long.toString(id), "--by", "noc-bob");
    assertEquals(0, acked.exit(), acked.err());
    assertTrue(acked.out().contains("(acknowledged by noc-bob)"), acked.out());
    assertEquals("noc-bob", alerts.active().get(0).acknowledgedBy());
    Result again = ctl("alerts", "ack", Long.toString(id));
    assertTrue(again.exit() != 0 && again.err().contains("already acknowledged"), again.err());
  }

  @Test
  void alertsFollowPrintsAlertsAsTheyHappen() throws Exception {
    AlertType lost =
        new AlertType(
            "FAILOVER_PARTNER_DOWN",
            AlertSeverity.CRITICAL,
            "failover",
            "The partner is out of contact.",
            "Check the partner.");
    var followed =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> ctl("alerts", "--follow", "--max-events", "2"));
    // Raise until the stream, once connected, has carried two of them.
    for (int i = 0; !followed.isDone() && i < 100; i++) {
      alerts.raise(lost, "partner " + i, "no heartbeat");
      Thread.sleep(100); // pacing the raises, not waiting for a result
    }
    Result result = followed.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(0, result.exit(), result.err());
    assertTrue(result.out().contains("following"), result.out());
    assertTrue(result.out().contains("raised:  #"), result.out());
    assertTrue(result.out().contains("FAILOVER_PARTNER_DOWN partner "), result.out());
  }

  @Test
  void statsPrintsNameValueLines() {
    stats.declare(
        List.of(
            StatisticDefinition.counter("tftp.requests", "requests", "TFTP requests."),
            StatisticDefinition.counter("dhcp.received.{type}", "messages", "DHCP received.")));
    stats.counter("tftp.requests").add(7);
    stats.counter("dhcp.received.discover").add(2);
    Result result = ctl("stats", "--prefix", "tftp.");
    assertEquals(0, result.exit(), result.err());
    assertEquals("tftp.requests 7" + System.lineSeparator(), result.out());
  }

  @Test
  void configSetGetAndCheckGoThroughTheApi() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yaml"), "server: {name: beta}\n");
    Result set = ctl("config", "set", good.toString());
    assertEquals(0, set.exit(), set.err());
    assertEquals("ok: version 2 is running" + System.lineSeparator(), set.out());

    Result get = ctl("config", "get");
    assertTrue(get.out().startsWith("# version 2, api"), get.out());
    assertTrue(get.out().contains("name: beta"), get.out());

    Path bad =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "server: {name: beta, id: 0}\nmanagement: {port: 0}\ntod: {colour: red}\n");
    Result check = ctl("config", "check", bad.toString());
    assertEquals(2, check.exit());
    assertTrue(check.err().contains("server.id: 0 is outside 1-255"), check.err());
    assertTrue(check.err().contains("management.port: 0 is not a port number"), check.err());
    assertTrue(check.err().contains("tod.colour: unknown key 'colour'"), check.err());
    Result refused = ctl("config", "set", bad.toString());
    assertEquals(2, refused.exit());
    assertEquals(2, config.current().orElseThrow().number(), "running config unchanged");
  }

  @Test
  void configGetShowsSecretsMaskedAndWhatItPrintsCanBeSetBack() throws Exception {
    String secret = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    Path keyed =
        Files.writeString(
            dir.resolve("keyed.yaml"),
            "server: {name: beta}\ndns:\n  keys: [{name: ddns-key, algorithm: hmac-sha256,"
                + " secret: \""
                + secret
                + "\"}]\n");
    assertEquals(0, ctl("config", "set", keyed.toString()).exit());

    Result get = ctl("config", "get");
    assertEquals(0, get.exit(), get.err());
    assertTrue(get.out().contains("secret: '********'"), get.out());
    assertFalse(get.out().contains(secret), get.out());

    Path edited =
        Files.writeString(
            dir.resolve("edited.yaml"), get.out().replace("name: beta", "name: gamma"));
    Result setBack = ctl("config", "set", edited.toString());
    assertEquals(0, setBack.exit(), setBack.err());
    var running = config.current().orElseThrow().config();
    assertEquals("gamma", running.server().name());
    assertEquals(secret, running.dns().keys().get(0).secret(), "the mask kept the running secret");
  }

  @Test
  void configHistoryDiffAndRollbackGoThroughTheApi() throws Exception {
    Path beta = Files.writeString(dir.resolve("beta.yaml"), "server: {name: beta}\n");
    assertEquals(0, ctl("config", "set", beta.toString()).exit());

    Result history = ctl("config", "history");
    assertEquals(0, history.exit(), history.err());
    List<String> lines = history.out().lines().toList();
    assertTrue(lines.get(0).startsWith("VERSION"), history.out());
    assertTrue(lines.get(1).startsWith("2*") && lines.get(1).contains("api"), history.out());
    assertTrue(lines.get(2).startsWith("1 ") && lines.get(2).contains("file"), history.out());

    Result diff = ctl("config", "diff", "1");
    assertEquals(0, diff.exit(), diff.err());
    assertTrue(diff.out().contains("-  name: alpha"), diff.out());
    assertTrue(diff.out().contains("+  name: beta"), diff.out());

    Result stale = ctl("config", "rollback", "1", "--expect", "1");
    assertTrue(stale.exit() != 0, "refused: version 2 is running, not 1");
    assertEquals(2, config.current().orElseThrow().number());

    Result rollback = ctl("config", "rollback", "1", "--expect", "2");
    assertEquals(0, rollback.exit(), rollback.err());
    assertEquals(
        "ok: version 3 restores version 1 and is running" + System.lineSeparator(), rollback.out());
    assertEquals("alpha", config.current().orElseThrow().config().server().name());
    assertTrue(ctl("config", "history").out().contains("(restores 1)"));
  }

  @Test
  void leasesPassEverySearchKeyToTheApi() {
    Result leases =
        ctl(
            "leases",
            "--remote-id",
            "cm 1/2",
            "--circuit-id",
            "00:01",
            "--client-id",
            "01:02:03",
            "--hostname",
            "tv",
            "--state",
            "bound");
    assertEquals(0, leases.exit(), leases.err());
    LeaseFilter asked = leaseQueries.get(0);
    assertArrayEquals("cm 1/2".getBytes(StandardCharsets.UTF_8), asked.remoteId());
    assertArrayEquals(new byte[] {0, 1}, asked.circuitId());
    assertArrayEquals(new byte[] {1, 2, 3}, asked.clientId());
    assertEquals("tv", asked.hostname());
    assertEquals(LeaseState.BOUND, asked.state());
    assertTrue(leases.out().contains("HOSTNAME"), leases.out());
  }

  /**
   * A DHCP client's host name with a line break and a terminal escape: it printed a row of the
   * client's making into the table scripts read, and could clear the operator's screen.
   */
  @Test
  void aHostNameFromAClientPrintsAsOneRowWithItsControlCharactersEscaped() {
    leasesFound =
        List.of(
            new org.provisioning.common.lease.LeaseRecord(
                org.provisioning.common.net.Ipv4Address.parse("127.16.0.10"),
                1,
                new byte[] {2, 0, 0, 0, 0, 1},
                null,
                LeaseState.BOUND,
                0,
                Instant.parse("2026-11-25T12:00:00Z").toEpochMilli(),
                1,
                "tv\u001b[2J\n127.1.0.99  02:00:00:00:00:99  bound",
                "cpe",
                null,
                null));
    Result leases = ctl("leases");
    assertEquals(0, leases.exit(), leases.err());
    String[] lines = leases.out().split("\\R");
    assertEquals(3, lines.length, "heading, one lease, count:\n" + leases.out());
    assertTrue(
        lines[1].endsWith("tv\\u001b[2J\\u000a127.1.0.99  02:00:00:00:00:99  bound"), lines[1]);
    assertFalse(leases.out().contains("\u001b"), "no escape reaches the terminal");
  }

  /**
   * The CLI reads the server's config file as the server reads one it applied before: a file that
   * breaks a rule (here a pool outside its subnet, as a rule added by an upgrade would find) still
   * tells it where the server is. Every command failed with exit 2 until the file was fixed.
   */
  @Test
  void aConfigFileThatBreaksARuleStillLeadsToTheServer() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("kept.yaml"),
            """
            dhcp:
              subnets:
                - subnet: 127.16.0.0/24
                  pools: [{range: 127.17.0.10-127.17.0.20}]
            """);
    Result result = ctl("--config", config.toString(), "status");
    assertEquals(0, result.exit(), result.err());
  }

  @Test
  void saysClearlyWhenTheServerIsNotRunning() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    url = "http://127.0.0.1:" + closedPort;
    Result result = ctl("status");
    assertEquals(1, result.exit());
    assertTrue(result.err().contains("cannot reach provisiond at " + url), result.err());
    assertTrue(result.err().contains("is it running?"), result.err());
  }

  /**
   * Every request carries the API token: an http: URL to another host handed it to anyone on the
   * path before the server could refuse. Refused before any request is made, unless
   * --insecure-plain-http. The other host (192.0.2.1, TEST-NET-1) is reached only through a proxy
   * on loopback that records what would have crossed the network.
   */
  @Test
  void refusesToSendTheTokenInClearTextToAnotherHost() throws Exception {
    java.net.ProxySelector before = java.net.ProxySelector.getDefault();
    List<String> wire = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ServerSocket proxy = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread recorder =
          new Thread(
              () -> {
                while (!proxy.isClosed()) {
                  try (java.net.Socket client = proxy.accept()) {
                    client.setSoTimeout(2000);
                    var in =
                        new java.io.BufferedReader(
                            new java.io.InputStreamReader(
                                client.getInputStream(), StandardCharsets.US_ASCII));
                    StringBuilder head = new StringBuilder();
                    for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                      head.append(line).append('\n');
                    }
                    wire.add(head.toString());
                  } catch (java.io.IOException e) {
                    // closed at the end of the test, or a client gone
                  }
                }
              });
      recorder.setDaemon(true);
      recorder.start();
      java.net.ProxySelector.setDefault(
          new java.net.ProxySelector() {
            @Override
            public List<java.net.Proxy> select(java.net.URI uri) {
              return "192.0.2.1".equals(uri.getHost())
                  ? List.of(
                      new java.net.Proxy(java.net.Proxy.Type.HTTP, proxy.getLocalSocketAddress()))
                  : List.of(java.net.Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(
                java.net.URI uri, java.net.SocketAddress address, java.io.IOException e) {}
          });

      url = "http://192.0.2.1:8067";
      Result refused = ctl("status");
      assertEquals(Provisionctl.INVALID, refused.exit(), refused.err());
      assertTrue(refused.err().contains("in clear text"), refused.err());
      assertTrue(refused.err().contains("--insecure-plain-http"), refused.err());
      assertEquals(List.of(), wire, "nothing left for the network");

      // The operator's decision: then the request goes, token and all.
      Result insecure = ctl("--insecure-plain-http", "status");
      assertEquals(1, insecure.exit(), insecure.err());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !wire.isEmpty());
      assertTrue(wire.get(0).contains("Bearer "), wire.toString());
    } finally {
      java.net.ProxySelector.setDefault(before);
    }
    // Loopback by any spelling is this machine: tried (nothing listens there), not refused.
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    for (String loopback : List.of("localhost", "LOCALHOST", "127.0.0.1", "127.9.9.9")) {
      url = "http://" + loopback + ":" + closedPort;
      Result tried = ctl("status");
      assertEquals(1, tried.exit(), loopback + ": " + tried.err());
      assertTrue(tried.err().contains("cannot reach provisiond"), tried.err());
    }
    assertTrue(ctl("--help").out().contains("--insecure-plain-http"), "in the usage text");
  }

  @Test
  void saysWhereTheTokenShouldBeWhenItIsMissing() {
    tokenFile = dir.resolve("no-such-token");
    Result result = ctl("status");
    assertEquals(1, result.exit());
    assertTrue(result.err().contains("cannot read the API token at " + tokenFile), result.err());
  }

  @Test
  void tftpRenderPrintsTheTextOrWritesTheOctets() throws Exception {
    Result text = ctl("tftp", "render", "--mac", "00:11:22:33:44:55");
    assertEquals(0, text.exit(), text.err());
    assertEquals("Main\n{\n\tNetworkAccess 1;\n}\n", text.out());

    Path out = dir.resolve("cm.cfg");
    Result binary = ctl("tftp", "render", "--mac", "00:11:22:33:44:55", "--output", out.toString());
    assertEquals(0, binary.exit(), binary.err());
    assertTrue(binary.out().startsWith("wrote 4 octets of cm-001122334455.cfg to "), binary.out());
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new byte[] {3, 1, 1, (byte) 255}, Files.readAllBytes(out));

    Result bad = ctl("tftp", "render", "--mac", "nonsense");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("'nonsense' is not a MAC"), bad.err());
  }
}
