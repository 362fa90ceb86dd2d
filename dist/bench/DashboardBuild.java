import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.control.FailoverStatus;
import org.provisioning.common.control.ServerStatus;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.Counter;
import org.provisioning.common.stats.StatisticsHistory;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.time.Ticker;
import org.provisioning.console.api.ApiToken;
import org.provisioning.console.api.ManagementApi;
import org.provisioning.console.api.StatisticsHistoryRoutes;
import org.provisioning.console.http.ManagementServer;
import org.provisioning.console.web.ConsoleDashboard;
import org.provisioning.dhcp.engine.DhcpEngine;
import org.provisioning.dhcp.engine.DhcpStatistics;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dist.Declarations;

/**
 * How long GET /api/v1/console/dashboard takes to build at the server with 1,000 pools (2,000
 * addresses each, one /21 subnet per pool) and about 1,000,000 bound leases, 25 to 75 % of each
 * pool, in provisiond's own lease store, DHCP engine, statistics registry (every declared
 * statistic, the engine's eight gauges per pool) and a statistics history holding its full hour
 * (360 samples, 10 s apart, DHCP, TFTP and DNS counters moving). Prints: the history's cost (one
 * sample of every statistic, its memory), then the dashboard built and serialised as the route
 * does, in-process, and the same through the management server over loopback HTTP (the API token;
 * JDK client), as percentiles over the runs after a warm-up. Run through dashboard-build.sh.
 */
