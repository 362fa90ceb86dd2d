package org.provisioning.console.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.FailoverRoutes;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.MetricsRoutes;
import org.provisioning.console.metrics.PrometheusExposition;

/** The management API over real HTTP on loopback, driven by the JDK's own HTTP client. */
class ManagementServerTest {
  static final String CONFIG = "server: {name: alpha}\n";

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final List<BusRecord> journal = new ArrayList<>();
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AlertCenter alerts = new AlertCenter(Clock.systemUTC(), 100);
  private ConfigService config;
  private ManagementApi api;
  private ManagementServer server;
  private ApiToken token;
  private String base;

  @BeforeEach
  void start() throws Exception {
    config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    config.attach(
        (type, payload) -> {
          BusRecord record = new BusRecord(1, journal.size() + 1, 0, type, payload);
          journal.add(record);
          return CompletableFuture.completedFuture(record);
        });
    config.seedFromFile(CONFIG);
    token = ApiToken.loadOrCreate(dataDir);
    api =
        new ManagementApi(
            token,
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    Instant.now(),
                    Duration.ofSeconds(5),
                    Map.of("management", ServiceState.RUNNING)),
            stats,
            alerts,
            config);
    server =
        new ManagementServer(
            api,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            4096,
            null,
            Duration.ofSeconds(2)); // the request deadline, short for the slow-client test
    MetricsRoutes.register(api, new PrometheusExposition(stats, () -> "alpha"), () -> false);
    server.start();
    base = "http://127.0.0.1:" + server.localAddress().getPort() + "/api/v1";
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> authed(String method, String path, String body, String... headers)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + token.value()));
    all.addAll(List.of(headers));
    return send(method, path, body, all.toArray(String[]::new));
  }

  private JsonNode body(HttpResponse<String> response) throws IOException {
    return json.readTree(response.body());
  }

  /**
   * A client's address as the login limits see it: an IPv6 host in brackets, apart from its port
   * (LoginSources keys on what comes before the last colon, ConsoleHttpTest). Unbracketed, the port
   * was part of the host, and each new connection had a fresh allowance of login attempts.
   */
  @Test
  void anIpv6ClientsHostIsKeptApartFromItsPort() throws Exception {
    assertEquals(
        "[2001:db8:0:0:0:0:0:5]:50312",
        ManagementServer.remoteText(
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("2001:db8::5"), 50312)));
    assertEquals(
        "127.0.0.1:4242",
        ManagementServer.remoteText(new java.net.InetSocketAddress("127.0.0.1", 4242)));
  }

  @Test
  void refusesRequestsWithoutTheToken() throws Exception {
    HttpResponse<String> none = send("GET", "/status", null);
    assertEquals(401, none.statusCode());
    assertTrue(body(none).path("error").asText().contains("api-token"), none.body());
    assertEquals(401, send("GET", "/config", null, "Authorization", "Bearer wrong").statusCode());
  }

  @Test
  void showsStatusStatsAndAlerts() throws Exception {
    stats.declare(
        List.of(StatisticDefinition.counter("dhcp.received.{type}", "messages", "DHCP received.")));
    stats.counter("dhcp.received.discover").add(3);
    alerts.raise(
        new AlertType(
            "DHCP_POOL_HIGH_WATER_WARNING", AlertSeverity.WARNING, "dhcp", "Nearly full.", "Plan."),
        "127.16.0.0/16",
        "81 % used");

    JsonNode status = body(authed("GET", "/status", null));
    assertEquals("alpha", status.path("server").asText());
    assertEquals("running", status.path("services").path("management").asText());
    assertEquals(5, status.path("uptimeSeconds").asLong());

    assertEquals(3, body(authed("GET", "/stats", null)).path("dhcp.received.discover").asLong());
    JsonNode active = body(authed("GET", "/alerts", null)).path("active");
    assertEquals("DHCP_POOL_HIGH_WATER_WARNING", active.get(0).path("event").asText());
  }

  @Test
  void acknowledgesAlertsAndFiltersThemByState() throws Exception {
    AlertType full =
        new AlertType(
            "DHCP_POOL_HIGH_WATER_CRITICAL",
            AlertSeverity.CRITICAL,
            "dhcp",
            "The pool is nearly full.",
            "Add addresses to the pool.");
    alerts.declare(List.of(full));
    alerts.raise(full, "dhcp.subnets[cm].pools[0]", "96 % used");
    alerts.raise(full, "dhcp.subnets[cpe].pools[0]", "97 % used");
    alerts.clear(full, "dhcp.subnets[cpe].pools[0]", "80 % used");
    long id = alerts.active().get(0).id();

    HttpResponse<String> ack =
        authed("POST", "/alerts/ack", "{\"id\": " + id + ", \"by\": \"noc-alice\"}");
    assertEquals(200, ack.statusCode(), ack.body());
    assertEquals("noc-alice", body(ack).path("acknowledgedBy").asText());
    JsonNode active = body(authed("GET", "/alerts?state=active", null));
    assertEquals(1, active.path("active").size(), active.toString());
    assertEquals(
        "Add addresses to the pool.", active.path("active").get(0).path("action").asText());
    assertEquals("noc-alice", active.path("active").get(0).path("acknowledgedBy").asText());
    assertTrue(active.path("history").isMissingNode(), active.toString());
    JsonNode cleared = body(authed("GET", "/alerts?state=cleared", null)).path("history");
    assertEquals(1, cleared.size(), cleared.toString());
    assertEquals("dhcp.subnets[cpe].pools[0]", cleared.get(0).path("object").asText());

    assertEquals(400, authed("POST", "/alerts/ack", "{\"id\": " + id + "}").statusCode());
    assertEquals(400, authed("POST", "/alerts/ack", "{\"id\": 999}").statusCode());
    assertEquals(400, authed("POST", "/alerts/ack", "{}").statusCode());
    assertEquals(400, authed("GET", "/alerts?state=maybe", null).statusCode());
    assertEquals(
        401,
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/alerts/stream")).build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
    JsonNode types = body(authed("GET", "/alerts/types", null)).path("types");
    assertEquals("The pool is nearly full.", types.get(0).path("meaning").asText());
  }

  @Test
  void showsSecretsMaskedAndKeepsThemWhenTheMaskComesBack() throws Exception {
    String secret = "c2VjcmV0LWtleS1mb3ItdGVzdHM=";
    HttpResponse<String> put =
        authed(
            "PUT",
            "/config",
            "{\"server\": {\"name\": \"alpha\"}, \"dns\": {\"keys\": [{\"name\": \"ddns-key\","
                + " \"algorithm\": \"hmac-sha256\", \"secret\": \""
                + secret
                + "\"}]}}");
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<String> get = authed("GET", "/config", null);
    assertFalse(get.body().contains(secret), get.body());
    JsonNode shown = body(get).path("config");
    assertEquals("********", shown.path("dns").path("keys").get(0).path("secret").asText());

    // Edit something else and send the document back as shown: the key survives.
    ((com.fasterxml.jackson.databind.node.ObjectNode) shown.path("server")).put("name", "beta");
    HttpResponse<String> back = authed("PUT", "/config", json.writeValueAsString(shown));
    assertEquals(200, back.statusCode(), back.body());
    var running = config.current().orElseThrow().config();
    assertEquals("beta", running.server().name());
    assertEquals(secret, running.dns().keys().get(0).secret());
  }

  @Test
  void appliesAValidConfigChange() throws Exception {
    HttpResponse<String> put =
        authed(
            "PUT",
            "/config",
            "{\"server\": {\"name\": \"beta\"}}",
            "Content-Type",
            "application/json");
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(2, body(put).path("version").asLong());
    JsonNode current = body(authed("GET", "/config", null));
    assertEquals(2, current.path("version").asLong());
    assertEquals("beta", current.path("config").path("server").path("name").asText());
  }

  @Test
  void refusesAnInvalidChangeWithEveryPathAndKeepsTheRunningConfig() throws Exception {
    HttpResponse<String> put =
        authed(
            "PUT",
            "/config",
            """
            {"server": {"name": "beta", "idd": 3},
             "management": {"port": 70000},
             "dhcp": {"subnets": [{"subnet": "127.16.0.0/16",
                                   "pools": [{"range": "127.16.0.9-127.16.0.1"}]}]}}
            """);
    assertEquals(422, put.statusCode(), put.body());
    List<String> paths = new ArrayList<>();
    body(put).path("errors").forEach(e -> paths.add(e.path("path").asText()));
    assertEquals(List.of("server.idd", "management.port", "dhcp.subnets[0].pools[0].range"), paths);
    assertEquals(
        "alpha",
        body(authed("GET", "/config", null)).path("config").path("server").path("name").asText());
    assertEquals(1, journal.size(), "nothing was journaled");
  }

  @Test
  void answersBadInputWithA4xxAndNeverA500() throws Exception {
    assertEquals(400, authed("PUT", "/config", "{\"server\": ").statusCode());
    assertEquals(400, authed("PUT", "/config", "").statusCode());
    assertEquals(422, authed("PUT", "/config", "{\"server\": {\"id\": \"one\"}}").statusCode());
    assertEquals(422, authed("PUT", "/config", "[1, 2]").statusCode());
    assertEquals(413, authed("PUT", "/config", "#".repeat(10_000)).statusCode());
    assertEquals(404, authed("GET", "/nothing", null).statusCode());
    HttpResponse<String> wrongMethod = authed("DELETE", "/config", null);
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("GET, PUT", wrongMethod.headers().firstValue("Allow").orElseThrow());
    assertEquals(
        400, authed("PUT", "/config", "server: {name: x}", "If-Match", "banana").statusCode());
    assertEquals(1, journal.size(), "nothing was journaled");
  }

  @Test
  void refusesAChangeAgainstAStaleVersion() throws Exception {
    assertEquals(
        200, authed("PUT", "/config", "server: {name: b}", "If-Match", "\"1\"").statusCode());
    HttpResponse<String> stale = authed("PUT", "/config", "server: {name: c}", "If-Match", "\"1\"");
    assertEquals(412, stale.statusCode(), stale.body());
  }

  /**
   * A client that pipelines requests and never reads its answers is read no more once they back up:
   * its writes stall for good. The server used to read on and keep every answer in memory (51 KB a
   * request for a console script over TLS), until the process ran out of memory.
   */
  @Test
  void aClientThatNeverReadsItsAnswersIsReadNoMore() throws Exception {
    byte[] requests =
        "GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\n\r\n"
            .repeat(1_000)
            .getBytes(StandardCharsets.US_ASCII);
    try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open()) {
      client.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4096);
      client.connect(server.localAddress());
      client.configureBlocking(false);
      long written = 0;
      long lastProgress = System.nanoTime();
      long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      boolean stalled = false;
      java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(requests);
      while (System.nanoTime() < giveUp && written < 512L << 20) {
        if (!out.hasRemaining()) {
          out.rewind();
        }
        int n = client.write(out);
        if (n > 0) {
          written += n;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > 1_000_000_000L) {
          stalled = true;
          break;
        } else {
          Thread.sleep(5);
        }
      }
      assertTrue(stalled, "still read after " + written + " octets of requests never answered");
    }
    assertEquals(200, authed("GET", "/status", null).statusCode(), "others are served meanwhile");
  }

  @Test
  void answersGarbageOnTheSocketWithout500() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(reply.startsWith("HTTP/1.1 4"), reply);
      assertFalse(reply.contains("500"));
    }
    assertEquals(200, authed("GET", "/status", null).statusCode(), "still serving");
  }

  @Test
  void aMalformedEscapeInTheAddressGets400() throws Exception {
    for (String target : List.of("/api/v1/status%zz", "/api/v1/leases?mac=%4", "/%")) {
      try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
        socket.setSoTimeout(5000);
        socket
            .getOutputStream()
            .write(
                ("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String reply =
            new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 400", reply, target);
      }
    }
  }

  /**
   * One address holds at most 32 connections and a request must arrive whole in time (here 2 s): a
   * client dripping a byte at a time used to hold its connection for good, and enough of them took
   * every file descriptor of the process.
   */
  @Test
  void limitsConnectionsPerAddressAndClosesRequestsThatDrip() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < ManagementServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
        held.add(new Socket("127.0.0.1", server.localAddress().getPort()));
      }
      try (Socket oneTooMany = new Socket("127.0.0.1", server.localAddress().getPort())) {
        oneTooMany.setSoTimeout(5000);
        assertEquals(-1, oneTooMany.getInputStream().read(), "closed at once");
      }
      assertEquals(1L, stats.snapshot().get("management.connections.refused"));
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> stats.snapshot().get("management.connections.open") == 0L);

    try (Socket slow = new Socket("127.0.0.1", server.localAddress().getPort())) {
      slow.setSoTimeout(10_000);
      OutputStream out = slow.getOutputStream();
      out.write("GET /api/v1/status HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
      long started = System.nanoTime();
      int read = 0;
      try {
        for (int i = 0; i < 50; i++) { // a header byte every 200 ms: 10 s if nothing stops it
          out.write('X');
          out.flush();
          Thread.sleep(200);
        }
      } catch (IOException closedByTheServer) {
        read = -1;
      }
      if (read == 0) {
        read = slow.getInputStream().read();
      }
      assertEquals(-1, read);
      assertTrue(System.nanoTime() - started < 8_000_000_000L, "closed at the deadline");
    }
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> stats.snapshot().get("management.requests.too_slow") == 1L);
    assertEquals(200, authed("GET", "/status", null).statusCode(), "still serving");
  }

  /** One request on a fresh connection, as sent; the reply's status line and body. */
  private static String rawExchange(InetSocketAddress to, String request) throws IOException {
    try (Socket socket = new Socket(to.getAddress(), to.getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A request without valid credentials may send 16 KiB of body at most, refused on its head when
   * it announces more and as it comes when chunked: the aggregator held management.maxBodyBytes (up
   * to 64 MiB) for anyone on each of 256 connections before the token was looked at. With the
   * token, the configured limit holds.
   */
  @Test
  void aBodyWithoutCredentialsIsRefusedPastASmallLimitBeforeItIsRead() throws Exception {
    ManagementServer roomy =
        new ManagementServer(
            api,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            1 << 20,
            null,
            Duration.ofSeconds(30));
    roomy.start();
    try {
      InetSocketAddress at = roomy.localAddress();
      // Announced: answered on the head, though not one octet of the body was sent.
      String announced =
          rawExchange(
              at,
              "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                  + "\r\nContent-Length: 1000000\r\n\r\n");
      assertTrue(announced.startsWith("HTTP/1.1 413"), announced);
      assertTrue(announced.contains("without valid credentials"), announced);
      // A wrong token is no credential.
      String wrongToken =
          rawExchange(
              at,
              "PUT /api/v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wrong"
                  + "\r\nContent-Length: 1000000\r\n\r\n");
      assertTrue(wrongToken.startsWith("HTTP/1.1 413"), wrongToken);
      // Chunked, no length announced: cut off once past the limit.
      String chunk = Integer.toHexString(1024) + "\r\n" + "x".repeat(1024) + "\r\n";
      String chunked =
          rawExchange(
              at,
              "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked"
                  + "\r\n\r\n"
                  + chunk.repeat(17));
      assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);

      URI roomyBase = URI.create("http://127.0.0.1:" + at.getPort() + "/api/v1");
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(roomyBase.resolve("/api/v1/session"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"name\": \"a\", \"password\": \"b\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertFalse(login.statusCode() == 413, "a login fits: " + login.body());
      HttpResponse<String> large =
          http.send(
              HttpRequest.newBuilder(roomyBase.resolve("/api/v1/config"))
                  .header("Authorization", "Bearer " + token.value())
                  .PUT(HttpRequest.BodyPublishers.ofString("# " + "x".repeat(100_000) + "\n"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          large.statusCode() != 413 && large.statusCode() < 500,
          "with the token, up to maxBodyBytes: " + large.statusCode() + " " + large.body());
    } finally {
      roomy.stop();
    }
  }

  /**
   * DNS rebinding: a page of another site whose name is made to resolve to 127.0.0.1 is, to the
   * operator's browser, the same origin as its own, and could read /metrics (open on loopback) or
   * lock accounts by failing logins. Its requests name its host: refused with 421. IP literals and
   * localhost are answered, and a request without Host (HTTP/1.0) as before.
   */
  @Test
  void refusesRequestsNamingAHostItDoesNotAnswerTo() throws Exception {
    InetSocketAddress at = server.localAddress();
    for (String host :
        List.of(
            "rebound.example:" + at.getPort(),
            "rebound.example",
            "127.0.0.1.rebound.example",
            "localhost.rebound.example",
            "127.0.0.1:80:80",
            "::1")) {
      String metrics =
          rawExchange(
              at, "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      assertTrue(metrics.startsWith("HTTP/1.1 421"), host + ": " + metrics);
      assertTrue(metrics.contains("does not answer to the name"), metrics);
      assertFalse(metrics.contains("provisioning_"), "no statistic: " + metrics);
      String login =
          rawExchange(
              at,
              "POST /api/v1/session HTTP/1.1\r\nConnection: close\r\nHost: "
                  + host
                  + "\r\nContent-Length: 2\r\n\r\n{}");
      assertTrue(login.startsWith("HTTP/1.1 421"), host + ": " + login);
    }
    for (String host :
        List.of(
            "127.0.0.1:" + at.getPort(),
            "127.0.0.1",
            "localhost:" + at.getPort(),
            "LocalHost.",
            "[::1]:" + at.getPort(),
            "192.0.2.7")) {
      String metrics =
          rawExchange(
              at, "GET /metrics HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      assertTrue(metrics.startsWith("HTTP/1.1 200"), host + ": " + metrics);
    }
    String noHost = rawExchange(at, "GET /metrics HTTP/1.0\r\n\r\n");
    assertTrue(noHost.startsWith("HTTP/1.1 200"), noHost);
  }

  /**
   * The cause of a failover action is logged by the failover service as sent (FAILOVER_TAKEOVER
   * cause=...): a line break in it forged a log line, an escape sequence drove the reader's
   * terminal. It reaches the service with its control characters escaped.
   */
  @Test
  void aFailoverActionsCauseReachesTheServiceWithItsControlCharactersEscaped() throws Exception {
    List<String> causes = new ArrayList<>();
    FailoverStatus status =
        new FailoverStatus(
            "primary", "NORMAL", Instant.EPOCH, null, null, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
    FailoverRoutes.register(
        api,
        new FailoverControl() {
          @Override
          public FailoverStatus status() {
            return status;
          }

          @Override
          public java.util.Optional<String> secret() {
            return java.util.Optional.empty();
          }

          @Override
          public void init(String peer, String secret) {}

          @Override
          public void takeover(String cause) {
            causes.add(cause);
          }

          @Override
          public void handback(String cause) {
            causes.add(cause);
          }

          @Override
          public void leave(String cause) {
            causes.add(cause);
          }
        });
    String sent =
        json.writeValueAsString(
            json.createObjectNode()
                .put("cause", "planned\r\nFAILOVER_TAKEOVER cause=forged \u001b[2J\u009b1m"));
    for (String action : List.of("takeover", "handback", "leave")) {
      HttpResponse<String> reply = authed("POST", "/failover/" + action, sent);
      assertEquals(200, reply.statusCode(), reply.body());
    }
    assertEquals(
        "operator: planned\\u000d\\u000aFAILOVER_TAKEOVER cause=forged \\u001b[2J\\u009b1m",
        causes.get(0));
    assertEquals(3, causes.size());
    assertTrue(causes.stream().allMatch(causes.get(0)::equals), causes.toString());
  }
}
