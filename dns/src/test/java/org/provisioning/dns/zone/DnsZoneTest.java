package org.provisioning.dns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.testing.ManualClock;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Changes, serials and the IXFR history of one zone, on a clock the test moves. */
class DnsZoneTest {
  static final long T0 = 1_700_000_000L;

  private final ManualClock clock = new ManualClock(T0 * 1000);

  static DnsConfig config(String records, String extra) throws Exception {
    return new ConfigCodec()
        .parse(
            """
            dns:
              enabled: true
              keys: [{name: k, secret: c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0}]
              zones:
                - name: cable.example.net
                  nameServers: [ns1.cable.example.net]
                  records: [%s]
            %s
            """
                .formatted(records, extra))
        .dns();
  }

  static Record a(String name, String address, long ttl) throws Exception {
    return new ARecord(
        Name.fromString(name + ".cable.example.net."),
        DClass.IN,
        ttl,
        Ipv4Address.parse(address).toInetAddress());
  }

  private DnsZone zone() throws Exception {
    return DnsZones.fromConfig(config("\"www A 127.0.0.5\"", ""), clock).all().iterator().next();
  }

  @Test
  void nameServersWithADotAreFullNamesAndASingleLabelIsInTheZone() throws Exception {
    DnsZoneConfig twoServers =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  zones:
                    - name: cable.example.net
                      nameServers: [ns1.cable.example.net, ns2, ns3.other.example.]
                """)
            .dns()
            .zones()
            .get(0);
    DnsZone zone = DnsZone.fromConfig(twoServers, clock);
    assertEquals(Name.fromString("ns1.cable.example.net."), zone.soa().getHost());
    java.util.Set<String> targets = new java.util.TreeSet<>();
    for (var rrset : zone.transfer()) {
      if (rrset.getType() == Type.NS) {
        rrset.rrs().forEach(ns -> targets.add(((NSRecord) ns).getTarget().toString()));
      }
    }
    assertEquals(
        java.util.Set.of("ns1.cable.example.net.", "ns2.cable.example.net.", "ns3.other.example."),
        targets);
  }

  @Test
  void serialStartsAtTheClockWhenTheConfiguredOneIsLower() throws Exception {
    assertEquals(T0, zone().soa().getSerial());
  }

  @Test
  void serialKeepsAConfiguredValueAboveTheClock() throws Exception {
    DnsZoneConfig dated =
        config("", "      soa: {serial: 2026010101}").zones().get(0); // YYYYMMDDnn style
    assertEquals(2026010101L, DnsZone.fromConfig(dated, clock).soa().getSerial());
  }

  @Test
  void eachCommitAdvancesTheSerialOnceAndKeepsTheDifference() throws Exception {
    DnsZone zone = zone();
    synchronized (zone) {
      zone.add(a("host", "127.0.0.7", 300));
      zone.add(a("host", "127.0.0.8", 300));
      zone.remove(a("www", "127.0.0.5", 0));
      assertTrue(zone.commit());
    }
    assertEquals(T0 + 1, zone.soa().getSerial(), "two changes in the same second: serial + 1");
    assertEquals(1, zone.version());
    clock.advance(Duration.ofSeconds(100));
    synchronized (zone) {
      zone.add(a("host", "127.0.0.7", 300)); // already there
      assertFalse(zone.commit(), "nothing changed, so no serial step");
      zone.removeRRset(Name.fromString("host.cable.example.net."), Type.A);
      assertTrue(zone.commit());
    }
    assertEquals(T0 + 100, zone.soa().getSerial(), "the clock is ahead: serial = Unix time");
    synchronized (zone) {
      List<DnsZoneHistory.Delta> deltas = zone.changesSince(T0).orElseThrow();
      assertEquals(2, deltas.size());
      assertEquals(T0, deltas.get(0).from().getSerial());
      assertEquals(T0 + 1, deltas.get(0).to().getSerial());
      assertEquals(List.of(a("www", "127.0.0.5", 3600)), deltas.get(0).deleted());
      assertEquals(
          List.of(a("host", "127.0.0.7", 300), a("host", "127.0.0.8", 300)), deltas.get(0).added());
      assertEquals(2, deltas.get(1).deleted().size());
      assertTrue(deltas.get(1).added().isEmpty());
      assertEquals(1, zone.changesSince(T0 + 1).orElseThrow().size());
      assertTrue(zone.changesSince(T0 + 100).orElseThrow().isEmpty(), "up to date");
      assertTrue(zone.changesSince(T0 - 5).isEmpty(), "never held: the whole zone instead");
    }
  }

  /** An update that failed halfway leaves the zone as it was: no record, no serial step. */
  @Test
  void aRollBackUndoesEveryChangeSinceTheLastCommit() throws Exception {
    DnsZone zone = zone();
    long version = zone.version();
    synchronized (zone) {
      zone.add(a("host", "127.0.0.7", 300));
      zone.remove(a("www", "127.0.0.5", 0));
      zone.add(a("www", "127.0.0.6", 60));
      zone.rollBack();
      assertFalse(zone.commit(), "nothing left to commit");
    }
    assertTrue(zone.version() > version, "answers cached from the half-made change are stale");
    assertEquals(T0, zone.soa().getSerial());
    assertEquals(
        null, zone.data().findExactMatch(Name.fromString("host.cable.example.net."), Type.A));
    assertEquals(
        List.of(a("www", "127.0.0.5", 3600)),
        List.copyOf(
            zone.data().findExactMatch(Name.fromString("www.cable.example.net."), Type.A).rrs()));
    assertEquals(
        3600,
        zone.data().findExactMatch(Name.fromString("www.cable.example.net."), Type.A).getTTL());
  }

  @Test
  void aTtlChangeIsADeleteAndAnAdd() throws Exception {
    DnsZone zone = zone();
    synchronized (zone) {
      zone.add(a("www", "127.0.0.6", 60)); // dnsjava lowers the RRset's TTL to the new one
      zone.commit();
      DnsZoneHistory.Delta delta = zone.changesSince(T0).orElseThrow().get(0);
      assertEquals(List.of(a("www", "127.0.0.5", 3600)), delta.deleted());
      assertEquals(3600, delta.deleted().get(0).getTTL());
      assertEquals(2, delta.added().size());
      assertTrue(delta.added().stream().allMatch(r -> r.getTTL() == 60));
    }
  }

  @Test
  void changesWithoutTheZoneLockAreRefused() throws Exception {
    DnsZone zone = zone();
    Record host = a("host", "127.0.0.7", 300);
    assertThrows(IllegalStateException.class, () -> zone.add(host));
  }

  @Test
  void aPolicyChangeKeepsTheZoneAndItsDynamicRecords() throws Exception {
    DnsZones before = DnsZones.fromConfig(config("\"www A 127.0.0.5\"", ""), clock);
    DnsZone zone = before.all().iterator().next();
    synchronized (zone) {
      zone.add(a("host", "127.0.0.7", 300));
      zone.commit();
    }
    DnsZones after =
        DnsZones.fromConfig(
            config("\"www A 127.0.0.5\"", "      transferKeys: [k]"), clock, before);
    assertSame(zone, after.all().iterator().next());
    assertTrue(zone.mayTransfer(Name.fromString("k.")));
    assertEquals(T0 + 1, zone.soa().getSerial());
  }

  @Test
  void aDataChangeRebuildsTheZoneWithAHigherSerialAndTheDifferenceInItsHistory() throws Exception {
    DnsZones before = DnsZones.fromConfig(config("\"www A 127.0.0.5\"", ""), clock);
    DnsZone old = before.all().iterator().next();
    synchronized (old) {
      old.add(a("host", "127.0.0.7", 300));
      old.commit();
    }
    DnsZones after = DnsZones.fromConfig(config("\"www A 127.0.0.9\"", ""), clock, before);
    DnsZone rebuilt = after.all().iterator().next();
    assertEquals(T0 + 2, rebuilt.soa().getSerial(), "never lower than the zone it replaces");
    synchronized (rebuilt) {
      List<DnsZoneHistory.Delta> deltas = rebuilt.changesSince(T0).orElseThrow();
      assertEquals(2, deltas.size());
      DnsZoneHistory.Delta rebuild = deltas.get(1);
      assertEquals(T0 + 1, rebuild.from().getSerial());
      assertEquals(
          List.of(a("host", "127.0.0.7", 300), a("www", "127.0.0.5", 3600)),
          rebuild.deleted().stream().sorted().toList());
      assertEquals(List.of(a("www", "127.0.0.9", 3600)), rebuild.added());
    }
  }

  @Test
  void historyDropsItsOldestDeltasBeyondItsBounds() throws Exception {
    DnsZoneHistory history = new DnsZoneHistory(3, 1000);
    DnsZone zone = zone();
    var soa = zone.soa();
    for (long serial = 1; serial <= 5; serial++) {
      history.append(new DnsZoneHistory.Delta(soa, soa, List.of(), List.of()));
    }
    assertEquals(3, history.size());
    DnsZoneHistory small = new DnsZoneHistory(100, 5);
    small.append(new DnsZoneHistory.Delta(soa, soa, List.of(), List.of(a("x", "127.0.0.1", 1))));
    small.append(new DnsZoneHistory.Delta(soa, soa, List.of(), List.of(a("y", "127.0.0.1", 1))));
    assertEquals(1, small.size(), "3 + 3 records exceed 5: the older delta went");
  }
}
