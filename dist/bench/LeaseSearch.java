import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.lease.LeaseFilter;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.server.LeaseJournal;

/**
 * Times lease searches with N leases in the store (default 1,000,000: a quarter modems, each with
 * three home devices behind it, option 82 remote-id the modem's MAC), two ways:
 *
 * <ul>
 *   <li>at the server, through the packaged provisiond: GET /api/v1/leases?mac= and ?remoteId=
 *       over loopback HTTP with the API token, each query a different modem, one at a time; the
 *       round trip as the client sees it, so an upper bound of the server's time;
 *   <li>in the store alone (MemoryLeaseStore.find in this JVM, the same data): the search itself.
 * </ul>
 *
 * A host-name search (no index: every lease looked at) is timed beside them for contrast. Run
 * through lease-search.sh.
 */
public final class LeaseSearch {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final int FIRST = Ipv4Address.parse("127.16.0.10").value();

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int leases = Integer.parseInt(args[2]);
    int queries = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
    int modems = leases / 4;
    Path config = config(work);
    Path dataDir = config.resolveSibling("data");

    long filling = System.nanoTime();
    MemoryLeaseStore store = fill(dataDir, leases);
    System.out.printf(
        "journal and store filled with %,d leases (%,d modems) in %.1f s%n",
        store.size(), modems, seconds(System.nanoTime() - filling));

    Random random = new Random(42);
    int[] modemsAsked = random.ints(queries, 0, modems).toArray();
    System.out.println();
    System.out.println("in the store (MemoryLeaseStore.find, this JVM):");
    inStore(store, "mac", queries, i -> LeaseFilter.builder().hardwareAddress(mac(modemsAsked[i])));
    inStore(store, "remote-id", queries, i -> LeaseFilter.builder().remoteId(mac(modemsAsked[i])));
    inStore(store, "host name (a scan)", 20, i -> LeaseFilter.builder().hostname("cpe-" + i + "x"));

