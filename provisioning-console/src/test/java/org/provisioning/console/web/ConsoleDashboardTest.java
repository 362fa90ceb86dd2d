package org.provisioning.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsHistory;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.http.ManagementServer;

/**
 * GET /api/v1/console/dashboard over HTTP: the pools fullest first against both marks, the three
 * rates of the last hour from the statistics history, and the failover pair's state and lag.
 */
class ConsoleDashboardTest {
  private static final long START = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();
  private static final String CONFIG =
      """
      server: {name: alpha}
      dhcp:
        enabled: true
        listen: 127.0.0.1
        port: 1067
        serverIdentifier: 127.0.0.1
        subnets:
          - subnet: 127.16.0.0/16
            pools:
              - {name: modems, range: 127.16.0.10-127.16.0.19, warningPercent: 50, criticalPercent: 80}
              - {name: phones, range: 127.16.1.1-127.16.1.20, warningPercent: 50, criticalPercent: 90}
          - subnet: 127.17.0.0/16
            pools: [{range: 127.17.0.10-127.17.0.250}]
      """;

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong now = new AtomicLong(START);
  private final Clock clock = new ManualClock(now);
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final StatisticsHistory history = new StatisticsHistory(stats, clock);
  private final AtomicReference<FailoverStatus> failover = new AtomicReference<>();
  private ManagementServer server;
  private ApiToken token;
  private String base;

