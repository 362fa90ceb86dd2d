package org.provisioning.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.provisioning.common.bus.BusRecord;
import org.provisioning.common.bus.RecordType;
import org.provisioning.common.bus.ReplicatedState;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.common.testing.ManualClock;
import org.provisioning.dns.engine.DnsTransport;
import org.provisioning.dns.zone.ClientRRsets;
import org.provisioning.dns.zone.DnsState;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.SerialFloors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * What RFC 2136 clients change lasts: answered once journaled, laid over the zone built again at
 * the next start, and carried to the failover partner.
 */
class ClientUpdatesTest {
  private static final Name ZONE = Name.fromConstantString("cable.example.net.");
  private static final String CONFIG =
      """
      dns:
        enabled: true
        keys: [{name: ddns-key, secret: %s}]
        zones:
          - name: cable.example.net
            nameServers: [ns1.cable.example.net]
            records: ["ns1 A 127.0.0.1", "www A 127.0.0.5"]
            updateKeys: [ddns-key]
      """
          .formatted(DnsServerTest.SECRET);

  // Near the real time: TSIG signs with it, and the server checks the signature against its clock.
  private final ManualClock clock = new ManualClock(System.currentTimeMillis());

  /** The bus as far as a publisher sees it: records kept in order, durable at once. */
  private static final class Journal {
    final List<BusRecord> records = new ArrayList<>();
    boolean failing;

    CompletableFuture<BusRecord> publish(RecordType type, byte[] payload) {
      if (failing) {
        return CompletableFuture.failedFuture(new java.io.IOException("disk full"));
      }
      BusRecord record = new BusRecord(1, records.size() + 1, 0, type, payload);
      records.add(record);
      return CompletableFuture.completedFuture(record);
    }
  }

  private ClientRRsets attached(Journal journal, int origin) {
    ClientRRsets kept = new ClientRRsets(clock);
    kept.attach(journal::publish, origin);
    return kept;
  }

  private DnsServer server(ClientRRsets kept) throws Exception {
    DnsConfig config = new ConfigCodec().parse(CONFIG).dns();
    return new DnsServer(
        config, clock, new StatisticsRegistry(), new DnsState(SerialFloors.inMemory(), kept));
  }

  /** Sends a signed update, signed at the test's time, which the server checks it against. */
  private int send(DnsServer server, Update update) throws Exception {
    byte[] answer = server.engine().handle(signed(update), DnsTransport.UDP).get(0);
    return new Message(answer).getRcode();
  }

