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
 * Times failover takeover of a packaged pair: from the moment the primary is killed (-9) or stopped
 * (SIGSTOP) to the first DHCP reply from the secondary, with a relay sending DISCOVERs to both
 * every 5 ms. Run through failover-takeover.sh.
 */
public final class FailoverTakeover {
  static final String PRIMARY = "127.0.0.1";
  static final String SECONDARY = "127.0.0.3";
  static final Ipv4Address RELAY = Ipv4Address.parse("127.0.0.2");

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    String mode = args[1];
    int rounds = Integer.parseInt(args[2]);
    List<Long> micros = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      micros.add(round(home, mode, round));
      System.out.printf("round %d: %.1f ms%n", round, micros.get(round) / 1000.0);
    }
    Collections.sort(micros);
    System.out.printf(
        "%s takeover over %d rounds: min %.1f ms, median %.1f ms, max %.1f ms%n",
        mode,
        rounds,
        micros.get(0) / 1000.0,
        micros.get(micros.size() / 2) / 1000.0,
        micros.get(micros.size() - 1) / 1000.0);
  }

  static long round(Path home, String mode, int round) throws Exception {
    Path work = Files.createTempDirectory("failover-bench");
    int dhcpPort = freePort();
    int failoverPort = freePort();
    Path secondaryConfig = config(work, "secondary", 2, SECONDARY, "secondary", dhcpPort, failoverPort);
    Path primaryConfig = config(work, "primary", 1, PRIMARY, "standalone", dhcpPort, failoverPort);
    Process secondary = start(home, secondaryConfig);
    Process primary = start(home, primaryConfig);
    try {
      String secret = ctl(home, secondaryConfig, "failover", "secret").strip();
      ctl(home, primaryConfig, "failover", "init", "--peer", SECONDARY, "--secret", secret);
      while (!ctl(home, secondaryConfig, "failover", "status").contains("state      NORMAL")
          || !ctl(home, primaryConfig, "failover", "status").contains("state      NORMAL")) {
        TimeUnit.MILLISECONDS.sleep(100); // polling a child process, not a test wait
      }
      try (DatagramSocket relay =
          new DatagramSocket(new InetSocketAddress(RELAY.toInetAddress(), dhcpPort))) {
        relay.setSoTimeout(5);
        DhcpEncoder encoder = new DhcpEncoder();
        DhcpDecoder decoder = new DhcpDecoder();
        int xid = round * 1_000_000;
        for (int i = 0; i < 200; i++) { // warm-up under load: the primary answers
          discover(relay, encoder, dhcpPort, xid++);
          drain(relay, decoder);
        }
        long lost;
        if (mode.equals("kill")) {
          lost = System.nanoTime();
          primary.destroyForcibly();
        } else {
          new ProcessBuilder("kill", "-STOP", Long.toString(primary.pid())).start().waitFor();
          lost = System.nanoTime();
        }
        while (System.nanoTime() - lost < TimeUnit.SECONDS.toNanos(30)) {
          discover(relay, encoder, dhcpPort, xid++);
          String from = drain(relay, decoder);
          if (SECONDARY.equals(from)) {
            return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - lost);
          }
        }
        throw new IllegalStateException("the secondary did not answer within 30 s");
      }
    } finally {
      for (Process p : List.of(primary, secondary)) {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor();
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static void discover(DatagramSocket relay, DhcpEncoder encoder, int port, int xid)
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
