package org.provisioning.dns.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsZones;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The answer cache gives, byte for byte, what the full way gives, and never an answer older than
 * the zone.
 */
class DnsAnswerCacheTest {
  private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
  private final StatisticsRegistry stats = new StatisticsRegistry();
  private volatile DnsZones zones;
  private DnsConfig config;
  private DnsEngine engine;

  @BeforeEach
  void engine() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      many.append(", \"many A 127.0.1.").append(i).append('"');
    }
    config =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  keys: [{name: k, secret: %s}]
                  zones:
                    - name: cable.example.net
                      nameServers: [ns1.cable.example.net]
                      records: ["ns1 A 127.0.0.1", "www A 127.0.0.5", "alias CNAME www",
                                "out CNAME www.example.com.", "sub NS ns.other.example.",
                                "*.wild A 127.0.0.8", "txt TXT hello"%s]
                      updateKeys: [k]
                """
                    .formatted(SECRET, many))
            .dns();
    zones = DnsZones.fromConfig(config, Clock.systemUTC());
    DnsKeys keys = new DnsKeys(config.keys(), Clock.systemUTC());
    engine = new DnsEngine(() -> zones, () -> keys, new DnsStatistics(stats), 1232);
  }

  private static final String[] NAMES = {
    "www.cable.example.net.",
    "WwW.CaBlE.eXaMpLe.NeT.",
    "alias.cable.example.net.",
    "out.cable.example.net.",
    "nothing.cable.example.net.",
    "host.sub.cable.example.net.",
    "x.wild.cable.example.net.",
    "cable.example.net.",
    "many.cable.example.net.",
    "txt.cable.example.net.",
    "www.example.com.",
  };
  private static final int[] TYPES = {
    Type.A, Type.AAAA, Type.MX, Type.SOA, Type.NS, Type.ANY, Type.TXT
  };

  private static byte[] query(
      Random random, String name, int type, int dclass, boolean rd, EDNSOption option, int payload)
      throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, dclass));
    query.getHeader().setID(random.nextInt(0x10000));
    if (!rd) {
      query.getHeader().unsetFlag(Flags.RD);
    }
    if (payload > 0) {
      query.addRecord(
          new OPTRecord(payload, 0, 0, 0, option == null ? List.of() : List.of(option)),
          Section.ADDITIONAL);
    }
    return query.toWire();
  }

  private long hits() {
    return stats.snapshot().getOrDefault("dns.answer_cache.hits", 0L);
  }

  @Test
  void cachedAnswersAreTheFullWaysAnswersByteForByte() throws Exception {
    Random random = new Random(1996);
    int compared = 0;
    for (int round = 0; round < 3; round++) {
      for (String name : NAMES) {
        for (int type : TYPES) {
          for (DnsTransport transport : DnsTransport.values()) {
            for (int payload : new int[] {0, 512, 1232, 4096}) {
              EDNSOption cookie =
                  random.nextBoolean()
                      ? new CookieOption(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                      : null;
              int dclass = random.nextInt(10) == 0 ? DClass.ANY : DClass.IN;
              byte[] wire =
                  query(random, name, type, dclass, random.nextBoolean(), cookie, payload);
              List<byte[]> full = engine.handleUncached(wire, transport);
              List<byte[]> answered = engine.handle(wire, transport);
              assertEquals(full.size(), answered.size());
              for (int i = 0; i < full.size(); i++) {
                assertArrayEquals(
                    full.get(i),
                    answered.get(i),
                    () -> name + " " + Type.string(type) + " " + transport + " " + payload);
              }
              compared++;
            }
          }
        }
      }
    }
    long hits = hits();
    assertTrue(hits > compared / 2, "hits " + hits + " of " + compared);
  }

  @Test
  void randomBytesAroundPlainQueriesGetTheFullWaysAnswers() throws Exception {
    Random random = new Random(4343);
    byte[] base = query(random, "www.cable.example.net.", Type.A, DClass.IN, true, null, 1232);
    engine.handle(base, DnsTransport.UDP);
    for (int i = 0; i < 20_000; i++) {
      byte[] wire = base.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        wire[random.nextInt(wire.length)] = (byte) random.nextInt(256);
      }
      if (random.nextInt(10) == 0) {
        wire = java.util.Arrays.copyOf(wire, random.nextInt(wire.length + 8));
      }
      DnsTransport transport = random.nextBoolean() ? DnsTransport.UDP : DnsTransport.TCP;
      List<byte[]> full = engine.handleUncached(wire, transport);
      engine.handle(wire, transport); // may fill the cache
      List<byte[]> answered = engine.handle(wire, transport); // may come from it
      assertEquals(full.size(), answered.size());
      for (int k = 0; k < full.size(); k++) {
        assertArrayEquals(
            full.get(k), answered.get(k), "query " + java.util.HexFormat.of().formatHex(wire));
      }
    }
  }

  @Test
  void anUpdateMakesTheKeptAnswerStale() throws Exception {
    Random random = new Random(2136);
    byte[] wire = query(random, "www.cable.example.net.", Type.A, DClass.IN, true, null, 0);
    assertEquals("127.0.0.5", address(engine.handle(wire, DnsTransport.UDP)));
    assertEquals("127.0.0.5", address(engine.handle(wire, DnsTransport.UDP)));
    assertEquals(1, hits());
    Update update = new Update(Name.fromString("cable.example.net."));
    update.replace(Name.fromString("www.cable.example.net."), Type.A, 300, "127.0.0.6");
    assertEquals(Rcode.NOERROR, engine.updates().apply(zones.all().iterator().next(), update));
    assertEquals("127.0.0.6", address(engine.handle(wire, DnsTransport.UDP)));
    assertEquals(1, hits(), "the change made the kept answer stale");
    assertEquals("127.0.0.6", address(engine.handle(wire, DnsTransport.UDP)));
    assertEquals(2, hits());
  }

  @Test
  void aNewConfigMakesEveryKeptAnswerStale() throws Exception {
    Random random = new Random(1034);
    byte[] wire = query(random, "www.cable.example.net.", Type.A, DClass.IN, true, null, 0);
    engine.handle(wire, DnsTransport.UDP);
    zones = DnsZones.fromConfig(config, Clock.systemUTC(), zones);
    engine.handle(wire, DnsTransport.UDP);
    assertEquals(0, hits());
  }

  @Test
  void answersTooLargeForTheClientAreTruncatedTheFullWay() throws Exception {
    Random random = new Random(1035);
    byte[] tcp = query(random, "many.cable.example.net.", Type.A, DClass.IN, true, null, 0);
    assertEquals(
        60,
        new Message(engine.handle(tcp, DnsTransport.TCP).get(0)).getSection(Section.ANSWER).size());
    Message udp = new Message(engine.handle(tcp, DnsTransport.UDP).get(0));
    assertTrue(udp.getHeader().getFlag(Flags.TC));
    assertEquals(0, hits());
  }

  @Test
  void onlyPlainQueriesAreKeys() throws Exception {
    Random random = new Random(6891);
    assertNotNull(
        DnsAnswerCache.Question.parse(
            query(random, "www.cable.example.net.", Type.A, DClass.IN, true, null, 0)));
    assertNull(
        DnsAnswerCache.Question.parse(
            query(
                random,
                "www.cable.example.net.",
                Type.A,
                DClass.IN,
                true,
                new ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0")),
                1232)),
        "client subnet: the full way");
    Message signed =
        Message.newQuery(
            Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN));
    new TSIG(TSIG.HMAC_SHA256, "k.", SECRET).apply(signed, null);
    assertNull(DnsAnswerCache.Question.parse(signed.toWire()), "TSIG: the full way");
    Update update = new Update(Name.fromString("cable.example.net."));
    assertNull(DnsAnswerCache.Question.parse(update.toWire()), "an update: the full way");
  }

  private static String address(List<byte[]> answers) throws Exception {
    List<String> found = new ArrayList<>();
    for (Record r : new Message(answers.get(0)).getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        found.add(a.getAddress().getHostAddress());
      }
    }
    return String.join(",", found);
  }
}