  private byte[] signed(Update update) {
    SecretKeySpec key =
        new SecretKeySpec(Base64.getDecoder().decode(DnsServerTest.SECRET), "HmacSHA256");
    update.setTSIG(
        new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString("ddns-key."), key, clock),
        Rcode.NOERROR,
        null);
    return update.toWire(65535);
  }

  private static RRset find(DnsServer server, String name, int type) throws Exception {
    DnsZone zone = server.servedZones().exactly(ZONE).orElseThrow();
    return zone.data().findExactMatch(Name.fromString(name, ZONE), type);
  }

  private static Update addPrinterDropWww() throws Exception {
    Update update = new Update(ZONE);
    update.add(Name.fromString("printer", ZONE), Type.A, 300, "127.0.0.44");
    update.delete(Name.fromString("www", ZONE), Type.A);
    return update;
  }

  @Test
  void aClientsChangeIsJournaledAndLaidOverTheZoneAtTheNextStart() throws Exception {
    Journal journal = new Journal();
    ClientRRsets kept = attached(journal, 1);
    DnsServer first = server(kept);
    assertEquals(Rcode.NOERROR, send(first, addPrinterDropWww()));
    assertEquals(2, journal.records.size(), "one record per RRset changed");

    // A restart: the journal replayed into a new state, the zone built from the config again.
    ClientRRsets replayed = new ClientRRsets(clock);
    journal.records.forEach(replayed::apply);
    DnsServer restarted = server(replayed);
    assertEquals("127.0.0.44", find(restarted, "printer", Type.A).first().rdataToString());
    assertNull(find(restarted, "www", Type.A), "the deletion lasts too");
    assertNotNull(find(server(new ClientRRsets(clock)), "www", Type.A), "the config's www");

    // From a snapshot of that state, the same.
    ClientRRsets restored = new ClientRRsets(clock);
    restored.restore(replayed.snapshot());
    assertEquals("127.0.0.44", find(server(restored), "printer", Type.A).first().rdataToString());
  }

  /**
   * An NS added by a client was journaled and, laid again at the next start, threw there (dnsjava
   * removes no whole NS RRset): the server never started again, nor did its partner, which had the
   * record too. NS updates are refused now, and an older journal's NS is left out, not fatal.
   */
  @Test
  void anNsUpdateIsRefusedAndAnOlderJournalsNsNoLongerStopsTheStart() throws Exception {
    Journal journal = new Journal();
    ClientRRsets kept = attached(journal, 1);
    DnsServer server = server(kept);
    for (String owner : List.of("@", "voice")) {
      Update update = new Update(ZONE);
      update.add(Name.fromString("printer", ZONE), Type.A, 300, "127.0.0.44");
      update.add(Name.fromString(owner, ZONE), Type.NS, 3600, "ns.other.example.");
      assertEquals(Rcode.REFUSED, send(server, update), owner);
    }
    assertNull(find(server, "printer", Type.A), "nothing of a refused update applies");
    assertTrue(journal.records.isEmpty(), "nor is journaled");

    // What an older version journaled for such an update: laid again at a start, it threw.
    DnsZone zone = server.servedZones().exactly(ZONE).orElseThrow();
    Name apex = ZONE;
    org.xbill.DNS.Record ns1 = zone.data().findExactMatch(apex, Type.NS).first();
    org.xbill.DNS.Record other =
        org.xbill.DNS.Record.fromString(
            apex, Type.NS, org.xbill.DNS.DClass.IN, 3600, "ns.other.example.", ZONE);
    org.xbill.DNS.Record printer =
        org.xbill.DNS.Record.fromString(
            Name.fromString("printer", ZONE),
            Type.A,
            org.xbill.DNS.DClass.IN,
            300,
            "127.0.0.44",
            ZONE);
    kept.record(
            ZONE,
            List.of(
                new DnsZone.ChangedRRset(apex, Type.NS, List.of(ns1, other)),
                new DnsZone.ChangedRRset(printer.getName(), Type.A, List.of(printer))))
        .get();
    ClientRRsets replayed = new ClientRRsets(clock);
    journal.records.forEach(replayed::apply);
    DnsServer restarted = server(replayed);
    assertEquals(1, find(restarted, "@", Type.NS).size(), "the config's name servers alone");
    assertEquals("127.0.0.44", find(restarted, "printer", Type.A).first().rdataToString());
  }

  /**
   * DNAME is not implemented (lookups never synthesise from one, RFC 6672): an update adding one is
   * refused and changes nothing; one an older journal holds is left out at the start. Taken, it
   * left every name below it NXDOMAIN.
   */
  @Test
  void aDnameUpdateIsRefusedAndAnOlderJournalsDnameIsNotLaid() throws Exception {
    Journal journal = new Journal();
    ClientRRsets kept = attached(journal, 1);
    DnsServer server = server(kept);
    long serial = server.servedZones().exactly(ZONE).orElseThrow().soa().getSerial();
    Update update = new Update(ZONE);
    update.add(Name.fromString("printer", ZONE), Type.A, 300, "127.0.0.44");
    update.add(Name.fromString("old", ZONE), Type.DNAME, 300, "cable.example.org.");
    assertEquals(Rcode.REFUSED, send(server, update));
    assertNull(find(server, "old", Type.DNAME));
    assertNull(find(server, "printer", Type.A), "nothing of a refused update applies");
    assertEquals(serial, server.servedZones().exactly(ZONE).orElseThrow().soa().getSerial());
    assertTrue(journal.records.isEmpty(), "nor is journaled");

    Record dname =
        Record.fromString(
            Name.fromString("old", ZONE), Type.DNAME, DClass.IN, 300, "cable.example.org.", ZONE);
    Record printer =
        Record.fromString(
            Name.fromString("printer", ZONE), Type.A, DClass.IN, 300, "127.0.0.44", ZONE);
    kept.record(
            ZONE,
            List.of(
                new DnsZone.ChangedRRset(dname.getName(), Type.DNAME, List.of(dname)),
                new DnsZone.ChangedRRset(printer.getName(), Type.A, List.of(printer))))
        .get();
    ClientRRsets replayed = new ClientRRsets(clock);
    journal.records.forEach(replayed::apply);
    DnsServer restarted = server(replayed);
    assertNull(find(restarted, "old", Type.DNAME));
    assertEquals("127.0.0.44", find(restarted, "printer", Type.A).first().rdataToString());
  }

  @Test
  void aChangeOfTheTtlAloneLastsToo() throws Exception {
    Journal journal = new Journal();
    DnsServer first = server(attached(journal, 1));
    Update raise = new Update(ZONE);
    raise.add(Name.fromString("www", ZONE), Type.A, 86400, "127.0.0.5"); // the config's record
    assertEquals(Rcode.NOERROR, send(first, raise));
    assertEquals(86400, find(first, "www", Type.A).getTTL());
    assertEquals(1, journal.records.size());

    ClientRRsets replayed = new ClientRRsets(clock);
    journal.records.forEach(replayed::apply);
    assertEquals(86400, find(server(replayed), "www", Type.A).getTTL(), "after a restart");
  }

  @Test
  void deletionsOfRRsetsTheConfigLacksAreForgottenAfterThirtyDays() throws Exception {
    Journal journal = new Journal();
    ClientRRsets kept = attached(journal, 1);
    DnsServer server = server(kept);
    for (int i = 0; i < 3; i++) { // a client that adds and deletes ever new names
      Update add = new Update(ZONE);
      add.add(Name.fromString("temp" + i, ZONE), Type.TXT, 60, "token");
      assertEquals(Rcode.NOERROR, send(server, add));
      Update delete = new Update(ZONE);
      delete.delete(Name.fromString("temp" + i, ZONE), Type.TXT);
      assertEquals(Rcode.NOERROR, send(server, delete));
    }
    assertEquals(Rcode.NOERROR, send(server, addPrinterDropWww()));
    assertEquals(5, kept.of(ZONE).size(), "three deletions, printer and www's deletion");

    clock.advance(ClientRRsets.DELETIONS_REMEMBERED.minusHours(1));
    Update more = new Update(ZONE);
    more.add(Name.fromString("later", ZONE), Type.A, 300, "127.0.0.45");
    assertEquals(Rcode.NOERROR, send(server, more));
    assertEquals(6, kept.of(ZONE).size(), "29 days and 23 hours: all kept");

    clock.advance(Duration.ofHours(2));
    Update last = new Update(ZONE);
    last.add(Name.fromString("last", ZONE), Type.A, 300, "127.0.0.46");
    assertEquals(Rcode.NOERROR, send(server, last));
    assertEquals(
        List.of("last", "later", "printer", "www"),
        kept.of(ZONE).stream()
            .map(value -> value.key().name().relativize(ZONE).toString())
            .sorted()
            .toList(),
        "the deletions of the temporary names are forgotten, www's is the config's: kept");

    // A restart from the state as kept now: www stays deleted, the temporary names stay gone.
    ClientRRsets restored = new ClientRRsets(clock);
    restored.restore(kept.snapshot());
    DnsServer restarted = server(restored);
    assertNull(find(restarted, "www", Type.A));
    assertNull(find(restarted, "temp0", Type.TXT));
    assertEquals(4, restored.of(ZONE).size());
  }

  /**
   * An update waits for the journal; a query from the same client (one socket, so one event loop)
   * sent meanwhile is answered at once, and the update once its change is durable. Waited for on
   * the event loop, an update held every query there as long (a group commit and an fsync, 10 s at
   * worst).
   */
  @Test
  void aQueryIsNotHeldBehindAnUpdateWaitingForTheJournal() throws Exception {
    CompletableFuture<BusRecord> durable = new CompletableFuture<>();
    ClientRRsets kept = new ClientRRsets(clock);
    kept.attach((type, payload) -> durable, 1);
    DnsServer server =
        new DnsServer(
            DnsServerTest.onAnyPort(new ConfigCodec().parse(CONFIG).dns()),
            clock,
            new StatisticsRegistry(),
            new DnsState(SerialFloors.inMemory(), kept));
    server.start();
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      Update update = addPrinterDropWww();
      Message query =
          Message.newQuery(Record.newRecord(Name.fromString("ns1", ZONE), Type.A, DClass.IN));
      for (byte[] wire : List.of(signed(update), query.toWire())) {
        socket.send(new DatagramPacket(wire, wire.length, server.localAddress()));
      }

      Message first = receive(socket);
      assertEquals(query.getHeader().getID(), first.getHeader().getID(), "the query's, at once");
      assertEquals(Rcode.NOERROR, first.getRcode());
      durable.complete(new BusRecord(1, 1, 0, RecordType.DNS_RRSET, new byte[0]));
      Message second = receive(socket);
      assertEquals(update.getHeader().getID(), second.getHeader().getID());
      assertEquals(Rcode.NOERROR, second.getRcode());
    } finally {
      server.stop();
    }
  }

  private static Message receive(DatagramSocket socket) throws Exception {
    DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
    socket.receive(packet);
    return new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
  }

  /**
   * An update that replaces a record (deletes the RRset, adds the new one) is atomic to queries
   * (RFC 2136 section 3.7): none of them, run meanwhile on another thread, sees the name without
   * it. One did, between the deletion and the addition; and were the update to add the same record
   * again, its NODATA stayed in the answer cache for good, the zone's version unchanged.
   */
  @Test
  void queriesNeverSeeHalfAnUpdate() throws Exception {
    DnsServer server = server(attached(new Journal(), 1));
    Name www = Name.fromString("www", ZONE);
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<byte[]> signedUpdates = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      Update update = new Update(ZONE);
      update.delete(www, Type.A);
      update.add(www, Type.A, 300, i % 2 == 0 ? "127.0.0.6" : "127.0.0.5");
      signedUpdates.add(signed(update));
    }
    Thread updates =
        new Thread(
            () -> {
              try {
                signedUpdates.forEach(u -> server.engine().handle(u, DnsTransport.UDP));
              } finally {
                done.set(true);
              }
            });
    updates.start();
    byte[] query = Message.newQuery(Record.newRecord(www, Type.A, DClass.IN)).toWire();
    int asked = 0;
    while (!done.get()) {
      Message answer = new Message(server.engine().handle(query, DnsTransport.UDP).get(0));
      assertEquals(1, answer.getSection(Section.ANSWER).size(), "answer " + asked);
      asked++;
    }
    updates.join();
    Message last = new Message(server.engine().handle(query, DnsTransport.UDP).get(0));
    assertEquals(1, last.getSection(Section.ANSWER).size(), "after " + asked + " answers");
  }

  @Test
  void namesDdnsGivesLeasesAreNotKeptHere() throws Exception {
    Journal journal = new Journal();
    ClientRRsets kept = attached(journal, 1);
    DnsServer server = server(kept);
    DnsZone zone = server.servedZones().exactly(ZONE).orElseThrow();
    assertEquals(Rcode.NOERROR, server.engine().updates().apply(zone, addPrinterDropWww()));
    assertTrue(journal.records.isEmpty());
  }

  @Test
  void anUpdateTheJournalCannotKeepIsNotAnsweredNoError() throws Exception {
    Journal journal = new Journal();
    journal.failing = true;
    ClientRRsets kept = attached(journal, 1);
    assertEquals(Rcode.SERVFAIL, send(server(kept), addPrinterDropWww()));
  }

  @Test
  void thePartnersChangesReachTheZoneByStreamAndBySnapshotSync() throws Exception {
    Journal primaryJournal = new Journal();
    ClientRRsets onPrimary = attached(primaryJournal, 1);
    assertEquals(Rcode.NOERROR, send(server(onPrimary), addPrinterDropWww()));

    // The stream: each record, once journaled on the secondary, is laid over its zone.
    ClientRRsets onSecondary = attached(new Journal(), 2);
    DnsServer secondary = server(onSecondary);
    primaryJournal.records.forEach(onSecondary::onDurable);
    assertEquals("127.0.0.44", find(secondary, "printer", Type.A).first().rdataToString());
    assertNull(find(secondary, "www", Type.A));

    // A sync by snapshot: the primary's whole state merged into a secondary that has none.
    ClientRRsets late = new ClientRRsets(clock);
    DnsServer lateSecondary = server(late);
    for (ReplicatedState.Entry entry : onPrimary.entries()) {
      assertTrue(late.merge(entry));
    }
    assertEquals("127.0.0.44", find(lateSecondary, "printer", Type.A).first().rdataToString());

    // A later change on the secondary wins over the older one on both sides.
    clock.advance(1_000);
    Journal secondaryJournal = new Journal();
    ClientRRsets writer = attached(secondaryJournal, 2);
    primaryJournal.records.forEach(writer::apply);
    DnsServer secondaryAfter = server(writer);
    Update moved = new Update(ZONE);
    moved.replace(Name.fromString("printer", ZONE), Type.A, 300, "127.0.0.45");
    assertEquals(Rcode.NOERROR, send(secondaryAfter, moved));
    secondaryJournal.records.forEach(
        r -> onPrimary.onDurable(new BusRecord(2, r.sequence(), 0, r.type(), r.payload())));
    assertEquals(
        "127.0.0.45",
        onPrimary.of(ZONE).stream()
            .filter(
                v -> v.key().type() == Type.A && v.key().name().toString().startsWith("printer"))
            .findFirst()
            .orElseThrow()
            .records()
            .get(0)
            .rdataToString());
  }
}
