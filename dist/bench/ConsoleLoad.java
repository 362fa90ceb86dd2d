import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.LeaseJournal;

/**
 * The web console under a headend's weight (issue 11's performance figures): a packaged provisiond
 * with 1,000 pools (one /22 subnet each behind one relay) and 1,000,000 bound leases, 98 % of every
 * pool, so both high-water marks of every pool are raised. Measures, at the server through
 * loopback HTTP: the tree view (GET /api/v1/console/tree), the dashboard (when the build has
 * GET /api/v1/console/dashboard), a lease search by MAC and by remote-id; then opens 50 consoles'
 * alert streams and times one alert (a console account locked by failed logins) to all 50.
 */
public final class ConsoleLoad {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final int POOLS = 1000;
  static final int PER_POOL = 1000;
  static final int POOL_SIZE = 1020;
  static final int CONSOLES = 50;

  static String base;
  static String token;

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Path work = Path.of(args[1]);
    Path data = work.resolve("data");
    int port = freePort();
    Path config = Files.writeString(work.resolve("provisiond.yaml"), config(data, port));
    long filling = System.nanoTime();
    fill(data);
    System.out.printf(
        "filled the journal: %,d leases in %,d pools in %.1f s%n",
        POOLS * PER_POOL, POOLS, (System.nanoTime() - filling) / 1e9);