  @BeforeEach
  void start() throws Exception {
    ConfigService config = new ConfigService(new ConfigCodec(), clock);
    config.attach(
        (type, payload) ->
            CompletableFuture.completedFuture(new BusRecord(1, 1, 0, type, payload)));
    config.seedFromFile(CONFIG);
    token = ApiToken.loadOrCreate(dataDir);
    ManagementApi api =
        new ManagementApi(
            token,
            () ->
                new ServerStatus(
                    "alpha",
                    "test",
                    clock.instant(),
                    Duration.ZERO,
                    Map.of("management", ServiceState.RUNNING)),
            stats,
            new AlertCenter(clock, 100),
            config);
    new ConsoleDashboard(
            api.json(), config, stats, history, () -> Optional.ofNullable(failover.get()), clock)
        .register(api);
    server =
        new ManagementServer(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    server.start();
    base = "http://127.0.0.1:" + server.localAddress().getPort() + "/api/v1";
    stats.declare(
        List.of(
            StatisticDefinition.gauge("dhcp.pool.{pool}.size", "addresses", "Size."),
            StatisticDefinition.gauge("dhcp.pool.{pool}.used", "addresses", "Used."),
            StatisticDefinition.gauge("dhcp.pool.{pool}.peak_used", "addresses", "Peak."),
            StatisticDefinition.counter("dhcp.sent.{type}", "messages", "Sent."),
            StatisticDefinition.counter("tftp.transfers.completed", "transfers", "Completed."),
            StatisticDefinition.counter("tftp.transfers.failed.{reason}", "transfers", "Failed."),
            StatisticDefinition.counter("dns.query.{type}", "queries", "Queries.")));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private JsonNode dashboard() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/console/dashboard"))
                .header("Authorization", "Bearer " + token.value())
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return json.readTree(response.body());
  }

  private void pool(String name, long size, long used, long peak) {
    stats.gauge("dhcp.pool." + name + ".size", () -> size);
    stats.gauge("dhcp.pool." + name + ".used", () -> used);
    stats.gauge("dhcp.pool." + name + ".peak_used", () -> peak);
  }

  @Test
  void showsThePoolsFullestFirstAgainstBothMarks() throws Exception {
    pool("modems", 10, 8, 9);
    pool("phones", 20, 11, 11);
    pool("127_17_0_10-127_17_0_250", 241, 30, 40);

    JsonNode body = dashboard();
    assertEquals("alpha", body.path("server").asText());
    JsonNode pools = body.path("pools");
    assertEquals(List.of("modems", "phones", "127.17.0.10-127.17.0.250"), texts(pools, "name"));
    JsonNode modems = pools.get(0);
    assertEquals("dhcp.subnets[0].pools[0]", modems.path("id").asText());
    assertEquals("127.16.0.0/16", modems.path("subnet").asText());
    assertEquals(10, modems.path("size").asLong());
    assertEquals(8, modems.path("used").asLong());
    assertEquals(80.0, modems.path("percent").asDouble());
    assertEquals(9, modems.path("peakUsed").asLong());
    assertEquals(90.0, modems.path("peakPercent").asDouble());
    assertEquals(50, modems.path("warningPercent").asInt());
    assertEquals(80, modems.path("criticalPercent").asInt());
    assertEquals(List.of("critical", "warning", "ok"), texts(pools, "state"));
    assertEquals(12.4, pools.get(2).path("percent").asDouble(), "30 of 241, to a tenth");

    JsonNode summary = body.path("poolSummary");
    assertEquals(3, summary.path("pools").asInt());
    assertEquals(1, summary.path("warning").asInt());
    assertEquals(1, summary.path("critical").asInt());
    assertEquals(271, summary.path("addresses").asLong());
    assertEquals(49, summary.path("used").asLong());
  }

  @Test
  void drawsTheLastHourOfExchangesTransfersAndQueriesPerSecond() throws Exception {
    var acks = stats.counter("dhcp.sent.ack");
    var completed = stats.counter("tftp.transfers.completed");
    var a = stats.counter("dns.query.a");
    for (int i = 0; i < 3; i++) {
      acks.add(50);
      completed.add(20);
      a.add(100);
      if (i == 2) {
        stats.counter("dns.query.ptr").add(30);
        stats.counter("tftp.transfers.failed.timeout").add(5);
      }
      history.sample();
      now.addAndGet(10_000);
    }

    JsonNode rates = dashboard().path("rates");
    assertEquals(10, rates.path("intervalSeconds").asInt());
    assertEquals(3600, rates.path("windowSeconds").asInt());
    assertEquals(
        List.of(START / 1000, START / 1000 + 10, START / 1000 + 20), longs(rates.path("times")));
    JsonNode charts = rates.path("charts");
    assertEquals(List.of("dhcp", "tftp", "dns"), texts(charts, "id"));
    assertEquals("DHCP exchanges/s", charts.get(0).path("title").asText());
    JsonNode exchanges = charts.get(0).path("series").get(0).path("values");
    assertTrue(exchanges.get(0).isNull(), "the first sample has none before it");
    assertEquals(5.0, exchanges.get(2).asDouble());
    assertEquals(0.0, charts.get(0).path("series").get(1).path("values").get(2).asDouble());
    assertEquals(2.0, charts.get(1).path("series").get(0).path("values").get(2).asDouble());
    assertEquals(0.5, charts.get(1).path("series").get(1).path("values").get(2).asDouble());
    JsonNode queries = charts.get(2).path("series").get(0).path("values");
    assertEquals(10.0, queries.get(1).asDouble());
    assertEquals(13.0, queries.get(2).asDouble(), "A and PTR queries together");
  }

  @Test
  void showsTheFailoverStateLagAndLastHeartbeat() throws Exception {
    failover.set(
        new FailoverStatus(
            "primary",
            "NORMAL",
            Instant.ofEpochMilli(START),
            "127.0.0.3:8647",
            "NORMAL",
            250,
            1_000,
            990,
            10,
            10,
            0,
            1,
            40));
    JsonNode pair = dashboard().path("failover");
    assertEquals("primary", pair.path("role").asText());
    assertEquals("NORMAL", pair.path("state").asText());
    assertTrue(pair.path("serving").asBoolean(), "a primary in NORMAL answers clients");
    assertEquals("127.0.0.3:8647", pair.path("partnerAddress").asText());
    assertEquals(250, pair.path("lastHeartbeatAgeMillis").asLong());
    assertEquals(10, pair.path("lagRecords").asLong());
    assertEquals(40, pair.path("lagMillis").asLong());

    failover.set(null);
    assertTrue(dashboard().path("failover").isNull(), "no failover on this server");
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> all = new ArrayList<>();
    array.forEach(n -> all.add(n.path(field).asText()));
    return all;
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> all = new ArrayList<>();
    array.forEach(n -> all.add(n.asLong()));
    return all;
  }
}
