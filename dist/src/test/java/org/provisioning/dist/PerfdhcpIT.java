package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dist.Distribution.Result;

/**
 * The packaged provisiond under ISC perfdhcp, relayed, on loopback as ../shared/bench/dhcp-rate.sh
 * drives it: the server on 127.0.0.1:67, perfdhcp the relay at 127.0.0.2 (giaddr), the pool inside
 * 127.0.0.0/8. It runs in a network namespace of its own, so a benchmark someone else runs on the
 * host's 127.0.0.1:67 meanwhile cannot answer in its place. A bounded load (2,000 clients at
 * 500/s), not a benchmark: it proves full 4-way exchanges, unique addresses, and that every ACK
 * stands for a durable lease the API lists, even after {@code kill -9}. Needs root, ip and perfdhcp
 * (.ci/run installs them); a missing one fails the test.
 */
class PerfdhcpIT {
  private static final int CLIENTS = 2000;
  private static final Ipv4Address POOL_FIRST = Ipv4Address.parse("127.16.0.10");
  private static final Ipv4Address POOL_LAST = Ipv4Address.parse("127.16.255.250");

  @TempDir Path dir;
  private NetworkNamespaces namespaces;
  private NamespacedProvisiond server;

  @AfterEach
  void stopServerAndDeleteNamespace() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (namespaces != null) {
        namespaces.close();
      }
    }
  }

  @Test
  void everyExchangePerfdhcpCompletesEndsInAUniqueLeaseTheApiListsEvenAfterKillDashNine()
      throws Exception {
    HostTools.requireRoot();
    String ip = HostTools.require("ip", "iproute2");
    String perfdhcp = HostTools.require("perfdhcp", "kea-admin");
    namespaces = new NetworkNamespaces(ip, "pperf");
    String namespace = namespaces.create("loopback");
    namespaces.ip(namespace, "addr", "add", "127.0.0.2/8", "dev", "lo");
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
                .formatted(dir.resolve("data"), POOL_FIRST, POOL_LAST));
    server = new NamespacedProvisiond(namespaces, namespace, config, dir.resolve("server.log"));
    server.start();

    // -R: distinct clients (perfdhcp numbers their MACs in order); -W: wait 2 s for late replies;
    // -u: count an address given twice; -x l: list the leases it got.
    Result run =
        HostTools.run(
            Duration.ofSeconds(90),
            namespaces.exec(
                namespace,
                perfdhcp,
                "-4",
                "-l",
                "127.0.0.2",
                "-r",
                "500",
                "-n",
                String.valueOf(CLIENTS),
                "-R",
                "1000000",
                "-W",
                "2000000",
                "-u",
                "-x",
                "l",
                "127.0.0.1"));
    String out = run.out() + run.err();
    Exchange discoverOffer = Exchange.parse(out, "DISCOVER-OFFER");
    Exchange requestAck = Exchange.parse(out, "REQUEST-ACK");
    assertTrue(discoverOffer.sent() >= CLIENTS, out);
    assertEquals(discoverOffer.received(), requestAck.sent(), out);
    // Near zero: a drop is a reply later than perfdhcp's 1 s; on a shared machine allow 0.5 %.
    assertTrue(discoverOffer.drops() * 200 <= discoverOffer.sent(), out);
    assertTrue(requestAck.drops() * 200 <= requestAck.sent(), out);
    for (Exchange exchange : List.of(discoverOffer, requestAck)) {
      assertEquals(0, exchange.nonUnique(), () -> "addresses given twice:\n" + out);
      assertEquals(0, exchange.rejected(), () -> "leases perfdhcp rejected:\n" + out);
    }
    Map<String, String> acked = ackedLeasesByMac(out);
    assertEquals(requestAck.received(), acked.size(), out);

    Map<String, String> bound = server.boundLeasesByMac();
    for (Map.Entry<String, String> lease : acked.entrySet()) {
      assertEquals(
          lease.getValue(), bound.get(lease.getKey()), "the API's lease of " + lease.getKey());
    }
    // An ACK that arrived after perfdhcp's timeout is a lease it did not count: at most one lease
    // per client perfdhcp used, one per ACK the server sent.
    assertTrue(bound.size() <= discoverOffer.sent(), bound.size() + " leases");
    assertEquals(server.dhcpStats().get("dhcp.sent.ack"), String.valueOf(bound.size()));
    assertEquals(bound.size(), new HashSet<>(bound.values()).size(), "addresses unique");
    for (String address : bound.values()) {
      Ipv4Address a = Ipv4Address.parse(address);
      assertTrue(a.compareTo(POOL_FIRST) >= 0 && a.compareTo(POOL_LAST) <= 0, address);
    }

    // Every ACK left after its lease was fsynced: a crash loses none of them.
    server.kill();
    server.start();
    assertEquals(bound, server.boundLeasesByMac(), "bound leases after kill -9 and restart");
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
