package org.provisioning.console.http;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticDefinition;
import org.provisioning.common.stats.StatisticsHistory;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.StatisticsHistoryRoutes;

/** GET /api/v1/stats/history over HTTP: a statistic's last samples, and counters as rates. */
class StatisticsHistoryRouteTest {
  private static final long START = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final AtomicLong now = new AtomicLong(START);
  private final Clock clock = new ManualClock(now);
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final StatisticsHistory history = new StatisticsHistory(stats, clock);
  private ManagementServer server;
  private ApiToken token;
  private String base;

  @BeforeEach
  void start() throws Exception {
    ConfigService config = new ConfigService(new ConfigCodec(), clock);
    config.attach(
        (type, payload) ->
            CompletableFuture.completedFuture(new BusRecord(1, 1, 0, type, payload)));
    config.seedFromFile("server: {name: alpha}\n");
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
    StatisticsHistoryRoutes.register(api, history);
    server =
        new ManagementServer(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    server.start();
    base = "http://127.0.0.1:" + server.localAddress().getPort() + "/api/v1";
    stats.declare(
        List.of(
            StatisticDefinition.counter("dhcp.sent.{type}", "messages", "DHCP replies sent."),
            StatisticDefinition.gauge("dhcp.pool.{pool}.used", "addresses", "Addresses in use.")));
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String pathAndQuery, boolean withToken) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
    if (withToken) {
      request.header("Authorization", "Bearer " + token.value());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void sampleEvery10s(int times, Runnable before) {
    for (int i = 0; i < times; i++) {
      before.run();
      history.sample();
      now.addAndGet(10_000);
    }
  }

  @Test
  void showsTheSamplesOfACounterWithItsRatesAndOfAGauge() throws Exception {
    Counter acks = stats.counter("dhcp.sent.ack");
    AtomicLong used = new AtomicLong();
    stats.gauge("dhcp.pool.cm.used", used::get);
    sampleEvery10s(
        4,
        () -> {
          acks.add(30);
          used.addAndGet(2);
        });

    HttpResponse<String> response =
        get("/stats/history?name=dhcp.sent.ack&name=dhcp.pool.cm.used&name=no.such", true);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = json.readTree(response.body());
    assertEquals(10, body.path("intervalSeconds").asInt());
    assertEquals(360, body.path("window").asInt());
    JsonNode counter = body.path("series").get(0);
    assertEquals("dhcp.sent.ack", counter.path("name").asText());
    assertEquals("counter", counter.path("kind").asText());
    assertEquals("messages", counter.path("unit").asText());
    assertEquals("DHCP replies sent.", counter.path("help").asText());
    assertEquals(
        List.of(START, START + 10_000, START + 20_000, START + 30_000),
        longs(counter.path("times")));
    assertEquals(List.of(30L, 60L, 90L, 120L), longs(counter.path("values")));
    assertTrue(counter.path("rates").get(0).isNull(), "no sample before the first");
    assertEquals(3.0, counter.path("rates").get(3).asDouble(), 1e-9);

    JsonNode gauge = body.path("series").get(1);
    assertEquals("gauge", gauge.path("kind").asText());
    assertEquals(List.of(2L, 4L, 6L, 8L), longs(gauge.path("values")));
    assertTrue(gauge.path("rates").isMissingNode(), "a gauge has no rates");
    assertEquals("no.such", body.path("missing").get(0).asText());
  }

  @Test
  void refusesARequestWithoutNamesOrWithTooManyAndOneWithoutCredentials() throws Exception {
    HttpResponse<String> none = get("/stats/history", true);
    assertEquals(400, none.statusCode());
    assertTrue(none.body().contains("?name=NAME"), none.body());

    String many =
        IntStream.range(0, StatisticsHistoryRoutes.MAX_NAMES + 1)
            .mapToObj(i -> "name=dhcp.sent.t" + i)
            .collect(Collectors.joining("&"));
    HttpResponse<String> tooMany = get("/stats/history?" + many, true);
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.body().contains("at most 20"), tooMany.body());

    assertEquals(401, get("/stats/history?name=dhcp.sent.ack", false).statusCode());
  }

  private static List<Long> longs(JsonNode array) {
    List<Long> all = new ArrayList<>();
    array.forEach(n -> all.add(n.asLong()));
    return all;
  }
}
