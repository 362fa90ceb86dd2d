package org.provisioning.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.config.ManagementLoginConfig;
import org.provisioning.common.control.ConfigFileRenderer;
import org.provisioning.common.control.DnsZoneView;
import org.provisioning.common.control.FailoverControl;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.DnsRoutes;
import org.provisioning.console.api.FailoverRoutes;
import org.provisioning.console.api.LeaseRoutes;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.Role;
import org.provisioning.console.api.TftpRoutes;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.console.tls.TlsMaterial;

/**
 * A management server on loopback with every route provisiond registers (the services behind them
 * stubbed: their calls are counted, so a test sees that a refused request reached none), console
 * users, sessions and audit, a clock the test moves, and a JDK HTTP client that keeps no cookies of
 * its own: each test sends the cookie it means to.
 */
final class ConsoleFixture implements AutoCloseable {
  static final String CONFIG = "server: {name: alpha}\nmanagement: {maxBodyBytes: 65536}\n";
  static final String PASSWORD = "correct horse battery";
  static final int MAX_FAILURES = 3;

  final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  final ObjectMapper json = new ObjectMapper();
  final List<BusRecord> journal = new ArrayList<>();
  final AlertCenter alerts = new AlertCenter("alpha", clock, 100);
  final PasswordHasher hasher = new PasswordHasher(1_000);
  final AtomicInteger serviceCalls = new AtomicInteger();
  final ConfigService config;
  final ApiToken token;
  final ConsoleAccess access;
  final ManagementApi api;
  final ManagementServer server;
  final TlsMaterial tls;
  final HttpClient http;
  final String base;

  ConsoleFixture(Path dataDir, TlsMaterial tls) throws Exception {
    this.tls = tls;
    config = new ConfigService(new ConfigCodec(), clock);
    config.attach(
        (type, payload) -> {
          synchronized (journal) {
            BusRecord record = new BusRecord(1, journal.size() + 1, clock.millis(), type, payload);
            journal.add(record);
            return CompletableFuture.completedFuture(record);
          }
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
                    clock.instant(),
                    Duration.ZERO,
                    Map.of("management", ServiceState.RUNNING)),
            new StatisticsRegistry(),
            alerts,
            config);
    registerServiceRoutes();
    access = new ConsoleAccess(clock, hasher, Duration.ofMillis(1));
    access.attach(
        (type, payload) -> {
          synchronized (journal) {
            BusRecord record = new BusRecord(1, journal.size() + 1, clock.millis(), type, payload);
            journal.add(record);
            return CompletableFuture.completedFuture(record);
          }
        },
        1);
    access.install(
        api, token, alerts, config, new ManagementLoginConfig(15, MAX_FAILURES, 15), tls != null);
    server =
        new ManagementServer(
            api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 65536, tls);
    server.start();
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (tls != null) {
      client.sslContext(trusting(tls));
    }
    http = client.build();
    base =
        (tls == null ? "http" : "https")
            + "://127.0.0.1:"
            + server.localAddress().getPort()
            + "/api/v1";
  }

  /** The routes provisiond adds beside the API's own, on stubs that count their calls. */
  private void registerServiceRoutes() {
    FailoverStatus status =
        new FailoverStatus(
            "primary", "NORMAL", clock.instant(), null, null, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
    FailoverRoutes.register(
        api,
        new FailoverControl() {
          @Override
          public FailoverStatus status() {
            return status;
          }

          @Override
          public Optional<String> secret() {
            return Optional.of("pairing-secret");
          }

          @Override
          public void init(String peer, String secret) throws Exception {
            serviceCalls.incrementAndGet();
            // As the real one does: the pairing is a config change.
            config
                .applyDocument(
                    CONFIG + "failover: {role: primary, peer: " + peer + "}\n", "api", null)
                .join();
          }

          @Override
          public void takeover(String cause) {
            serviceCalls.incrementAndGet();
          }

          @Override
          public void handback(String cause) {
            serviceCalls.incrementAndGet();
          }

          @Override
          public void leave(String cause) {
            serviceCalls.incrementAndGet();
          }
        });
    LeaseRoutes.register(
        api,
        filter -> {
          serviceCalls.incrementAndGet();
          return List.of();
        });
    TftpRoutes.register(
        api,
        (ConfigFileRenderer)
            (name, mac, clientClass) -> {
              serviceCalls.incrementAndGet();
              return new ConfigFileRenderer.RenderedFile("cm.cfg", new byte[] {1}, "Main {}");
            });
    DnsRoutes.register(
        api,
        new DnsZoneView() {
          @Override
          public List<ZoneSummary> zones() {
            return List.of();
          }

          @Override
          public Optional<List<String>> records(String zone) {
            return Optional.empty();
          }
        });
  }

  static SSLContext trusting(TlsMaterial tls) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("management", tls.leaf());
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  ConsoleUser addUser(String name, Role role) {
    Instant now = clock.instant();
    return access
        .users()
        .create(new ConsoleUser(name, role, hasher.hash(PASSWORD), now, now, "test", false))
        .join();
  }

  /** A logged-in browser: its cookie and CSRF token. */
  record Browser(String cookie, String csrf) {}

  Browser login(String name) throws Exception {
    HttpResponse<String> response = loginAs(name, PASSWORD, null);
    if (response.statusCode() != 200) {
      throw new AssertionError("login of " + name + ": " + response.body());
    }
    return new Browser(cookieOf(response), body(response).path("csrfToken").asText());
  }

  HttpResponse<String> loginAs(String name, String password, String cookie) throws Exception {
    String body =
        json.writeValueAsString(
            json.createObjectNode().put("name", name).put("password", password));
    return cookie == null
        ? send("POST", "/session", body, "Content-Type", "application/json")
        : send("POST", "/session", body, "Content-Type", "application/json", "Cookie", cookie);
  }

  /** The {@code name=value} part of the response's Set-Cookie, to send back as Cookie. */
  static String cookieOf(HttpResponse<?> response) {
    String set = response.headers().firstValue("Set-Cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
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

  /** A request as this browser: its cookie, and its CSRF token on changes. */
  HttpResponse<String> as(Browser browser, String method, String path, String body)
      throws Exception {
    return send(
        method,
        path,
        body,
        "Cookie",
        browser.cookie(),
        "X-CSRF-Token",
        browser.csrf(),
        "Content-Type",
        "application/json");
  }

  HttpResponse<String> withToken(String method, String path, String body, String... more)
      throws Exception {
    List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + token.value()));
    headers.addAll(List.of(more));
    return send(method, path, body, headers.toArray(String[]::new));
  }

  JsonNode body(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }

  long configVersion() {
    return config.current().orElseThrow().number();
  }

  @Override
  public void close() {
    server.stop();
    access.close();
  }
}
