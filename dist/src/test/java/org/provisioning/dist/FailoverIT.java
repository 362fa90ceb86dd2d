package org.provisioning.dist;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.FailoverLink;
import org.provisioning.dhcp.failover.PairingSecret;
import org.provisioning.dhcp.message.DhcpMessageType;
import org.provisioning.dist.Distribution.Result;
import org.provisioning.dist.DualRelay.Ack;
import org.provisioning.dist.ProvisiondPair.Server;

/**
 * Two packaged provisiond processes paired through provisionctl (127.0.0.1 primary, 127.0.0.3
 * secondary), driven by a relay that sends every request to both, as a CMTS with two helper
 * addresses does ({@link DualRelay}). The primary is killed (-9) or stopped (SIGSTOP) under load:
 * the secondary must answer, and hold every lease the primary acknowledged. The pair is set up by
 * {@link ProvisiondPair}, which the soak benchmark ({@link FailoverSoak}) shares.
 */
class FailoverIT {
  private static final String PRIMARY = ProvisiondPair.PRIMARY;
  private static final String SECONDARY = ProvisiondPair.SECONDARY;

  @TempDir Path dir;
  private ProvisiondPair pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  /** Starts both, pairs them the way an operator does, and waits for NORMAL on both sides. */
  private ProvisiondPair pair(String subnets, boolean throughLink) throws Exception {
    pair = ProvisiondPair.start(dir, subnets, throughLink);
    String secret = pair.secondary().ctl("failover", "secret").out().strip();
    String fingerprint = "fingerprint=" + PairingSecret.fingerprint(secret);
    String secondaryLog = Files.readString(pair.secondary().log());
    String primaryLog = Files.readString(pair.primary().log());
    assertTrue(secondaryLog.contains("FAILOVER_PAIRING_SECRET " + fingerprint), secondaryLog);
    assertTrue(primaryLog.contains("FAILOVER_PAIRED " + fingerprint), "the same on the primary");
    assertFalse(secondaryLog.contains(secret) || primaryLog.contains(secret), "never the secret");
    return pair;
  }

  @Test
  void afterKillDashNineTheSecondaryServesWithEveryAckedLeaseAndThePrimaryReturns()
      throws Exception {
    survivesTheLossOfThePrimary(false);
  }

  @Test
  void afterSigstopTheSecondaryServesWithEveryAckedLeaseAndThePrimaryResumes() throws Exception {
    survivesTheLossOfThePrimary(true);
  }

  private void survivesTheLossOfThePrimary(boolean sigstop) throws Exception {
    ProvisiondPair pair = pair(ProvisiondPair.ONE_BIG_POOL, false);
    Server primary = pair.primary();
    Server secondary = pair.secondary();
    Map<Integer, Ack> acked = new LinkedHashMap<>();
    Ack fromSecondary = null;
    int n = 0;
    try (DualRelay relay = new DualRelay(pair.dhcpPort())) {
      while (acked.size() < 40) {
        Ack ack = relay.bind(n++, 2_000);
        if (ack != null) {
          acked.put(ack.client(), ack);
        }
      }
      if (sigstop) {
        primary.pause();
      } else {
        primary.kill();
      }
      long lostAt = System.nanoTime();
      while (fromSecondary == null && System.nanoTime() - lostAt < SECONDS.toNanos(5)) {
        Ack ack = relay.bind(n++, 500);
        if (ack != null && ack.server().equals(SECONDARY)) {
          fromSecondary = ack;
        }
      }
      assertTrue(fromSecondary != null, "the secondary answered within 5 s");
      assertEquals("PARTNER_DOWN", secondary.state());
    }
    // The operator changes the config on the secondary while it serves alone.
    String running = secondary.ctl("config", "get").out();
    assertTrue(running.contains("leaseTime: 3600"), running);
    Path changed = dir.resolve("changed-on-secondary.yaml");
    Files.writeString(changed, running.replace("leaseTime: 3600", "leaseTime: 7200"));
    Result set = secondary.ctl("config", "set", changed.toString());
    assertEquals(0, set.exit(), set.out() + set.err());

    JsonNode leases = secondary.api("/leases?state=bound&limit=5000");
    Map<String, String> macByAddress = new HashMap<>();
    for (JsonNode lease : leases.path("leases")) {
      macByAddress.put(lease.path("ip").asText(), lease.path("mac").asText());
    }
    int fromPrimary = 0;
    for (Ack ack : acked.values()) {
      if (ack.server().equals(PRIMARY)) {
        fromPrimary++;
        assertEquals(
            DualRelay.macText(ack.client()),
            macByAddress.get(ack.address().toString()),
            "the primary acknowledged " + ack.address() + " to client " + ack.client());
      }
    }
    assertTrue(fromPrimary >= 40, "the primary served before it was lost: " + fromPrimary);
    assertFalse(macByAddress.isEmpty());

    // The primary comes back (resumed, or restarted on its journal): it learns the lease the
    // secondary made meanwhile, then takes its role back.
    if (sigstop) {
      primary.resume();
    } else {
      primary.start();
    }
    pair.awaitNormal(Duration.ofSeconds(20));
    await()
        .atMost(10, SECONDS)
        .until(
            () -> primary.api("/config").path("config").path("dhcp").path("leaseTime").asInt(),
            leaseTime -> leaseTime == 7200);
    Ack madeMeanwhile = fromSecondary;
    JsonNode onPrimary = primary.api("/leases?ip=" + madeMeanwhile.address() + "&state=bound");
    assertEquals(
        DualRelay.macText(madeMeanwhile.client()),
        onPrimary.path("leases").path(0).path("mac").asText(),
        "the primary learned the secondary's lease: " + onPrimary);
    try (DualRelay relay = new DualRelay(pair.dhcpPort())) {
      Ack after = null;
      long deadline = System.nanoTime() + SECONDS.toNanos(5);
      while (after == null && System.nanoTime() < deadline) {
        after = relay.bind(n++, 1_000);
      }
      assertTrue(after != null && after.server().equals(PRIMARY), "the primary serves again");
    }
  }

