package org.provisioning.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dist.RelayedPerfdhcp.Exchange;

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
  private static final Ipv4Address POOL_FIRST = RelayedPerfdhcp.POOL_FIRST;
  private static final Ipv4Address POOL_LAST = RelayedPerfdhcp.POOL_LAST;

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
    namespaces = new NetworkNamespaces(HostTools.require("ip", "iproute2"), "pperf");
    RelayedPerfdhcp perfdhcp = RelayedPerfdhcp.in(namespaces);
    server = perfdhcp.server(dir, dir.resolve("data"));
    server.start();

    String out = perfdhcp.run("-r", "500", "-n", String.valueOf(CLIENTS));
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
    Map<String, String> acked = RelayedPerfdhcp.ackedLeasesByMac(out);
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
}
