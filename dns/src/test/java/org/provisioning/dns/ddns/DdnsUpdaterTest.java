package org.provisioning.dns.ddns;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.alert.AlertCenter;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DdnsConfig;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.lease.LeaseState;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.engine.DnsEngine;
import org.provisioning.dns.engine.DnsStatistics;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsZones;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** Lease records in, zone data out, on the updater's own thread. */
class DdnsUpdaterTest {
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private volatile DnsConfig config;
  private volatile DnsZones zones;
  private final DdnsUpdater updater;
  private final DnsEngine engine;

  DdnsUpdaterTest() throws Exception {
    config = config("cm-{mac}");
    zones = DnsZones.fromConfig(config, Clock.systemUTC());
    engine =
        new DnsEngine(
            () -> zones,
            () -> {
              try {
                return new DnsKeys(config.keys(), Clock.systemUTC());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            new DnsStatistics(stats),
            1232);
    updater =
        new DdnsUpdater(
            () -> config,
            () -> zones,
            engine.updates(),
            () -> true,
            stats,
            new AlertCenter(Clock.systemUTC(), 100));
  }

  /** The zones, DDNS on, cable modems named by {@code modemPattern}. */
  private static DnsConfig config(String modemPattern) throws Exception {
    return new ConfigCodec()
        .parse(
            """
            dns:
              enabled: true
              port: 1053
              zones:
                - {name: cable.example.net, nameServers: [ns1.cable.example.net]}
                - {name: 16.127.in-addr.arpa, nameServers: [ns1.cable.example.net]}
              ddns:
                enabled: true
                forwardZone: cable.example.net
                classPatterns: {cable-modem: "%s"}
            """
                .formatted(modemPattern))
        .dns();
  }

  @AfterEach
  void close() {
    updater.close();
  }

  private static LeaseRecord lease(
      String address, int mac, String host, String cls, LeaseState state) {
    return new LeaseRecord(
        Ipv4Address.parse(address),
        1,
        new byte[] {0, 0x11, 0x22, 0, 0, (byte) mac},
        null,
        state,
        0,
        Long.MAX_VALUE,
        1,
        host,
        cls,
        null,
        null);
  }

  private void publish(LeaseRecord lease) {
    updater.onDurable(new BusRecord(1, 1, 0, RecordType.LEASE, lease.encode()));
  }

  private RRset find(String name, int type) throws Exception {
    Name n = Name.fromString(name);
    return zones.find(n).orElseThrow().data().findExactMatch(n, type);
  }

  private void settled() {
    await().atMost(Duration.ofSeconds(5)).until(() -> updater.queueDepth() == 0);
  }

  /**
   * The reverse zone's primary is the operator's server, silent at first: the names of the zone
   * served here are all in place at once (the start-up hold on its negative answers waits for
   * nothing else), and each lease's PTR reaches the primary once it answers, as does the PTR's
   * removal at release. A silent primary used to hold every lease change 2 s a try on the one DDNS
   * thread, and a claim retried and answered never got its PTR.
   */
  @Test
  void aSilentExternalPrimaryDelaysNoOtherZoneAndGetsEveryChangeOnceItAnswers() throws Exception {
    try (FakePrimary primary = new FakePrimary(1)) {
      DnsConfig withPrimary =
          new ConfigCodec()
              .parse(
                  """
                  dns:
                    enabled: true
                    port: 1053
                    zones:
                      - {name: cable.example.net, nameServers: [ns1.cable.example.net]}
                      - {name: 16.127.in-addr.arpa, primary: {address: 127.0.0.1, port: %d}}
                    ddns:
                      enabled: true
                      forwardZone: cable.example.net
                  """
                      .formatted(primary.port()))
              .dns();
      zones = DnsZones.fromConfig(withPrimary, Clock.systemUTC());
      AlertCenter alerts = new AlertCenter(Clock.systemUTC(), 100);
      DdnsUpdater updater =
          new DdnsUpdater(
              () -> withPrimary, () -> zones, engine.updates(), () -> true, stats, alerts);
      try {
        updater.setFirstRetry(Duration.ofMillis(50));
        List<LeaseRecord> bound = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
          bound.add(lease("127.16.0." + i, i, "host" + i, "", LeaseState.BOUND));
        }
        updater.rebuild(bound).get(1, java.util.concurrent.TimeUnit.SECONDS);
        for (int i = 1; i <= 5; i++) {
          assertEquals(
              "127.16.0." + i,
              find("host" + i + ".cable.example.net.", Type.A).first().rdataToString());
        }

        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> primary.changed(Type.PTR, DClass.IN).size() == 5);
        assertEquals(
            java.util.Set.of(
                "1.0.16.127.in-addr.arpa.",
                "2.0.16.127.in-addr.arpa.",
                "3.0.16.127.in-addr.arpa.",
                "4.0.16.127.in-addr.arpa.",
                "5.0.16.127.in-addr.arpa."),
            new java.util.HashSet<>(primary.changed(Type.PTR, DClass.IN)));
        assertEquals(1, stats.counter("dns.ddns.retried").get());

        updater.onDurable(
            new BusRecord(
                1,
                2,
                0,
                RecordType.LEASE,
                lease("127.16.0.1", 1, "host1", "", LeaseState.RELEASED).encode()));
        await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () ->
                    java.util.Collections.frequency(
                            primary.changed(Type.PTR, DClass.ANY), "1.0.16.127.in-addr.arpa.")
                        == 2); // the PTR's replacement when bound, then its removal
        await().atMost(Duration.ofSeconds(5)).until(() -> updater.queueDepth() == 0);
        assertNull(find("host1.cable.example.net.", Type.A));
        assertTrue(alerts.active().isEmpty());
      } finally {
        updater.close();
      }
    }
  }

  private static final String PRIMARY_SECRET = "cHJpbWFyeS1wcmltYXJ5LXByaW1hcnktcHJpbWFyeQ==";

  /**
   * One lease bound while the reverse zone's primary is {@code primary}, updates to it signed with
   * {@code primary-key} if {@code signed}, retries 1 ms apart: the alerts once the change is done
   * or given up.
   */
  private AlertCenter bindOneLease(FakePrimary primary, boolean signed) throws Exception {
    DnsConfig withPrimary =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  port: 1053
                  keys:
                    - {name: primary-key, secret: %s}
                  zones:
                    - {name: cable.example.net, nameServers: [ns1.cable.example.net]}
                    - {name: 16.127.in-addr.arpa, primary: {address: 127.0.0.1, port: %d%s}}
                  ddns:
                    enabled: true
                    forwardZone: cable.example.net
                """
                    .formatted(PRIMARY_SECRET, primary.port(), signed ? ", key: primary-key" : ""))
            .dns();
    zones = DnsZones.fromConfig(withPrimary, Clock.systemUTC());
    AlertCenter alerts = new AlertCenter(Clock.systemUTC(), 100);
    DdnsUpdater updater =
        new DdnsUpdater(
            () -> withPrimary, () -> zones, engine.updates(), () -> true, stats, alerts);
    try {
      updater.setFirstRetry(Duration.ofMillis(1));
      updater.onDurable(
          new BusRecord(
              1,
              1,
              0,
              RecordType.LEASE,
              lease("127.16.0.1", 1, "host1", "", LeaseState.BOUND).encode()));
      await().atMost(Duration.ofSeconds(10)).until(() -> updater.queueDepth() == 0);
      return alerts;
    } finally {
      updater.close();
    }
  }

  private static boolean failedAlert(AlertCenter alerts) {
    return alerts.active().stream()
        .anyMatch(alert -> alert.type().equals(DnsAlerts.DDNS_UPDATE_FAILED));
  }

  /**
   * A reply to a signed update counts only if the primary's TSIG on it verifies (RFC 8945 section
   * 5.4): an unsigned one, or one signed with another key, is discarded as if none came, retried
   * and alerted. dnsjava's resolver only logs such a reply, and a forged NOERROR was taken.
   */
  @Test
  void aReplyToASignedUpdateCountsOnlyIfItsTsigVerifies() throws Exception {
    TSIG right = new TSIG(TSIG.HMAC_SHA256, "primary-key.", PRIMARY_SECRET);
    try (FakePrimary primary = new FakePrimary(0, Rcode.NOERROR, right)) {
      assertTrue(bindOneLease(primary, true).active().isEmpty());
      assertEquals(1, primary.changed(Type.PTR, DClass.IN).size());
      assertEquals(0, stats.counter("dns.ddns.retried").get());
    }
    TSIG wrong = new TSIG(TSIG.HMAC_SHA256, "primary-key.", "d3Jvbmctd3Jvbmctd3Jvbmctd3Jvbmc=");
    for (TSIG signer : java.util.Arrays.asList(null, wrong)) {
      try (FakePrimary forger = new FakePrimary(0, Rcode.NOERROR, signer)) {
        assertTrue(failedAlert(bindOneLease(forger, true)), signer == null ? "unsigned" : "wrong");
      }
    }
    assertEquals(14, stats.counter("dns.ddns.retried").get(), "retried as if unanswered");
  }

  /**
   * A primary that fails or refuses the update (NOTAUTH for a key it does not take, REFUSED, ...)
   * raises the alert like one that does not answer; all but SERVFAIL used to clear it.
   */
  @Test
  void aPrimaryThatRefusesTheUpdatesRaisesTheAlert() throws Exception {
    for (int rcode :
        new int[] {Rcode.NOTAUTH, Rcode.REFUSED, Rcode.NOTIMP, Rcode.FORMERR, Rcode.SERVFAIL}) {
      try (FakePrimary primary = new FakePrimary(0, rcode, null)) {
        assertTrue(failedAlert(bindOneLease(primary, false)), Rcode.string(rcode));
      }
    }
  }

  /**
   * A primary on a loopback port that leaves the first {@code silentFor} updates unanswered and
   * answers the rest NOERROR, keeping the names of the records each one changed.
   */
  private static final class FakePrimary implements AutoCloseable {
    private final java.net.DatagramSocket socket =
        new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
    private final List<Message> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;

    FakePrimary(int silentFor) throws Exception {
      this(silentFor, Rcode.NOERROR, null);
    }

    /** Answers {@code rcode} instead, signed with {@code signer} (null: unsigned). */
    FakePrimary(int silentFor, int rcode, TSIG signer) throws Exception {
      thread =
          new Thread(
              () -> {
                int seen = 0;
                byte[] buffer = new byte[65535];
                while (!socket.isClosed()) {
                  try {
                    java.net.DatagramPacket in = new java.net.DatagramPacket(buffer, buffer.length);
                    socket.receive(in);
                    if (++seen <= silentFor) {
                      continue;
                    }
                    Message update =
                        new Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
                    Message reply = new Message(update.getHeader().getID());
                    reply.getHeader().setFlag(Flags.QR);
                    reply.getHeader().setOpcode(Opcode.UPDATE);
                    reply.getHeader().setRcode(rcode);
                    reply.addRecord(update.getQuestion(), Section.ZONE);
                    if (signer != null) {
                      reply.setTSIG(signer, Rcode.NOERROR, update.getTSIG());
                    }
                    byte[] out = reply.toWire(65535); // signs it, toWire() does not
                    socket.send(
                        new java.net.DatagramPacket(out, out.length, in.getSocketAddress()));
                    answered.add(update);
                  } catch (java.io.IOException e) {
                    return; // closed
                  }
                }
              },
              "fake-primary");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    /** The names of the records of this type and class (IN adds, ANY deletes) in the updates. */
    List<String> changed(int type, int dclass) {
      List<String> names = new java.util.ArrayList<>();
      for (Message update : answered) {
        for (Record rr : update.getSection(Section.UPDATE)) {
          if (rr.getType() == type && rr.getDClass() == dclass) {
            names.add(rr.getName().toString());
          }
        }
      }
      return names;
    }

    @Override
    public void close() {
      socket.close();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void boundLeaseGetsForwardReverseAndDhcidAndReleaseRemovesThem() throws Exception {
    publish(lease("127.16.0.10", 1, "laptop", "", LeaseState.BOUND));
    settled();
    assertEquals("127.16.0.10", find("laptop.cable.example.net.", Type.A).first().rdataToString());
    assertEquals(1, find("laptop.cable.example.net.", Type.DHCID).size());
    assertEquals(
        "laptop.cable.example.net.",
        find("10.0.16.127.in-addr.arpa.", Type.PTR).first().rdataToString());
    publish(lease("127.16.0.10", 1, "laptop", "", LeaseState.RELEASED));
    settled();
    assertNull(find("laptop.cable.example.net.", Type.A));
    assertNull(find("laptop.cable.example.net.", Type.DHCID));
    assertNull(find("10.0.16.127.in-addr.arpa.", Type.PTR));
  }

  @Test
  void aSecondClientDoesNotStealTheName() throws Exception {
    publish(lease("127.16.0.10", 1, "laptop", "", LeaseState.BOUND));
    publish(lease("127.16.0.11", 2, "laptop", "", LeaseState.BOUND));
    settled();
    assertEquals("127.16.0.10", find("laptop.cable.example.net.", Type.A).first().rdataToString());
    assertNull(find("11.0.16.127.in-addr.arpa.", Type.PTR));
    assertEquals(1L, stats.snapshot().get("dns.ddns.conflict"));
    // The loser's release must not take the owner's name away.
    publish(lease("127.16.0.11", 2, "laptop", "", LeaseState.EXPIRED));
    settled();
    assertEquals("127.16.0.10", find("laptop.cable.example.net.", Type.A).first().rdataToString());
  }

  @Test
  void theConsoleSeesEachUpdateAndAConflictAsAFailure() throws Exception {
    publish(lease("127.16.0.10", 1, "laptop", "", LeaseState.BOUND));
    publish(lease("127.16.0.11", 2, "laptop", "", LeaseState.BOUND));
    settled();
    List<DnsUpdateView.Update> seen = engine.updates().recent().recentUpdates();
    assertEquals(
        List.of(
            "cable.example.net. NXRRSET false",
            "cable.example.net. YXDOMAIN true",
            "16.127.in-addr.arpa. NOERROR true",
            "cable.example.net. NOERROR true"),
        seen.stream().map(u -> u.zone() + " " + u.rcode() + " " + u.ok()).toList());
    DnsUpdateView.Update claim = seen.get(3);
    assertEquals("ddns", claim.source());
    assertEquals("lease 127.16.0.10 of 00:11:22:00:00:01", claim.note());
    assertEquals("require laptop.cable.example.net. unused", claim.changes().get(0));
    assertTrue(
        claim.changes().get(1).startsWith("add laptop.cable.example.net. 300 A 127.16.0.10"),
        claim.changes().toString());
    List<DnsUpdateView.Update> failures = engine.updates().recent().recentFailures();
    assertEquals(1, failures.size());
    assertEquals(
        "lease 127.16.0.11 of 00:11:22:00:00:02: the name belongs to another client (RFC 4703"
            + " conflict)",
        failures.get(0).note());
  }

  @Test
  void theSameClientMovesItsNameToANewAddressAndANewName() throws Exception {
    publish(lease("127.16.0.10", 1, "laptop", "", LeaseState.BOUND));
    publish(lease("127.16.0.10", 1, "desktop", "", LeaseState.BOUND));
    settled();
    assertNull(find("laptop.cable.example.net.", Type.A));
    assertEquals(
        "desktop.cable.example.net.",
        find("10.0.16.127.in-addr.arpa.", Type.PTR).first().rdataToString());
  }

  @Test
  void theEndOfAClientsOldLeaseLeavesItsNameAtItsNewAddress() throws Exception {
    // A modem moves from the walled garden to its own pool: two leases, one name, one DHCID.
    publish(lease("127.16.0.200", 0xcc, "ignored", "cable-modem", LeaseState.BOUND));
    publish(lease("127.16.0.20", 0xcc, "ignored", "cable-modem", LeaseState.BOUND));
    settled();
    String name = "cm-0011220000cc.cable.example.net.";
    assertEquals("127.16.0.20", find(name, Type.A).first().rdataToString());

    publish(lease("127.16.0.200", 0xcc, "ignored", "cable-modem", LeaseState.EXPIRED));
    settled();
    assertEquals("127.16.0.20", find(name, Type.A).first().rdataToString(), "still there");
    assertEquals(1, find(name, Type.DHCID).size());
    assertNull(find("200.0.16.127.in-addr.arpa.", Type.PTR), "the old address's PTR is gone");

    publish(lease("127.16.0.20", 0xcc, "ignored", "cable-modem", LeaseState.RELEASED));
    settled();
    assertNull(find(name, Type.A));
    assertNull(find(name, Type.DHCID), "gone with the last address");
  }

  /**
   * A client's name is one label of its own: {@code *.cable.example.net} taken whole made every
   * unused name of the zone the client's and ended DDNS for every later client; a longer name
   * reached into other zones; a modem's pattern name went to the first who asked.
   */
  @Test
  void aClientsNameIsOneLabelNeverAWildcardNorAModemsName() throws Exception {
    publish(lease("127.16.0.30", 0x30, "*.cable.example.net", "", LeaseState.BOUND));
    publish(lease("127.16.0.31", 0x31, "cm-0011220000cc", "", LeaseState.BOUND));
    publish(lease("127.16.0.32", 0x32, "tv.den.cable.example.net", "", LeaseState.BOUND));
    publish(lease("127.16.0.33", 0x33, "laptop", "", LeaseState.BOUND));
    settled();
    assertNull(find("*.cable.example.net.", Type.A), "no wildcard");
    assertNull(find("www.cable.example.net.", Type.A));
    assertNull(
        find("cm-0011220000cc.cable.example.net.", Type.A), "the modem's name is the modem's");
    assertNull(find("tv.den.cable.example.net.", Type.A));
    assertEquals("127.16.0.32", find("tv.cable.example.net.", Type.A).first().rdataToString());
    assertEquals("127.16.0.33", find("laptop.cable.example.net.", Type.A).first().rdataToString());
    publish(lease("127.16.0.20", 0xcc, "ignored", "cable-modem", LeaseState.BOUND));
    settled();
    assertEquals(
        "127.16.0.20", find("cm-0011220000cc.cable.example.net.", Type.A).first().rdataToString());
  }

  @Test
  void namesModemsByTheirClassPattern() throws Exception {
    publish(lease("127.16.0.20", 0xcc, "ignored", "cable-modem", LeaseState.BOUND));
    settled();
    assertEquals(
        "127.16.0.20", find("cm-0011220000cc.cable.example.net.", Type.A).first().rdataToString());
  }

  /**
   * A config change that renames the leases (another class pattern) or turns DDNS off takes the old
   * names out of the zones kept (their data unchanged): they stayed, served and transferred, and
   * pointed at the address after the lease went to another client.
   */
  @Test
  void aChangedPatternOrDdnsTurnedOffTakesTheOldNamesAway() throws Exception {
    LeaseRecord modem = lease("127.16.0.21", 0x21, null, "cable-modem", LeaseState.BOUND);
    publish(modem);
    settled();
    assertNotNull(find("cm-001122000021.cable.example.net.", Type.A));

    config = config("modem-{mac}");
    updater.republish(java.util.List.of(modem));
    settled();
    assertNull(find("cm-001122000021.cable.example.net.", Type.A), "the old name is gone");
    assertEquals(
        "127.16.0.21",
        find("modem-001122000021.cable.example.net.", Type.A).first().rdataToString());

    DnsConfig off =
        new DnsConfig(
            config.enabled(),
            config.listen(),
            config.port(),
            config.zones(),
            config.keys(),
            new DdnsConfig(
                false,
                config.ddns().forwardZone(),
                config.ddns().classPatterns(),
                config.ddns().useClientHostname(),
                config.ddns().ttl()),
            config.udpPayloadLimit(),
            config.maxTcpConnections(),
            config.tcpIdleSeconds());
    config = off;
    updater.republish(java.util.List.of(modem));
    settled();
    assertNull(find("modem-001122000021.cable.example.net.", Type.A), "DDNS off: names go");
    assertNull(find("21.0.16.127.in-addr.arpa.", Type.PTR));
  }

  /**
   * A client renaming itself at every renewal queues one change per address, not one per renewal:
   * the names follow its last state. A task per change let the queue grow past what the updates
   * could keep up with, without bound.
   */
  @Test
  void changesOfOneAddressAreQueuedOnceAndTheLastWins() throws Exception {
    int deepest = 0;
    for (int i = 0; i < 20_000; i++) {
      publish(lease("127.16.0.40", 0x40, "host" + i, "", LeaseState.BOUND));
      deepest = Math.max(deepest, updater.queueDepth());
    }
    settled();
    assertTrue(deepest <= 2, "queued at most once (and the one running): " + deepest);
    assertEquals(
        "127.16.0.40", find("host19999.cable.example.net.", Type.A).first().rdataToString());
    assertNull(find("host0.cable.example.net.", Type.A));
  }

  @Test
  void republishRestoresNamesAfterTheZonesAreRebuiltByAConfigChange() throws Exception {
    LeaseRecord laptop = lease("127.16.0.10", 1, "laptop", "", LeaseState.BOUND);
    publish(laptop);
    settled();
    // what a restart or a change of the zone data does: static records only
    zones = DnsZones.fromConfig(config, Clock.systemUTC());
    assertNull(find("laptop.cable.example.net.", Type.A));
    updater.republish(java.util.List.of(laptop));
    settled();
    assertEquals("127.16.0.10", find("laptop.cable.example.net.", Type.A).first().rdataToString());
    assertEquals(
        "laptop.cable.example.net.",
        find("10.0.16.127.in-addr.arpa.", Type.PTR).first().rdataToString());
    updater.republish(java.util.List.of(laptop));
    settled();
    assertEquals(
        1, find("laptop.cable.example.net.", Type.A).size(), "a second republish is harmless");
  }
}