  /** Subnet A (relay 127.0.0.2) has 20 addresses, subnet B (relay 127.0.0.4) 10. */
  private static final String TWO_SMALL_POOLS =
      """
          - subnet: 127.16.0.0/16
            relays: [127.0.0.2]
            pools: [{range: 127.16.0.10-127.16.0.29}]
          - subnet: 127.17.0.0/16
            relays: [127.0.0.4]
            pools: [{range: 127.17.0.10-127.17.0.19}]
      """;

  private static final Ipv4Address RELAY_B = Ipv4Address.parse("127.0.0.4");

  /**
   * Only the failover link is cut (a {@link FailoverLink} carries it; the DHCP sockets stay
   * reachable): each server gets relayed DHCP traffic and serves alone, the primary bottom-up, the
   * secondary top-down.
   *
   * <ul>
   *   <li>Subnet A filled to 60 % during the cut: after the heal no address is bound to two
   *       clients, no conflict is counted, and both servers hold the same twelve leases.
   *   <li>Subnet B filled to 100 % during a second cut (twelve clients, ten addresses): after the
   *       heal the two addresses both servers gave away are found as conflicts, counted (failover
   *       status, stats, alerts naming exactly those two addresses) and resolved the same way on
   *       both servers (the earlier grant keeps the address); the losers are NAKed.
   * </ul>
   */
  @Test
  void aCutFailoverLinkLeavesNoAddressBoundTwiceAndSettlesTheConflictsOfAFullPool()
      throws Exception {
    ProvisiondPair pair = pair(TWO_SMALL_POOLS, true);
    Server primary = pair.primary();
    Server secondary = pair.secondary();
    FailoverLink link = pair.link();
    // The pairing's sync shows in the status, through the API and provisionctl.
    JsonNode received = secondary.api("/failover").path("sync").path("receiving");
    assertEquals("snapshot", received.path("kind").asText(), received.toString());
    assertEquals("done", received.path("state").asText(), received.toString());
    Result ctlStatus = secondary.ctl("failover", "status");
    assertTrue(ctlStatus.out().contains("sync       receiving snapshot"), ctlStatus.out());

    // Subnet A at 60 %: two clients before the cut, five on each side during it.
    Map<Integer, Ack> subnetA = new LinkedHashMap<>();
    try (DualRelay relay = new DualRelay(pair.dhcpPort())) {
      for (int n = 1000; n < 1002; n++) {
        subnetA.put(n, acked(relay.bind(n, 2_000), PRIMARY));
      }
      cut(pair);
      for (int n = 1002; n < 1007; n++) {
        subnetA.put(n, acked(relay.bindVia(PRIMARY, n, 2_000), PRIMARY));
      }
      for (int n = 1007; n < 1012; n++) {
        subnetA.put(n, acked(relay.bindVia(SECONDARY, n, 2_000), SECONDARY));
      }
    }
    assertEquals(12, subnetA.values().stream().map(Ack::address).distinct().count());
    heal(pair);
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Map<String, String> onPrimary = bound(primary, "127.16.");
              assertEquals(onPrimary, bound(secondary, "127.16."), "the same on both");
              assertEquals(12, onPrimary.size());
              for (Ack ack : subnetA.values()) {
                assertEquals(
                    DualRelay.macText(ack.client()), onPrimary.get(ack.address().toString()));
              }
            });
    assertEquals(0, primary.api("/failover").path("conflicts").asLong(), "no conflict");
    assertEquals(0, secondary.api("/failover").path("conflicts").asLong(), "no conflict");

    // Subnet B at 100 %: six clients on each side of a second cut, for ten addresses. The
    // secondary (top-down from .19) grants first, so where the two meet (.15, .14) its clients
    // hold the earlier grants.
    Map<Integer, Ack> subnetB = new LinkedHashMap<>();
    cut(pair);
    try (DualRelay relay = new DualRelay(pair.dhcpPort(), RELAY_B)) {
      for (int n = 2000; n < 2006; n++) {
        subnetB.put(n, acked(relay.bindVia(SECONDARY, n, 2_000), SECONDARY));
      }
      for (int n = 2006; n < 2012; n++) {
        subnetB.put(n, acked(relay.bindVia(PRIMARY, n, 2_000), PRIMARY));
      }
    }
    Map<String, List<Ack>> byAddress = new TreeMap<>();
    subnetB
        .values()
        .forEach(
            a -> byAddress.computeIfAbsent(a.address().toString(), k -> new ArrayList<>()).add(a));
    assertEquals(10, byAddress.size(), "the pool is full");
    Set<String> givenTwice = new TreeSet<>();
    byAddress.forEach(
        (address, acks) -> {
          if (acks.size() > 1) {
            givenTwice.add(address);
          }
        });
    assertEquals(Set.of("127.17.0.14", "127.17.0.15"), givenTwice);

    heal(pair);
    await()
        .atMost(10, SECONDS)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Map<String, String> onPrimary = bound(primary, "127.17.");
              assertEquals(onPrimary, bound(secondary, "127.17."), "the same on both");
              assertEquals(10, onPrimary.size());
              assertEquals(10, new HashSet<>(onPrimary.values()).size());
              byAddress.forEach(
                  (address, acks) ->
                      assertEquals(
                          DualRelay.macText(acks.get(0).client()), // the earlier grant
                          onPrimary.get(address),
                          address));
            });
    for (Server server : new Server[] {primary, secondary}) {
      JsonNode status = server.api("/failover");
      assertTrue(status.path("conflicts").asLong() >= 2, status.toString());
      assertEquals(
          status.path("conflicts").asLong(),
          server.api("/stats?prefix=failover.conflicts").path("failover.conflicts").asLong());
      Set<String> alerted = new TreeSet<>();
      for (JsonNode alert : server.api("/alerts").path("history")) {
        if (alert.path("event").asText().equals("FAILOVER_LEASE_CONFLICT")) {
          alerted.add(alert.path("object").asText());
        }
      }
      assertEquals(givenTwice, alerted, "alerted for exactly the addresses given twice");
    }
    // Each server refused the other's record for the two addresses (the conflict rule), in
    // contact: a partner that answers but refuses records is not a dead partner.
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      assertEquals("NORMAL", primary.state(), "no takeover after refused records");
      assertEquals("NORMAL", secondary.state(), "no takeover after refused records");
      Thread.sleep(100);
    }
    try (DualRelay relay = new DualRelay(pair.dhcpPort(), RELAY_B)) {
      for (String address : givenTwice) {
        Ack loser = byAddress.get(address).get(1);
        assertEquals(
            DhcpMessageType.NAK,
            relay.reboot(loser.client(), loser.address(), 2_000),
            "the losing client of " + address + " is NAKed at its next renewal");
      }
    }
    assertTrue(link.dropped() > 0);
  }

  private static Ack acked(Ack ack, String by) {
    assertTrue(ack != null, "a client went unanswered while the link was cut");
    assertEquals(by, ack.server());
    return ack;
  }

  /** The bound leases a server shows through its API, address to MAC, for addresses so prefixed. */
  private static Map<String, String> bound(Server server, String prefix) throws Exception {
    Map<String, String> macByAddress = new TreeMap<>();
    for (JsonNode lease : server.api("/leases?state=bound&limit=5000").path("leases")) {
      String ip = lease.path("ip").asText();
      if (ip.startsWith(prefix)) {
        assertEquals(null, macByAddress.put(ip, lease.path("mac").asText()), "one lease per " + ip);
      }
    }
    return macByAddress;
  }

  /** Cuts the failover link and waits until both servers serve alone. */
  private static void cut(ProvisiondPair pair) {
    pair.link().cut();
    pair.awaitStates("PARTNER_DOWN", Duration.ofSeconds(5));
  }

  private static void heal(ProvisiondPair pair) {
    pair.link().heal();
    pair.awaitNormal(Duration.ofSeconds(15));
  }
}
