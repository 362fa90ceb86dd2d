package org.provisioning.dns.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.DnsZones;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 section 3.4.2.2, without sockets: an update RR that would put a CNAME beside other data
 * is ignored, the rest of the update applies; an added record's TTL becomes its RRset's.
 */
class DnsUpdateHandlerTest {
  private static final Name ZONE = Name.fromConstantString("cable.example.net.");
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private DnsUpdateHandler handler;
  private DnsZone zone;

  private static Name name(String text) {
    try {
      return Name.fromString(text, ZONE);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @BeforeEach
  void zone() throws Exception {
    DnsConfig config =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  zones:
                    - name: cable.example.net
                      nameServers: [ns1.cable.example.net]
                      records: ["www A 127.0.0.5", "alias CNAME www", "sub NS ns.other.example.",
                                "*.garden A 127.0.0.66"]
                """)
            .dns();
    zone = DnsZones.fromConfig(config, Clock.systemUTC()).all().iterator().next();
    handler = new DnsUpdateHandler(new DnsStatistics(stats));
  }

  private RRset at(String owner, int type) {
    return zone.data().findExactMatch(name(owner), type);
  }

  private long ignored() {
    return stats.snapshot().get("dns.update.ignored.cname");
  }

  /**
   * "Name is not in use" (RFC 2136 section 2.4.5) asks of the name itself: a wildcard above it
   * counted, and DDNS's prerequisite failed for every client under a walled-garden catch-all.
   */
  @Test
  void aWildcardDoesNotPutANameInUse() throws Exception {
    Update update = new Update(ZONE);
    update.absent(name("laptop.garden"));
    update.add(name("laptop.garden"), Type.A, 300, "127.0.0.10");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertNotNull(at("laptop.garden", Type.A));

    Update again = new Update(ZONE);
    again.absent(name("laptop.garden"));
    again.add(name("laptop.garden"), Type.A, 300, "127.0.0.11");
    assertEquals(Rcode.YXDOMAIN, handler.apply(zone, again), "now it owns a record");
  }

  /**
   * What an update changed goes to the journal while the zone is still held, so that two updates of
   * one RRset are journaled in the order they were made; nothing goes when nothing changed.
   */
  @Test
  void anUpdatesChangesAreKeptWhileTheZoneIsHeld() throws Exception {
    List<Boolean> heldWhenKept = new java.util.ArrayList<>();
    Update update = new Update(ZONE);
    update.add(name("printer"), Type.A, 300, "127.0.0.44");
    DnsUpdateHandler.Outcome outcome =
        handler.applyAndKeep(
            zone,
            update,
            changed -> {
              heldWhenKept.add(Thread.holdsLock(zone));
              return java.util.concurrent.CompletableFuture.completedFuture(null);
            });
    assertEquals(Rcode.NOERROR, outcome.rcode());
    assertEquals(List.of(true), heldWhenKept);

    handler.applyAndKeep(zone, update, changed -> fail("the same record again changes nothing"));
  }

  @Test
  void aCnameForANameWithOtherDataIsIgnoredAndTheRestApplies() throws Exception {
    long serial = zone.soa().getSerial();
    Update update = new Update(ZONE);
    update.add(name("www"), Type.CNAME, 300, "elsewhere.example.");
    update.add(name("new"), Type.A, 300, "127.0.0.9");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertNull(at("www", Type.CNAME));
    assertNotNull(at("www", Type.A));
    assertNotNull(at("new", Type.A), "the update's other records still apply");
    assertEquals(1, ignored());
    assertEquals(1, zone.changesSince(serial).orElseThrow().size());
  }

  @Test
  void otherDataForACnameIsIgnored() throws Exception {
    long serial = zone.soa().getSerial();
    Update update = new Update(ZONE);
    update.add(name("alias"), Type.A, 300, "127.0.0.9");
    update.add(name("alias"), Type.TXT, 300, "text");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertNull(at("alias", Type.A));
    assertNull(at("alias", Type.TXT));
    assertEquals(2, ignored());
    assertEquals(serial, zone.soa().getSerial(), "nothing changed: no new serial");
  }

  @Test
  void aCnameAtTheApexOrADelegationIsIgnored() throws Exception {
    Update update = new Update(ZONE);
    update.add(ZONE, Type.CNAME, 300, "elsewhere.example.");
    update.add(name("sub"), Type.CNAME, 300, "elsewhere.example.");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertNull(at("@", Type.CNAME));
    assertNull(at("sub", Type.CNAME));
    assertEquals(2, ignored());
  }

  @Test
  void aNewCnameReplacesTheOldOne() throws Exception {
    Update update = new Update(ZONE);
    update.add(name("alias"), Type.CNAME, 300, "elsewhere.example.");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertEquals(
        List.of("elsewhere.example."),
        at("alias", Type.CNAME).rrs(false).stream().map(r -> r.rdataToString()).toList());
    assertEquals(0, ignored());
  }

  @Test
  void deletingTheDataFirstLetsTheCnameIn() throws Exception {
    Update update = new Update(ZONE);
    update.delete(name("www"), Type.A);
    update.add(name("www"), Type.CNAME, 300, "elsewhere.example.");
    assertEquals(Rcode.NOERROR, handler.apply(zone, update));
    assertNull(at("www", Type.A));
    assertNotNull(at("www", Type.CNAME));
    assertEquals(0, ignored());
  }

  @Test
  void anAddedRecordsTtlBecomesItsRRsets() throws Exception {
    long serial = zone.soa().getSerial();
    Update raise = new Update(ZONE);
    raise.add(name("www"), Type.A, 7200, "127.0.0.5"); // the record there, a longer TTL
    assertEquals(Rcode.NOERROR, handler.apply(zone, raise));
    assertEquals(7200, at("www", Type.A).getTTL(), "a TTL can be raised");
    assertEquals(1, at("www", Type.A).size());
    assertEquals(1, zone.changesSince(serial).orElseThrow().size(), "a change: a new serial");

    Update lower = new Update(ZONE);
    lower.add(name("www"), Type.A, 60, "127.0.0.6"); // another record, a shorter TTL
    assertEquals(Rcode.NOERROR, handler.apply(zone, lower));
    RRset www = at("www", Type.A);
    assertEquals(2, www.size());
    assertEquals(
        List.of(60L, 60L), www.rrs(false).stream().map(r -> r.getTTL()).toList(), "one TTL");

    long unchanged = zone.soa().getSerial();
    Update same = new Update(ZONE);
    same.add(name("www"), Type.A, 60, "127.0.0.6");
    assertEquals(Rcode.NOERROR, handler.apply(zone, same));
    assertEquals(unchanged, zone.soa().getSerial(), "the same record again changes nothing");
  }
}
