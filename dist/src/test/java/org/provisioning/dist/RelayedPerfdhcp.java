package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dist.Distribution.Result;

/**
 * ISC perfdhcp in front of the packaged provisiond as ../shared/bench/dhcp-rate.sh drives it: in a
 * network namespace of the test's own, whose loopback holds the server's 127.0.0.1:67 and the relay
 * 127.0.0.2 (giaddr) that perfdhcp acts as, so that no other process's 127.0.0.1:67 can answer in
 * the server's place; one pool inside 127.0.0.0/8. What PerfdhcpIT and JournalFailureIT share.
 */
final class RelayedPerfdhcp {
  static final Ipv4Address POOL_FIRST = Ipv4Address.parse("127.16.0.10");
  static final Ipv4Address POOL_LAST = Ipv4Address.parse("127.16.255.250");

  private final NetworkNamespaces namespaces;
  private final String namespace;
  private final String perfdhcp;

  private RelayedPerfdhcp(NetworkNamespaces namespaces, String namespace, String perfdhcp) {
    this.namespaces = namespaces;
    this.namespace = namespace;
    this.perfdhcp = perfdhcp;
  }

  /** Creates the namespace (in {@code namespaces}, which deletes it) and its relay address. */
  static RelayedPerfdhcp in(NetworkNamespaces namespaces) throws IOException, InterruptedException {
    String perfdhcp = HostTools.require("perfdhcp", "kea-admin");
    String namespace = namespaces.create("loopback");
    namespaces.ip(namespace, "addr", "add", "127.0.0.2/8", "dev", "lo");
    return new RelayedPerfdhcp(namespaces, namespace, perfdhcp);
  }

  /** The packaged server there (not started), its config and log in {@code dir}. */
  NamespacedProvisiond server(Path dir, Path dataDir) throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("provisiond.yaml"),
            """
            server: {name: perf, dataDir: %s}
            dhcp:
              enabled: true
              listen: 127.0.0.1
              port: 67
              serverIdentifier: 127.0.0.1
              subnets:
                - subnet: 127.16.0.0/16
                  relays: [127.0.0.2]
                  pools:
                    - {name: perf, range: %s-%s}
            """
                .formatted(dataDir, POOL_FIRST, POOL_LAST));
    return new NamespacedProvisiond(namespaces, namespace, config, dir.resolve("server.log"));
  }

  /**
   * Runs perfdhcp (bounded: 90 s) with {@code load} (its rate and length: {@code -r 500 -n 2000})
   * and returns everything it printed. -R: distinct clients (perfdhcp numbers their MACs in order);
   * -W: wait 2 s for late replies; -u: count an address given twice; -x l: list the leases it got.
   */
  String run(String... load) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(perfdhcp, "-4", "-l", "127.0.0.2"));
    command.addAll(List.of(load));
    command.addAll(List.of("-R", "1000000", "-W", "2000000", "-u", "-x", "l", "127.0.0.1"));
    Result run =
        HostTools.run(
            Duration.ofSeconds(90), namespaces.exec(namespace, command.toArray(String[]::new)));
    return run.out() + run.err();
  }

  /** One perfdhcp statistics block. */
  record Exchange(long sent, long received, long drops, long nonUnique, long rejected) {

    static Exchange parse(String out, String name) {
      int start = out.indexOf("***Statistics for: " + name + "***");
      assertTrue(start >= 0, () -> "no " + name + " statistics in perfdhcp's output:\n" + out);
      int end = out.indexOf("***", start + 20 + name.length());
      String block = out.substring(start, end < 0 ? out.length() : end);
      return new Exchange(
          number(block, "sent packets"),
          number(block, "received packets"),
          number(block, "drops"),
          number(block, "non unique addresses"),
          number(block, "rejected leases"));
    }

    private static long number(String block, String label) {
      Matcher m = Pattern.compile("(?m)^" + label + ": (\\d+)$").matcher(block);
      assertTrue(m.find(), () -> "no '" + label + "' in:\n" + block);
      return Long.parseLong(m.group(1));
    }
  }

  /** perfdhcp's "Leases for REQUEST-ACK" list (client id 01+MAC, address): MAC to address. */
  static Map<String, String> ackedLeasesByMac(String out) {
    int start = out.indexOf("***Leases for REQUEST-ACK***");
    assertTrue(start >= 0, () -> "perfdhcp listed no leases (-x l):\n" + out);
    Map<String, String> leases = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^01((?:[0-9a-f]{2}){6}),([0-9.]+),").matcher(out.substring(start));
    while (m.find()) {
      String mac = m.group(1).replaceAll("(..)(?!$)", "$1:");
      String previous = leases.put(mac, m.group(2));
      assertTrue(previous == null, () -> "perfdhcp listed two leases of " + mac);
    }
    return leases;
  }
}