public final class DashboardBuild {
  public static void main(String[] args) throws Exception {
    int pools = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int leasesPerPoolAverage = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
    Path work = Files.createTempDirectory("dashboard-build");

    FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z").toEpochMilli());
    StatisticsRegistry stats = new StatisticsRegistry();
    stats.declare(Declarations.statistics());
    AlertCenter alerts = new AlertCenter("bench", clock, 1_000);
    alerts.declare(Declarations.alertTypes());
    ConfigService config = new ConfigService(new ConfigCodec(), clock);
    config.attach(
        (type, payload) ->
            CompletableFuture.completedFuture(new BusRecord(1, 1, clock.millis(), type, payload)));
    var version = config.seedFromFile(document(pools));

    long filling = System.nanoTime();
    MemoryLeaseStore leases = new MemoryLeaseStore((long) pools * 2_000);
    long now = clock.millis();
    long total = 0;
    for (int p = 0; p < pools; p++) {
      int base = Ipv4Address.parse("10.0.0.0").value() + p * 2_048 + 10;
      int count = Math.min(2_000, leasesPerPoolAverage / 2 + (p * 617 % (leasesPerPoolAverage + 1)));
      for (int i = 0; i < count; i++) {
        long n = total++;
        leases.put(
            new LeaseRecord(
                new Ipv4Address(base + i),
                1,
                new byte[] {2, 8, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n},
                null,
                LeaseState.BOUND,
                now,
                now + Duration.ofDays(7).toMillis(),
                1,
                "cm-" + n,
                "cable-modem",
                null,
                null));
      }
    }
    DhcpEngine engine =
        new DhcpEngine(
            version.config().dhcp(), 1, leases, clock, Ticker.system(), new DhcpStatistics(stats), alerts);
    System.out.printf(
        "%,d pools, %,d leases in the store (%,d statistics), built in %.1f s%n",
        pools, leases.size(), stats.snapshot().size(), (System.nanoTime() - filling) / 1e9);

    StatisticsHistory history = new StatisticsHistory(stats, clock);
    Counter acks = stats.counter("dhcp.sent.ack");
    Counter transfers = stats.counter("tftp.transfers.completed");
    Counter queries = stats.counter("dns.query.a");
    long[] sampleNanos = new long[history.window()];
    for (int s = 0; s < history.window(); s++) {
      acks.add(500 + s % 37 * 20);
      transfers.add(100 + s % 11 * 5);
      queries.add(2_000 + s % 23 * 50);
      long start = System.nanoTime();
      history.sample();
      sampleNanos[s] = System.nanoTime() - start;
      clock.advance(10_000);
    }
    Arrays.sort(sampleNanos);
    System.out.printf(
        "history: %,d statistics, one sample of all of them %.1f ms (median), an hour held in"
            + " %.1f MB%n",
        history.size(), sampleNanos[sampleNanos.length / 2] / 1e6, history.heldBytes() / 1e6);

    Path dataDir = Files.createDirectories(work.resolve("data"));
    ApiToken token = ApiToken.loadOrCreate(dataDir);
    ManagementApi api =
        new ManagementApi(
            token,
            () ->
                new ServerStatus(
                    "bench",
                    "bench",
                    clock.instant(),
                    Duration.ZERO,
                    Map.of("dhcp", ServiceState.RUNNING)),
            stats,
            alerts,
            config);
    FailoverStatus pair =
        new FailoverStatus(
            "primary", "NORMAL", clock.instant(), "10.255.0.3:8647", "NORMAL", 120, 1_000_000,
            999_990, 10, 10, 0, 1, 12);
    ConsoleDashboard dashboard =
        new ConsoleDashboard(api.json(), config, stats, history, () -> Optional.of(pair), clock);
    dashboard.register(api);
    StatisticsHistoryRoutes.register(api, history);

    byte[] body = dashboard.render();
    long[] build = new long[runs];
    for (int warm = 0; warm < runs; warm++) {
      dashboard.render();
    }
    for (int r = 0; r < runs; r++) {
      long start = System.nanoTime();
      dashboard.render();
      build[r] = System.nanoTime() - start;
    }
    report("in-process, built and serialised", build, body.length);

    ManagementServer server =
        new ManagementServer(
            api, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1 << 20);
    server.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:"
                          + server.localAddress().getPort()
                          + "/api/v1/console/dashboard"))
              .header("Authorization", "Bearer " + token.value())
              .GET()
              .build();
      long[] served = new long[runs];
      for (int warm = 0; warm < runs / 2; warm++) {
        http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      }
      int length = 0;
      for (int r = 0; r < runs; r++) {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        served[r] = System.nanoTime() - start;
        if (response.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + response.statusCode());
        }
        length = response.body().length;
      }
      report("over loopback HTTP, request to last byte", served, length);
    } finally {
      server.stop();
    }
    System.out.printf("(%,d offers pending: none, as expected)%n", engine.pendingOffers());
  }

  private static void report(String what, long[] nanos, int bytes) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "dashboard %s: median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d runs, %,d"
            + " bytes)%n",
        what,
        sorted[sorted.length / 2] / 1e6,
        sorted[sorted.length * 9 / 10] / 1e6,
        sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)] / 1e6,
        sorted[sorted.length - 1] / 1e6,
        sorted.length,
        bytes);
  }

  /** 1,000 subnets of /21 in 10.0.0.0/8, one pool of 2,000 addresses in each. */
  private static String document(int pools) {
    StringBuilder yaml =
        new StringBuilder(
            """
            server: {name: bench}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: 1067
              serverIdentifier: 127.0.0.1
              subnets:
            """);
    for (int p = 0; p < pools; p++) {
      int base = Ipv4Address.parse("10.0.0.0").value() + p * 2_048;
      yaml.append("    - subnet: ")
          .append(new Ipv4Address(base))
          .append("/21\n")
          .append("      pools: [{name: pool-")
          .append(p)
          .append(", range: ")
          .append(new Ipv4Address(base + 10))
          .append('-')
          .append(new Ipv4Address(base + 2_009))
          .append("}]\n");
    }
    return yaml.toString();
  }

  /** Time as the benchmark moves it: the history's hour passes in a moment. */
  static final class FakeClock extends Clock {
    private final AtomicLong millis;

    FakeClock(long start) {
      this.millis = new AtomicLong(start);
    }

    void advance(long by) {
      millis.addAndGet(by);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
