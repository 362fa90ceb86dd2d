import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.codec.DhcpDecoder;
import org.provisioning.dhcp.codec.DhcpEncoder;
import org.provisioning.dhcp.message.BootOp;
import org.provisioning.dhcp.message.DhcpMessage;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dhcp.message.HardwareAddress;
import org.provisioning.dhcp.message.HardwareType;
import org.provisioning.dhcp.option.DhcpOptions;

/**
 * Times failover takeover: from the moment the primary is killed (-9) or stopped (SIGSTOP) to the
 * first DHCP reply from the secondary, with a relay (127.0.0.2) sending DISCOVERs to both every 5
 * ms. The pair is either two packaged provisiond or ISC Kea's hot-standby pair
 * (../shared/bench/kea-ha-pair.sh; on port 67, so as root in a namespace of its own). Run through
 * failover-takeover.sh.
 */
public final class FailoverTakeover {
  static final String PRIMARY = "127.0.0.1";
  static final String SECONDARY = "127.0.0.3";
  static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  /** A pair under test: started, formed, then its primary lost; stopped after each round. */
  interface Pair {
    /** Starts both servers and returns once they serve as a pair. */
    void start() throws Exception;

    int dhcpPort();

    long primaryPid();

    void stop() throws Exception;
  }

  /**
   * args: HOME provisiond|kea|kea-defaults kill|stop ROUNDS [SHARED_BENCH]. Kea runs tuned
   * (heartbeat 1 s, partner down after 2 s, no unacked clients) unless kea-defaults.
   */
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    String server = args[1];
    String mode = args[2];
    int rounds = Integer.parseInt(args[3]);
    List<Long> micros = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Path work = Files.createTempDirectory("failover-bench");
      Pair pair =
          switch (server) {
            case "provisiond" -> new ProvisiondPair(home, work);
            case "kea" -> new KeaPair(Path.of(args[4]), work, true);
            case "kea-defaults" -> new KeaPair(Path.of(args[4]), work, false);
            default -> throw new IllegalArgumentException("unknown pair " + server);
          };
      micros.add(round(pair, mode, round));
      System.out.printf("%s %s round %d: %.1f ms%n", server, mode, round, micros.get(round) / 1000.0);
    }
    Collections.sort(micros);
    System.out.printf(
        "%s %s takeover over %d rounds: min %.1f ms, median %.1f ms, max %.1f ms%n",
        server,
        mode,
        rounds,
        micros.get(0) / 1000.0,
        micros.get(micros.size() / 2) / 1000.0,
        micros.get(micros.size() - 1) / 1000.0);
  }

  static long round(Pair pair, String mode, int round) throws Exception {
    try {
      pair.start();
      int port = pair.dhcpPort();
      try (DatagramSocket relay =
          new DatagramSocket(new InetSocketAddress(RELAY.toInetAddress(), port))) {
        relay.setSoTimeout(5);
        DhcpEncoder encoder = new DhcpEncoder();
        DhcpDecoder decoder = new DhcpDecoder();
        int xid = round * 1_000_000;
        long first = System.nanoTime();
        for (int i = 0; i < 200; i++) { // warm-up under load: the primary answers
          discover(relay, encoder, port, xid++, first);
          drain(relay, decoder);
        }
        long lost;
        if (mode.equals("kill")) {
          lost = System.nanoTime();
          signal("-KILL", pair.primaryPid());
        } else {
          signal("-STOP", pair.primaryPid());
          lost = System.nanoTime();
        }
        while (System.nanoTime() - lost < TimeUnit.SECONDS.toNanos(120)) {
          discover(relay, encoder, port, xid++, first);
          String from = drain(relay, decoder);
          if (SECONDARY.equals(from)) {
            return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - lost);
          }
        }
        throw new IllegalStateException("the secondary did not answer within 120 s");
      }
    } finally {
      pair.stop();
    }
  }

  static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor();
  }

  /** Two packaged provisiond on random ports, paired with provisionctl failover init. */
  static final class ProvisiondPair implements Pair {
    private final Path home;
    private final int dhcpPort;
    private final Path primaryConfig;
    private final Path secondaryConfig;
    private Process primary;
    private Process secondary;

    ProvisiondPair(Path home, Path work) throws IOException {
      this.home = home;
      this.dhcpPort = freePort();
      int failoverPort = freePort();
      secondaryConfig =
          config(work, "secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort);
      primaryConfig = config(work, "primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort);
    }

    @Override
    public void start() throws Exception {
      secondary = FailoverTakeover.start(home, secondaryConfig);
      primary = FailoverTakeover.start(home, primaryConfig);
      String secret = ctl(home, secondaryConfig, "failover", "secret").strip();
      ctl(home, primaryConfig, "failover", "init", "--peer", SECONDARY, "--secret", secret);
      while (!ctl(home, secondaryConfig, "failover", "status").contains("state      NORMAL")
          || !ctl(home, primaryConfig, "failover", "status").contains("state      NORMAL")) {
        TimeUnit.MILLISECONDS.sleep(100); // polling a child process, not a test wait
      }
    }

    @Override
    public int dhcpPort() {
      return dhcpPort;
    }

    @Override
    public long primaryPid() {
      return primary.pid();
    }

    @Override
    public void stop() throws Exception {
      for (Process p : new Process[] {primary, secondary}) {
        if (p != null) {
          signal("-CONT", p.pid());
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** ISC Kea's hot-standby pair, started by ../shared/bench/kea-ha-pair.sh on port 67. */
  static final class KeaPair implements Pair {
    private final Path script;
    private final Path work;
    private final boolean tuned;

    KeaPair(Path sharedBench, Path work, boolean tuned) {
      this.script = sharedBench.resolve("kea-ha-pair.sh");
      this.work = work;
      this.tuned = tuned;
    }

    @Override
    public void start() throws Exception {
      List<String> command = new ArrayList<>(List.of(script.toString(), work.toString()));
      if (tuned) {
        command.addAll(
            List.of("heartbeat-delay=1000", "max-response-delay=2000", "max-unacked-clients=0"));
      }
      Process p = new ProcessBuilder(command).inheritIO().start();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kea-ha-pair.sh failed");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90); // defaults: about 31 s
      Path log = work.resolve("server1.log");
      while (!(Files.exists(log) && Files.readString(log).contains("to HOT-STANDBY"))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kea's pair did not form within 90 s: see " + work);
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling a child process
      }
    }

    @Override
    public int dhcpPort() {
      return 67;
    }

    @Override
    public long primaryPid() {
      return pid(1);
    }

    private long pid(int server) {
      try {
        return Long.parseLong(Files.readString(work.resolve("server" + server + ".pid")).strip());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void stop() throws Exception {
      for (int server : new int[] {1, 2}) {
        if (Files.exists(work.resolve("server" + server + ".pid"))) {
          signal("-CONT", pid(server));
          signal("-KILL", pid(server));
        }
      }
    }
  }

  /** The secs field grows with the time since the first DISCOVER, as a retrying client's would. */
  static void discover(DatagramSocket relay, DhcpEncoder encoder, int port, int xid, long first)
      throws IOException {
    DhcpMessage m =
        DhcpMessage.builder()
            .op(BootOp.BOOTREQUEST)
            .clientHardwareAddress(
                HardwareAddress.of(
                    HardwareType.ETHERNET,
                    new byte[] {2, 9, 0, (byte) (xid >>> 16), (byte) (xid >>> 8), (byte) xid}))
            .transactionId(xid)
            .hops(1)
            .secondsElapsed(
                (int) Math.min(65_535, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - first)))
            .relayAgentAddress(RELAY)
            .messageType(DhcpMessageType.DISCOVER)
            .options(DhcpOptions.builder().build())
            .build();
    byte[] bytes = encoder.encode(m);
    for (String server : List.of(PRIMARY, SECONDARY)) {
      relay.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress(server, port)));
    }
  }

  /** Reads replies until the socket is quiet; returns who sent the last OFFER, or null. */
  static String drain(DatagramSocket relay, DhcpDecoder decoder) throws IOException {
    byte[] buffer = new byte[1500];
    String from = null;
    while (true) {
      DatagramPacket p = new DatagramPacket(buffer, buffer.length);
      try {
        relay.receive(p);
      } catch (SocketTimeoutException e) {
        return from;
      }
      if (decoder.decode(buffer, 0, p.getLength()).messageType() == DhcpMessageType.OFFER) {
        from = p.getAddress().getHostAddress();
        if (SECONDARY.equals(from)) {
          return from;
        }
      }
    }
  }

  static Process start(Path home, Path config) throws Exception {
    Process p =
        new ProcessBuilder(home.resolve("bin/provisiond").toString(), "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(config.resolveSibling("provisiond.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        ctl(home, config, "status");
        return p;
      } catch (IllegalStateException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("provisiond did not start: see " + config.getParent());
        }
        TimeUnit.MILLISECONDS.sleep(200); // polling a child process
      }
    }
  }

  static String ctl(Path home, Path config, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/provisionctl").toString());
    command.add("--config");
    command.add(config.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("ctl", ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", args) + ": " + Files.readString(out));
    }
    return Files.readString(out);
  }

  static Path config(Path work, String name, int id, String address, String role, int dhcpPort, int fo)
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
            - subnet: 127.16.0.0/16
              relays: [127.0.0.2]
              pools: [{range: 127.16.0.10-127.16.255.250}]
        failover: {role: %s, listen: %s, port: %d, heartbeatMillis: 50, deadAfterMillis: 300}
        """
            .formatted(
                name, id, dir.resolve("data"), address, freePort(), address, dhcpPort, address, role,
                address, fo));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
