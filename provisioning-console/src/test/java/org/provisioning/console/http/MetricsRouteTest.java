package org.provisioning.console.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.MetricsRoutes;
import org.provisioning.console.metrics.PrometheusExposition;

/** GET /metrics beside the API: Prometheus text, with or without the token as configured. */
class MetricsRouteTest {
  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private final AtomicBoolean tokenRequired = new AtomicBoolean(false);
  private ManagementServer server;
  private ApiToken token;
  private String base;

  @BeforeEach
  void start() throws Exception {
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
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
                    Instant.now(),
                    Duration.ZERO,
                    Map.of("management", ServiceState.RUNNING)),
            stats,
            new AlertCenter(Clock.systemUTC(), 100),
            config);
    MetricsRoutes.register(api, new PrometheusExposition(stats, () -> "alpha"), tokenRequired::get);
    server =
        new ManagementServer(api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    server.start();
    base = "http://127.0.0.1:" + server.localAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPrometheusTextWithoutTheTokenWhenSoConfigured() throws Exception {
    stats.gauge("jvm.threads.live", () -> 12);
    HttpResponse<String> response = get("/metrics");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        response.body().contains("provisioning_jvm_threads_live{server=\"alpha\"} 12.0"),
        response.body());
    // The rest of the API still wants the token.
    assertEquals(401, get("/api/v1/stats").statusCode());
  }

  @Test
  void wantsTheTokenWhenTheConfigSaysSo() throws Exception {
    tokenRequired.set(true);
    assertEquals(401, get("/metrics").statusCode());
    assertEquals(200, get("/metrics", "Authorization", "Bearer " + token.value()).statusCode());
  }
}