    Process server = null;
    try {
      long starting = System.nanoTime();
      server = start(home, config);
      System.out.printf(
          "%nprovisiond started on its %,d leases in %.1f s; through GET /api/v1/leases over"
              + " loopback:%n",
          leases, seconds(System.nanoTime() - starting));
      String token = ApiToken.read(dataDir.resolve(ApiToken.FILE_NAME)).value();
      String base = "http://127.0.0.1:" + port(config) + "/api/v1/leases?";
      overHttp(base, token, "mac", queries, 1, i -> "mac=" + text(mac(modemsAsked[i])));
      overHttp(base, token, "remote-id", queries, 4, i -> "remoteId=" + text(mac(modemsAsked[i])));
      overHttp(base, token, "host name (a scan)", 20, 0, i -> "hostname=cpe-" + i + "x");
    } finally {
      if (server != null) {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
          server.destroyForcibly();
          server.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** Modem m: 02:0a:00:mm:mm:mm; its devices 02:0c:dd:mm:mm:mm. */
  static byte[] mac(int modem) {
    return new byte[] {2, 10, 0, (byte) (modem >>> 16), (byte) (modem >>> 8), (byte) modem};
  }

  static String text(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }

  /** Leases journaled through the state bus (then a snapshot), and kept in a store here too. */
  static MemoryLeaseStore fill(Path dataDir, int n) throws Exception {
    Files.createDirectories(dataDir);
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    MemoryLeaseStore store = new MemoryLeaseStore(n);
    int modems = n / 4;
    try (StateBus bus =
        StateBus.open(
            dataDir.resolve("journal"),
            1,
            Clock.systemUTC(),
            new StatisticsRegistry(),
            List.of(config, new LeaseJournal(store)))) {
      long now = System.currentTimeMillis();
      CompletableFuture<?> last = CompletableFuture.completedFuture(null);
      for (int i = 0; i < n; i++) {
        int modem = i < modems ? i : (i - modems) % modems;
        int device = i < modems ? -1 : (i - modems) / modems;
        byte[] hw = mac(modem);
        if (device >= 0) {
          hw = hw.clone();
          hw[1] = 12;
          hw[2] = (byte) device;
        }
        LeaseRecord lease =
            new LeaseRecord(
                new Ipv4Address(FIRST + i),
                1,
                hw,
                null,
                LeaseState.BOUND,
                now,
                now + TimeUnit.DAYS.toMillis(7),
                1,
                device < 0 ? "" : "cpe-" + i,
                device < 0 ? "cable-modem" : "",
                mac(modem),
                ("cmts1 3/" + (modem % 16) + "/" + (modem % 4) + ":" + (modem % 64))
                    .getBytes(StandardCharsets.US_ASCII));
        store.put(lease);
        last = bus.publish(RecordType.LEASE, lease.encode());
        if (i % 100_000 == 99_999) {
          last.get(60, TimeUnit.SECONDS);
        }
      }
      last.get(60, TimeUnit.SECONDS);
      bus.snapshot();
    }
    return store;
  }

  static void inStore(
      MemoryLeaseStore store, String what, int queries, IntFunction<LeaseFilter.Builder> filter) {
    for (int i = 0; i < Math.min(queries, 200); i++) {
      store.find(filter.apply(i).limit(200).build()); // warm up
    }
    long[] nanos = new long[queries];
    long found = 0;
    for (int i = 0; i < queries; i++) {
      LeaseFilter f = filter.apply(i).limit(200).build();
      long start = System.nanoTime();
      found += store.find(f).size();
      nanos[i] = System.nanoTime() - start;
    }
    report(what, nanos, found);
  }

  static void overHttp(
      String base, String token, String what, int queries, int expected, IntFunction<String> query)
      throws Exception {
    for (int i = 0; i < Math.min(queries, 200); i++) {
      get(base + query.apply(i) + "&limit=200", token); // warm up
    }
    long[] nanos = new long[queries];
    long found = 0;
    for (int i = 0; i < queries; i++) {
      String uri = base + query.apply(i) + "&limit=200";
      long start = System.nanoTime();
      JsonNode body = get(uri, token);
      nanos[i] = System.nanoTime() - start;
      int count = body.path("count").asInt();
      if (expected > 0 && count != expected) {
        throw new IllegalStateException(uri + " found " + count + ", expected " + expected);
      }
      found += count;
    }
    report(what, nanos, found);
  }

  static JsonNode get(String uri, String token) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(uri))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  static void report(String what, long[] nanos, long found) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    System.out.printf(
        "  by %-19s %,6d queries: median %7.3f ms, p99 %7.3f ms, max %7.3f ms, mean %7.3f ms"
            + " (%,d leases found)%n",
        what,
        nanos.length,
        sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6,
        sorted[sorted.length - 1] / 1e6,
        mean,
        found);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static Process start(Path home, Path config) throws Exception {
    Process p =
        new ProcessBuilder(home.resolve("bin/provisiond").toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(config.resolveSibling("provisiond.log").toFile())
            .start();
    String base = "http://127.0.0.1:" + port(config) + "/api/v1/status";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (true) {
      try {
        String token =
            ApiToken.read(config.resolveSibling("data").resolve(ApiToken.FILE_NAME)).value();
        get(base, token);
        return p;
      } catch (Exception e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          p.destroyForcibly();
          throw new IllegalStateException("provisiond did not start: see " + config.getParent());
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a child process
      }
    }
  }

  static int port(Path config) throws IOException {
    String text = Files.readString(config);
    return Integer.parseInt(text.replaceAll("(?s).*management: \\{port: (\\d+)\\}.*", "$1"));
  }

  static Path config(Path work) throws IOException {
    Path dir = Files.createDirectories(work.resolve("server"));
    int dhcpPort;
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      dhcpPort = socket.getLocalPort();
    }
    int managementPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      managementPort = s.getLocalPort();
    }
    return Files.writeString(
        dir.resolve("provisiond.yaml"),
        """
        server: {name: bench, id: 1, dataDir: %s}
        management: {port: %d}
        tftp: {enabled: false}
        dns: {enabled: false}
        tod: {enabled: false}
        dhcp:
          enabled: true
          listen: 127.0.0.1
          port: %d
          serverIdentifier: 127.0.0.1
          subnets:
            - subnet: 127.16.0.0/12
              relays: [127.0.0.2]
              pools: [{name: headend, range: 127.16.0.10-127.31.255.250}]
        """
            .formatted(dir.resolve("data"), managementPort, dhcpPort));
  }
}
