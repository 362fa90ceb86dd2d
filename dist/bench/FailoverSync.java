import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.StateBus;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.ConfigService;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.console.api.ApiToken;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.lease.MemoryLeaseStore;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptionCode;
import org.provisioning.dhcp.option.DhcpOptions;
import org.provisioning.dhcp.server.LeaseJournal;

/**
 * Times a full failover sync of N leases between two packaged provisiond processes on loopback
 * (127.0.0.1 primary, 127.0.0.3 secondary): the primary's journal is filled with N bound leases
 * beforehand (written with the state bus, then a bus snapshot), both servers are started, and the
 * clock runs from the pairing request (POST /api/v1/failover/init, what provisionctl failover init
 * sends) to both servers in NORMAL. Meanwhile it prints the progress both servers show in their
 * failover status, and a relay runs DORA against the primary every 20 ms to show DHCP is served
 * during the sync. Run through failover-sync.sh.
 */
public final class FailoverSync {
  static final String PRIMARY = "127.0.0.1";
  static final String SECONDARY = "127.0.0.3";
  static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int leases = Integer.parseInt(args[2]);
    int dhcpPort = freeUdpPort();
    int failoverPort = freePort();
    Path secondaryConfig = config(work, "secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort);
    Path primaryConfig = config(work, "primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort);

    long filling = System.nanoTime();
    fill(primaryConfig.resolveSibling("data"), leases);
    System.out.printf(
        "filled the primary's journal with %,d leases in %.1f s%n",
        leases, seconds(System.nanoTime() - filling));

    Process secondary = null;
    Process primary = null;
    try {
      secondary = start(home, secondaryConfig);
      long starting = System.nanoTime();
      primary = start(home, primaryConfig);
      System.out.printf(
          "primary started on its %,d leases in %.1f s%n",
          leases, seconds(System.nanoTime() - starting));
      String secret = api(secondaryConfig, "GET", "/failover/secret", null).path("secret").asText();

      DhcpProbe probe = new DhcpProbe(dhcpPort);
      Thread probing = new Thread(probe, "dhcp-probe");
      probing.start();
      long started = System.nanoTime();
      api(
          primaryConfig,
          "POST",
          "/failover/init",
          "{\"peer\": \"" + SECONDARY + "\", \"secret\": \"" + secret + "\"}");
      long oneWay = -1;
      long lastPrint = 0;
      long syncingAt = -1;
      long primaryHeardMax = 0;
      long secondaryHeardMax = 0;
      while (true) {
        long now = System.nanoTime();
        if (now - started > TimeUnit.MINUTES.toNanos(10)) {
          throw new IllegalStateException("no NORMAL pair after 10 minutes");
        }
        JsonNode p = api(primaryConfig, "GET", "/failover", null);
        JsonNode s = api(secondaryConfig, "GET", "/failover", null);
        JsonNode received = s.path("sync").path("receiving");
        if (syncingAt < 0 && p.path("state").asText().equals("SYNCING")) {
          syncingAt = now;
        }
        if (syncingAt >= 0) {
          primaryHeardMax = Math.max(primaryHeardMax, p.path("lastHeartbeatAgeMillis").asLong());
          secondaryHeardMax =
              Math.max(secondaryHeardMax, s.path("lastHeartbeatAgeMillis").asLong());
        }
        if (oneWay < 0
            && received.path("kind").asText().equals("snapshot")
            && received.path("state").asText().equals("done")
            && received.path("total").asLong() >= leases) {
          oneWay = now - started;
        }
        if (now - lastPrint > TimeUnit.SECONDS.toNanos(1)) {
          lastPrint = now;
          System.out.printf(
              "%5.1f s  primary %-10s %s | secondary %-10s %s | dhcp %d/%d answered%n",
              seconds(now - started),
              p.path("state").asText(),
              progress(p.path("sync").path("sending"), "sending"),
              s.path("state").asText(),
              progress(received, "receiving"),
              probe.answered.get(),
              probe.sent.get());
        }
        if (p.path("state").asText().equals("NORMAL") && s.path("state").asText().equals("NORMAL")) {
          break;
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling two child processes
      }
      long total = System.nanoTime() - started;
      probe.stop.set(true);
      probing.join();
      long settle = System.nanoTime();
      while (api(primaryConfig, "GET", "/failover", null).path("lagRecords").asLong() > 0
          && System.nanoTime() - settle < TimeUnit.SECONDS.toNanos(10)) {
        TimeUnit.MILLISECONDS.sleep(100); // the last probe leases reach the secondary
      }
      long primaryUsed = poolUsed(primaryConfig);
      long secondaryUsed = poolUsed(secondaryConfig);
      long leasesReceived =
          api(secondaryConfig, "GET", "/stats?prefix=failover.sync.leases_received", null)
              .path("failover.sync.leases_received")
              .asLong();
      System.out.printf(
          "%nfull sync of %,d leases: pairing request to both NORMAL %.1f s"
              + " (snapshot applied on the secondary after %.1f s, %,.0f leases/s)%n",
          leases, seconds(total), seconds(oneWay), leases / seconds(oneWay));
      System.out.printf(
          "secondary received %,d snapshot leases; pool use (bound and offered) primary %,d,"
              + " secondary %,d%n",
          leasesReceived, primaryUsed, secondaryUsed);
      System.out.printf(
          "DHCP meanwhile (DORA to the primary every 20 ms, 500 ms to answer): while the"
              + " primary synced (SYNCING to NORMAL) %d of %d answered; from the pairing request"
              + " %d of %d; median %.1f ms, max %.1f ms%n",
          probe.answeredSince(syncingAt),
          probe.sentSince(syncingAt),
          probe.answered.get(),
          probe.sent.get(),
          probe.medianMillis(),
          probe.maxMicros.get() / 1000.0);
      System.out.printf(
          "oldest partner heartbeat seen during the sync (sampled every 100 ms): on the primary"
              + " %d ms, on the secondary %d ms (dead after 300 ms)%n",
          primaryHeardMax, secondaryHeardMax);
      for (Path config : new Path[] {primaryConfig, secondaryConfig}) {
        long downs =
            api(config, "GET", "/stats?prefix=failover.entered.partner_down", null)
                .path("failover.entered.partner_down")
                .asLong();
        System.out.printf(
            "%s went PARTNER_DOWN %d times (a false takeover if not 0)%n",
            config.getParent().getFileName(), downs);
      }
    } finally {
      for (Process p : new Process[] {primary, secondary}) {
        if (p != null) {
          p.destroy();
          if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
          }
        }
      }
    }
  }

  static String progress(JsonNode p, String direction) {
    if (!p.isObject()) {
      return "-";
    }
    return "%s %,d/%,d %s"
        .formatted(
            p.path("kind").asText(),
            p.path("done").asLong(),
            p.path("total").asLong(),
            p.path("state").asText());
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** N bound leases of the primary's own origin, journaled, then a bus snapshot. */
  static void fill(Path dataDir, int n) throws Exception {
    Files.createDirectories(dataDir);
    ConfigService config = new ConfigService(new ConfigCodec(), Clock.systemUTC());
    MemoryLeaseStore store = new MemoryLeaseStore();
    try (StateBus bus =
        StateBus.open(
            dataDir.resolve("journal"),
            1,
            Clock.systemUTC(),
            new StatisticsRegistry(),
            List.of(config, new LeaseJournal(store)))) {
      long now = System.currentTimeMillis();
      int first = Ipv4Address.parse("127.16.0.10").value();
      CompletableFuture<?> last = CompletableFuture.completedFuture(null);
      for (int i = 0; i < n; i++) {
        LeaseRecord lease =
            new LeaseRecord(
                new Ipv4Address(first + i),
                1,
                new byte[] {2, 8, (byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i},
                null,
                LeaseState.BOUND,
                now,
                now + TimeUnit.DAYS.toMillis(7),
                1,
                "cm-" + i,
                "cable-modem",
                null,
                null);
        store.put(lease);
        last = bus.publish(RecordType.LEASE, lease.encode());
        if (i % 100_000 == 99_999) {
          last.get(60, TimeUnit.SECONDS);
        }
      }
      last.get(60, TimeUnit.SECONDS);
      bus.snapshot();
    }
  }

  static long poolUsed(Path config) throws Exception {
    JsonNode stats = api(config, "GET", "/stats?prefix=dhcp.pool.", null);
    long used = 0;
    for (var e : stats.properties()) {
      if (e.getKey().endsWith(".used")) {
        used += e.getValue().asLong();
      }
    }
    return used;
  }

  /** DORA against the primary every 20 ms, each client new. */
  static final class DhcpProbe implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong maxMicros = new AtomicLong();
    private final java.util.List<Long> latencies = new java.util.ArrayList<>();
    /** Per DORA: when it started, and whether it was answered. */
    private final java.util.List<long[]> attempts = new java.util.ArrayList<>();

    synchronized long sentSince(long nanos) {
      return attempts.stream().filter(a -> nanos >= 0 && a[0] >= nanos).count();
    }

    synchronized long answeredSince(long nanos) {
      return attempts.stream().filter(a -> nanos >= 0 && a[0] >= nanos && a[1] == 1).count();
    }
    private final int port;

    /** The median DORA time of those answered, in ms. */
    synchronized double medianMillis() {
      if (latencies.isEmpty()) {
        return 0;
      }
      java.util.List<Long> sorted = latencies.stream().sorted().toList();
      return sorted.get(sorted.size() / 2) / 1000.0;
    }

    DhcpProbe(int port) {
      this.port = port;
    }

    @Override
    public void run() {
      DhcpEncoder encoder = new DhcpEncoder();
      DhcpDecoder decoder = new DhcpDecoder();
      try (DatagramSocket relay =
          new DatagramSocket(new InetSocketAddress(RELAY.toInetAddress(), port))) {
        relay.setSoTimeout(20);
        int xid = 1;
        while (!stop.get()) {
          long t0 = System.nanoTime();
          sent.incrementAndGet();
          boolean ok = dora(relay, encoder, decoder, xid++, t0 + TimeUnit.MILLISECONDS.toNanos(500));
          synchronized (this) {
            attempts.add(new long[] {t0, ok ? 1 : 0});
          }
          if (ok) {
            answered.incrementAndGet();
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
            maxMicros.accumulateAndGet(micros, Math::max);
            synchronized (this) {
              latencies.add(micros);
            }
          }
          long rest = TimeUnit.MILLISECONDS.toNanos(20) - (System.nanoTime() - t0);
          if (rest > 0) {
            TimeUnit.NANOSECONDS.sleep(rest); // pacing the probe
          }
        }
      } catch (Exception e) {
        System.out.println("probe stopped: " + e);
      }
    }

    private boolean dora(
        DatagramSocket relay, DhcpEncoder encoder, DhcpDecoder decoder, int xid, long deadline)
        throws IOException {
      send(relay, encoder, xid, DhcpMessageType.DISCOVER, DhcpOptions.builder());
      DhcpMessage offer = await(relay, decoder, xid, DhcpMessageType.OFFER, deadline);
      if (offer == null) {
        return false;
      }
      send(
          relay,
          encoder,
          xid,
          DhcpMessageType.REQUEST,
          DhcpOptions.builder()
              .ipv4Address(DhcpOptionCode.REQUESTED_IP_ADDRESS, offer.yourAddress())
              .ipv4Address(
                  DhcpOptionCode.SERVER_IDENTIFIER,
                  offer.options().serverIdentifier().orElseThrow()));
      return await(relay, decoder, xid, DhcpMessageType.ACK, deadline) != null;
    }

    private void send(
        DatagramSocket relay,
        DhcpEncoder encoder,
        int xid,
        DhcpMessageType type,
        DhcpOptions.Builder options)
        throws IOException {
      DhcpMessage m =
          DhcpMessage.builder()
              .op(BootOp.BOOTREQUEST)
              .clientHardwareAddress(
                  HardwareAddress.of(
                      HardwareType.ETHERNET,
                      new byte[] {2, 9, 9, (byte) (xid >>> 16), (byte) (xid >>> 8), (byte) xid}))
              .transactionId(xid)
              .hops(1)
              .relayAgentAddress(RELAY)
              .messageType(type)
              .options(options.build())
              .build();
      byte[] bytes = encoder.encode(m);
      relay.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(PRIMARY, port)));
    }

    private DhcpMessage await(
        DatagramSocket relay, DhcpDecoder decoder, int xid, DhcpMessageType type, long deadline)
        throws IOException {
      byte[] buffer = new byte[1500];
      while (System.nanoTime() < deadline) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
          relay.receive(p);
        } catch (SocketTimeoutException e) {
          continue;
        }
        DhcpMessage reply = decoder.decode(buffer, 0, p.getLength());
        if (reply.transactionId() == xid && reply.messageType() == type) {
          return reply;
        }
      }
      return null;
    }
  }

  static JsonNode api(Path config, String method, String path, String body) throws Exception {
    String text = Files.readString(config);
    String address = text.contains("listen: " + SECONDARY) ? SECONDARY : PRIMARY;
    String port = text.replaceAll("(?s).*management: \\{listen: [0-9.]+, port: (\\d+)\\}.*", "$1");
    String token = ApiToken.read(config.resolveSibling("data").resolve(ApiToken.FILE_NAME)).value();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + "/api/v1" + path))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30));
    request =
        body == null
            ? request.GET()
            : request
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  static Process start(Path home, Path config) throws Exception {
    Process p =
        new ProcessBuilder(home.resolve("bin/provisiond").toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(config.resolveSibling("provisiond.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        api(config, "GET", "/failover", null);
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

  static Path config(
      Path work, String name, int id, String address, String role, int dhcpPort, int fo)
      throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    return Files.writeString(
        dir.resolve("provisiond.yaml"),
        """
        server: {name: %s, id: %d, dataDir: %s}
        management: {listen: %s, port: %d}
        dhcp:
          enabled: true
          listen: %s
          port: %d
          serverIdentifier: %s
          subnets:
            - subnet: 127.0.0.0/8
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.127.255.250}]
        failover: {role: %s, listen: %s, port: %d, heartbeatMillis: 50, deadAfterMillis: 300}
        """
            .formatted(
                name, id, dir.resolve("data"), address, freePort(), address, dhcpPort, address,
                role, address, fo));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(PRIMARY))) {
      return s.getLocalPort();
    }
  }
}