    Process server =
        new ProcessBuilder(home.resolve("bin/provisiond").toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("provisiond.log").toFile())
            .start();
    try {
      base = "http://127.0.0.1:" + port;
      long starting = System.nanoTime();
      waitForApi(data, server);
      System.out.printf("started on its 1,000,000 leases in %.1f s%n", (System.nanoTime() - starting) / 1e9);
      JsonNode tree = get("/api/v1/console/tree");
      System.out.printf("tree: %,d bytes of JSON, %d active alerts on the server node%n",
          JSON.writeValueAsBytes(tree).length, tree.path("children").get(0).path("alerts").asInt());
      time("GET /api/v1/console/tree", "/api/v1/console/tree", 30);
      time("GET /api/v1/stats (what the tree reads)", "/api/v1/stats", 30);
      time("GET /api/v1/alerts?state=active", "/api/v1/alerts?state=active", 30);
      time("GET /api/v1/console/dashboard", "/api/v1/console/dashboard", 30);
      time("GET /console/index.html (the page itself)", "/console/index.html", 30);
      time("lease search by MAC", "/api/v1/leases?mac=02:08:00:07:a1:20", 50);
      time("lease search by remote-id", "/api/v1/leases?remoteId=cm-500000", 50);
      alertToConsoles(home, config);
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  static String config(Path data, int port) {
    StringBuilder yaml =
        new StringBuilder(
            """
            server: {name: bench, dataDir: %s}
            management: {port: %d, login: {maxFailures: 2, lockoutMinutes: 1}}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: %d
              serverIdentifier: 127.0.0.1
              subnets:
            """
                .formatted(data, port, freePortUnchecked()));
    for (int i = 0; i < POOLS; i++) {
      Ipv4Address subnet = new Ipv4Address(Ipv4Address.parse("127.16.0.0").value() + i * 1024);
      Ipv4Address first = new Ipv4Address(subnet.value() + 2);
      Ipv4Address last = new Ipv4Address(subnet.value() + 1 + POOL_SIZE);
      yaml.append("    - subnet: ").append(subnet).append("/22\n")
          .append("      relays: [127.0.0.2]\n")
          .append("      pools: [{name: pool-").append(i).append(", range: ")
          .append(first).append('-').append(last).append("}]\n");
    }
    return yaml.toString();
  }

  /** PER_POOL bound leases in each pool, journaled, then a bus snapshot (a restart's input). */
  static void fill(Path data) throws Exception {
    Files.createDirectories(data);
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    MemoryLeaseStore store = new MemoryLeaseStore();
    try (StateBus bus =
        StateBus.open(
            data.resolve("journal"), 1, Clock.systemUTC(), new StatisticsRegistry(),
            List.of(config, new LeaseJournal(store)))) {
      long now = System.currentTimeMillis();
      CompletableFuture<?> last = CompletableFuture.completedFuture(null);
      int n = 0;
      for (int pool = 0; pool < POOLS; pool++) {
        int first = Ipv4Address.parse("127.16.0.0").value() + pool * 1024 + 2;
        for (int j = 0; j < PER_POOL; j++, n++) {
          LeaseRecord lease =
              new LeaseRecord(
                  new Ipv4Address(first + j), 1,
                  new byte[] {2, 8, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n},
                  null, LeaseState.BOUND, now, now + TimeUnit.DAYS.toMillis(7), 1,
                  "host-" + n, "cable-modem", ("cm-" + n).getBytes(), null);
          store.put(lease);
          last = bus.publish(RecordType.LEASE, lease.encode());
          if (n % 100_000 == 99_999) {
            last.get(60, TimeUnit.SECONDS);
          }
        }
      }
      last.get(60, TimeUnit.SECONDS);
      bus.snapshot();
    }
  }

  /** Times {@code rounds} GETs after 5 unmeasured ones; prints median, p95 and max. */
  static void time(String what, String path, int rounds) throws Exception {
    HttpResponse<byte[]> probe = send(path);
    if (probe.statusCode() != 200) {
      System.out.printf("%-45s n/a here (HTTP %d)%n", what, probe.statusCode());
      return;
    }
    for (int i = 0; i < 5; i++) {
      send(path);
    }
    double[] millis = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      send(path);
      millis[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(millis);
    System.out.printf("%-45s median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (%,d bytes)%n", what,
        millis[rounds / 2], millis[(int) Math.ceil(rounds * 0.95) - 1], millis[rounds - 1],
        probe.body().length);
  }

  /**
   * 50 consoles' alert streams open; a console account is locked by failed logins; the time from
   * the alert's raisedAt to its arrival on each stream (one machine, one clock).
   */
  static void alertToConsoles(Path home, Path config) throws Exception {
    Process add =
        new ProcessBuilder(home.resolve("bin/provisionctl").toString(), "--config", config.toString(),
                "user", "add", "probe", "--role", "viewer", "--password-stdin")
            .redirectErrorStream(true)
            .start();
    add.getOutputStream().write("probe's long password\n".getBytes());
    add.getOutputStream().close();
    add.waitFor(60, TimeUnit.SECONDS);
    ConcurrentHashMap<Integer, Long> arrived = new ConcurrentHashMap<>();
    CountDownLatch all = new CountDownLatch(CONSOLES);
    CountDownLatch open = new CountDownLatch(CONSOLES);
    List<CompletableFuture<?>> streams = new ArrayList<>();
    for (int i = 0; i < CONSOLES; i++) {
      int console = i;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + "/api/v1/alerts/stream"))
              .header("Authorization", "Bearer " + token)
              .build();
      streams.add(
          HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
              .thenAccept(
                  response -> {
                    open.countDown();
                    response.body().forEach(line -> {
                      if (line.startsWith("data:") && line.contains("CONSOLE_LOGIN_LOCKED")
                          && arrived.putIfAbsent(console, System.currentTimeMillis()) == null) {
                        all.countDown();
                      }
                    });
                  }));
    }
    if (!open.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (CONSOLES - open.getCount()) + " streams opened");
    }
    Thread.sleep(500);
    for (int attempt = 0; attempt < 3; attempt++) {
      HTTP.send(
          HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"probe\", \"password\": \"wrong\"}"))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      Thread.sleep(1100); // past the slow-down after the first failure
    }
    boolean everyone = all.await(10, TimeUnit.SECONDS);
    JsonNode active = get("/api/v1/alerts?state=active").path("active");
    long raisedAt = -1;
    for (JsonNode alert : active) {
      if (alert.path("event").asText().equals("CONSOLE_LOGIN_LOCKED")) {
        raisedAt = Instant.parse(alert.path("raisedAt").asText()).toEpochMilli();
      }
    }
    long[] latencies = new long[arrived.size()];
    int k = 0;
    for (long at : arrived.values()) {
      latencies[k++] = at - raisedAt;
    }
    Arrays.sort(latencies);
    System.out.printf(
        "alert to %d open consoles: %d of %d received it; from raise to arrival median %d ms, max %d ms%s%n",
        CONSOLES, arrived.size(), CONSOLES, latencies.length == 0 ? -1 : latencies[latencies.length / 2],
        latencies.length == 0 ? -1 : latencies[latencies.length - 1], everyone ? "" : " (NOT ALL)");
    streams.forEach(s -> s.cancel(true));
  }

  static HttpResponse<byte[]> send(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<byte[]> response = send(path);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(path + ": HTTP " + response.statusCode());
    }
    return JSON.readTree(response.body());
  }

  static void waitForApi(Path data, Process server) throws Exception {
    long deadline = System.currentTimeMillis() + 300_000;
    while (System.currentTimeMillis() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("provisiond died at start; see its log");
      }
      try {
        token = ApiToken.read(data.resolve(ApiToken.FILE_NAME)).value();
        if (send("/api/v1/status").statusCode() == 200) {
          return;
        }
      } catch (Exception e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("provisiond did not answer within 5 minutes");
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static int freePortUnchecked() {
    try {
      return freePort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
