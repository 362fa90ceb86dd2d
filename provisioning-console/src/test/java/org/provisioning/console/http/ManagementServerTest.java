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
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;

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
    ManagementApi api =
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
        "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n"
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
                ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")
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
}
