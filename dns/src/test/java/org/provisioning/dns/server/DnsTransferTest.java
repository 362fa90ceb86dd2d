package org.provisioning.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/** AXFR and IXFR (RFC 1995) against the server on loopback, with dnsjava's ZoneTransferIn. */
class DnsTransferTest {
  private static final String SECRET = DnsServerTest.SECRET;
  private static final Name ZONE = name("cable.example.net.");
  private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET);

  private final StatisticsRegistry stats = new StatisticsRegistry();
  private DnsServer server;

  private static Name name(String text) {
    try {
      return Name.fromString(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Twenty more records: an incremental answer larger than the zone is sent as the whole zone, so
   * the zone must outweigh the few changes the tests make.
   */
  private static final String FILLER =
      java.util.stream.IntStream.range(0, 20)
          .mapToObj(i -> "\"fill" + i + " TXT filler\"")
          .collect(java.util.stream.Collectors.joining(", "));

  private static DnsConfig config(String records) throws Exception {
    DnsConfig parsed =
        new ConfigCodec()
            .parse(
                """
                dns:
                  enabled: true
                  listen: 127.0.0.1
                  keys: [{name: ddns-key, secret: %s}]
                  zones:
                    - name: cable.example.net
                      nameServers: [ns1.cable.example.net]
                      records: [%s]
                      updateKeys: [ddns-key]
                      transferKeys: [ddns-key]
                """
                    .formatted(SECRET, records))
            .dns();
    return DnsServerTest.onAnyPort(parsed);
  }

  @BeforeEach
  void start() throws Exception {
    server =
        new DnsServer(
            config("\"ns1 A 127.0.0.1\", \"www A 127.0.0.5\", " + FILLER),
            Clock.systemUTC(),
            stats);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private long serial() {
    return server.servedZones().exactly(ZONE).orElseThrow().soa().getSerial();
  }

  private void update(Update update) throws Exception {
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTSIGKey(KEY);
    resolver.setTimeout(Duration.ofSeconds(2));
    assertEquals(Rcode.NOERROR, resolver.send(update).getRcode());
  }

  private Update addHost(String host, String address) throws Exception {
    Update update = new Update(ZONE);
    update.add(name(host + ".cable.example.net."), Type.A, 300, address);
    return update;
  }

  private ZoneTransferIn ixfr(long serial, TSIG key) throws Exception {
    ZoneTransferIn xfr = ZoneTransferIn.newIXFR(ZONE, serial, false, server.localAddress(), key);
    xfr.setTimeout(Duration.ofSeconds(5));
    xfr.run();
    return xfr;
  }

  private Set<String> axfr() throws Exception {
    ZoneTransferIn xfr = ZoneTransferIn.newAXFR(ZONE, server.localAddress(), KEY);
    xfr.setTimeout(Duration.ofSeconds(5));
    xfr.run();
    return texts(xfr.getAXFR());
  }

  private static Set<String> texts(List<Record> records) {
    Set<String> texts = new HashSet<>();
    records.forEach(r -> texts.add(r.toString()));
    return texts;
  }

  @Test
  void ixfrFromAKeptSerialSendsOnlyTheChangesAndTheyRebuildTheZone() throws Exception {
    long s0 = serial();
    Set<String> atS0 = axfr();
    update(addHost("host", "127.0.0.7"));
    long s1 = serial();
    Update move = new Update(ZONE);
    move.delete(name("www.cable.example.net."), Type.A);
    move.add(name("www.cable.example.net."), Type.A, 600, "127.0.0.6");
    update(move);
    long s2 = serial();

    ZoneTransferIn xfr = ixfr(s0, KEY);
    assertTrue(xfr.isIXFR(), "an incremental answer, not the whole zone");
    List<ZoneTransferIn.Delta> deltas = xfr.getIXFR();
    assertEquals(2, deltas.size());
    assertEquals(s0, deltas.get(0).start);
    assertEquals(s1, deltas.get(0).end);
    assertEquals(s1, deltas.get(1).start);
    assertEquals(s2, deltas.get(1).end);
    assertEquals(
        List.of("host.cable.example.net.\t300\tIN\tA\t127.0.0.7"), withoutSoa(deltas.get(0).adds));
    assertEquals(List.of(), withoutSoa(deltas.get(0).deletes));
    assertEquals(
        List.of("www.cable.example.net.\t3600\tIN\tA\t127.0.0.5"),
        withoutSoa(deltas.get(1).deletes));
    assertEquals(
        List.of("www.cable.example.net.\t600\tIN\tA\t127.0.0.6"), withoutSoa(deltas.get(1).adds));

    // The secondary's copy at s0 plus the deltas is the zone at s2.
    Set<String> applied = new HashSet<>(atS0);
    for (ZoneTransferIn.Delta delta : deltas) {
      applied.removeAll(texts(delta.deletes));
      applied.addAll(texts(delta.adds));
    }
    assertEquals(axfr(), applied);
    assertEquals(1L, stats.snapshot().get("dns.transfer.ixfr.incremental"));
  }

  private static List<String> withoutSoa(List<Record> records) {
    return records.stream().filter(r -> r.getType() != Type.SOA).map(Record::toString).toList();
  }

  @Test
  void ixfrFromTheCurrentSerialGetsTheSoaAlone() throws Exception {
    update(addHost("host", "127.0.0.7"));
    ZoneTransferIn xfr = ixfr(serial(), KEY);
    assertTrue(xfr.isCurrent());
    assertEquals(1L, stats.snapshot().get("dns.transfer.ixfr.current"));
  }

  @Test
  void ixfrFromAnUnknownSerialGetsTheWholeZone() throws Exception {
    update(addHost("host", "127.0.0.7"));
    ZoneTransferIn xfr = ixfr(serial() - 1000, KEY);
    assertTrue(xfr.isAXFR(), "AXFR-style: the serial predates what is kept");
    assertEquals(axfr(), texts(xfr.getAXFR()));
    assertEquals(1L, stats.snapshot().get("dns.transfer.ixfr.full"));
  }

  @Test
  void ixfrLargerThanTheZoneIsSentAsTheWholeZone() throws Exception {
    long s0 = serial();
    for (int i = 0; i < 30; i++) {
      update(addHost("bulk" + i, "127.0.2." + i));
    }
    ZoneTransferIn xfr = ixfr(s0, KEY);
    assertTrue(xfr.isAXFR(), "92 records of changes against a zone of 54: AXFR-style is smaller");
    assertEquals(axfr(), texts(xfr.getAXFR()));
  }

  @Test
  void ixfrFollowsAConfigChangeThatRebuildsTheZone() throws Exception {
    update(addHost("host", "127.0.0.7"));
    long before = serial();
    server.apply(config("\"ns1 A 127.0.0.1\", \"www A 127.0.0.9\", " + FILLER));
    ZoneTransferIn xfr = ixfr(before, KEY);
    assertTrue(xfr.isIXFR());
    ZoneTransferIn.Delta rebuild = xfr.getIXFR().get(0);
    assertEquals(
        Set.of(
            "host.cable.example.net.\t300\tIN\tA\t127.0.0.7",
            "www.cable.example.net.\t3600\tIN\tA\t127.0.0.5"),
        Set.copyOf(withoutSoa(rebuild.deletes)));
    assertEquals(
        List.of("www.cable.example.net.\t3600\tIN\tA\t127.0.0.9"), withoutSoa(rebuild.adds));
  }

  @Test
  void ixfrNeedsATransferKey() throws Exception {
    long serial = serial();
    update(addHost("host", "127.0.0.7"));
    assertThrows(ZoneTransferException.class, () -> ixfr(serial, null));
    assertEquals(1L, stats.snapshot().get("dns.transfer.refused"));
  }

  @Test
  void ixfrOverUdpAnswersInOneDatagramOrSendsTheClientToTcp() throws Exception {
    long s0 = serial();
    update(addHost("host", "127.0.0.7"));
    Message small = udpIxfr(s0);
    assertEquals(Rcode.NOERROR, small.getRcode());
    List<Record> answer = small.getSection(Section.ANSWER);
    assertEquals(List.of(Type.SOA, Type.SOA, Type.SOA, Type.A, Type.SOA), types(answer));
    assertTrue(small.isSigned() && small.isVerified());

    long s1 = serial();
    for (int i = 0; i < 40; i++) {
      update(addHost("bulk" + i, "127.0.2." + i));
    }
    Message large = udpIxfr(s1);
    assertEquals(List.of(Type.SOA), types(large.getSection(Section.ANSWER)));
    assertEquals(serial(), ((SOARecord) large.getSection(Section.ANSWER).get(0)).getSerial());
  }

  private static List<Integer> types(List<Record> records) {
    return records.stream().map(Record::getType).toList();
  }

  private Message udpIxfr(long serial) throws Exception {
    Message query = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
    query.addRecord(
        new SOARecord(ZONE, DClass.IN, 0, ZONE, ZONE, serial, 0, 0, 0, 0), Section.AUTHORITY);
    KEY.apply(query, null);
    byte[] wire = query.toWire();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      socket.send(new DatagramPacket(wire, wire.length, server.localAddress()));
      DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
      socket.receive(reply);
      byte[] bytes = java.util.Arrays.copyOf(reply.getData(), reply.getLength());
      assertTrue(bytes.length <= 512, "no EDNS0 in the query: at most 512 octets");
      Message answer = new Message(bytes);
      assertEquals(Rcode.NOERROR, KEY.verify(answer, bytes, query.getTSIG()));
      return answer;
    }
  }

  @Test
  void axfrStreamsALargeZoneInSeveralSignedMessages() throws Exception {
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      records.add("\"h" + i + " A 127.0." + (i / 250) + "." + (i % 250) + "\"");
    }
    server.apply(config(String.join(", ", records)));
    assertEquals(2 + 2000, axfr().size(), "SOA, NS and the records, every message signed");
  }
}
