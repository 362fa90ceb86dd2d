package org.provisioning.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.provisioning.common.config.ConfigCodec;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.control.DnsUpdateView;
import org.provisioning.common.service.ServiceState;
import org.provisioning.common.stats.StatisticsRegistry;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.xbill.DNS.ZoneTransferIn;

/** The server on a real loopback socket, driven by dnsjava's own resolver. */
class DnsServerTest {
  static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0";
  static final String CONFIG =
      """
      dns:
        enabled: true
        port: 1053
        keys:
          - {name: ddns-key, secret: %s}
          - {name: other-key, secret: b3RoZXItb3RoZXItb3RoZXItb3RoZXI=}
        zones:
          - name: cable.example.net
            nameServers: [ns1.cable.example.net]
            records:
              - "ns1 A 127.0.0.1"
              - "www 600 IN A 127.0.0.5"
              - "alias CNAME www"
              - "sub NS ns.other.example."
              - "dangling CNAME nowhere"
              - "voice NS ns.voice"
              - "ns.voice A 127.0.0.9"
              - "tovoice CNAME mta1.voice"
              - "*.garden A 127.0.0.66"
              - "*.w CNAME www"
              - "*.zoo TXT zoo"
              - "cage.zoo A 127.0.0.50"
              - "*.deep TXT deep"
              - "x.y.deep A 127.0.0.51"
      %s
            updateKeys: [ddns-key]
            transferKeys: [ddns-key]
      """;

  private DnsServer server;
  private final StatisticsRegistry stats = new StatisticsRegistry();

  @BeforeEach
  void start() throws Exception {
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      many.append("        - \"many A 127.0.1.").append(i).append("\"\n");
    }
    DnsConfig parsed =
        new ConfigCodec()
            .parse(String.format(CONFIG, SECRET, many.toString().stripTrailing()))
            .dns();
    server = new DnsServer(onAnyPort(parsed), Clock.systemUTC(), stats);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /**
   * A change whose port another program holds fails and leaves the service FAILED; the same config
   * applied again is tried again (it used to count as applied, and the next version cleared the
   * alert while DNS had no socket), and takes once the port is free.
   */
  @Test
  void aFailedRebindIsTriedAgainWithTheSameConfig() throws Exception {
    DnsConfig moved;
    try (java.net.DatagramSocket holder =
        new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      DnsConfig now = server.config();
      moved =
          new DnsConfig(
              now.enabled(),
              now.listen(),
              holder.getLocalPort(),
              now.zones(),
              now.keys(),
              now.ddns(),
              now.udpPayloadLimit(),
              now.maxTcpConnections(),
              now.tcpIdleSeconds());
      assertThrows(Exception.class, () -> server.apply(moved));
      assertEquals(ServiceState.FAILED, server.state());
      assertThrows(Exception.class, () -> server.apply(moved), "tried again");
    }
    server.apply(moved);
    assertEquals(ServiceState.RUNNING, server.state());
    assertEquals(moved.port(), server.localAddress().getPort());
    assertEquals(Rcode.NOERROR, ask("www.cable.example.net.", Type.A).getRcode());
  }

  /** The config with port 0 (which the config rules refuse): the system picks a free port. */
  static DnsConfig onAnyPort(DnsConfig parsed) {
    return new DnsConfig(
        parsed.enabled(),
        parsed.listen(),
        0,
        parsed.zones(),
        parsed.keys(),
        parsed.ddns(),
        parsed.udpPayloadLimit(),
        parsed.maxTcpConnections(),
        parsed.tcpIdleSeconds());
  }

  private SimpleResolver resolver() throws Exception {
    SimpleResolver resolver = new SimpleResolver(server.localAddress());
    resolver.setTimeout(Duration.ofSeconds(2));
    return resolver;
  }

  private Message ask(String name, int type) throws Exception {
    return resolver()
        .send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  @Test
  void answersAuthoritativelyFromTheZone() throws Exception {
    Message answer = ask("www.cable.example.net.", Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode());
    assertTrue(answer.getHeader().getFlag(Flags.AA));
    Record a = answer.getSection(Section.ANSWER).get(0);
    assertEquals("127.0.0.5", ((ARecord) a).getAddress().getHostAddress());
    assertEquals(600, a.getTTL());
  }

  @Test
  void followsCnameInsideTheZone() throws Exception {
    Message answer = ask("alias.cable.example.net.", Type.A);
    assertEquals(
        List.of(Type.CNAME, Type.A),
        answer.getSection(Section.ANSWER).stream().map(Record::getType).toList());
  }

  @Test
  void nxdomainAndNodataCarryTheSoa() throws Exception {
    Message nx = ask("nothing.cable.example.net.", Type.A);
    assertEquals(Rcode.NXDOMAIN, nx.getRcode());
    assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
    Message nodata = ask("www.cable.example.net.", Type.MX);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    assertEquals(300, nodata.getSection(Section.AUTHORITY).get(0).getTTL());
  }

  /**
   * A request signed with a key the server does not know: NOTAUTH with an unsigned TSIG saying
   * BADKEY (RFC 8945 section 5.2.1); without it nsupdate and dig said the answer was unsigned.
   */
  @Test
  void aRequestSignedWithAnUnknownKeyGetsBadkey() throws Exception {
    Update update = new Update(Name.fromString("cable.example.net."));
    update.add(Name.fromString("printer.cable.example.net."), Type.A, 300, "127.0.0.44");
    update.setTSIG(
        new TSIG(TSIG.HMAC_SHA256, "nobodys-key.", "bm9ib2R5cy1ub2JvZHlzLW5vYm9keXMta2V5"),
        Rcode.NOERROR,
        null);
    Message answer = new Message(rawUdp(update.toWire(65535)));
    assertEquals(Rcode.NOTAUTH, answer.getRcode());
    assertNotNull(answer.getTSIG(), "a TSIG record in the answer");
    assertEquals(Rcode.BADKEY, answer.getTSIG().getError());
    assertEquals(0, answer.getTSIG().getSignature().length, "unsigned");
  }

  /**
   * A name with no records but names below it (the {@code 3.16.127.in-addr.arpa} above a /24's
   * PTRs) exists: NODATA, not NXDOMAIN (RFC 8020), which a resolver minimising its queries takes to
   * mean nothing below it exists. Once the last name below goes, it is NXDOMAIN.
   */
  @Test
  void anEmptyNonTerminalIsNodataUntilTheLastNameBelowItGoes() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    assertEquals(Rcode.NXDOMAIN, ask("lab.cable.example.net.", Type.A).getRcode());

    Update add = new Update(zone);
    add.add(Name.fromString("printer.floor1.lab", zone), Type.A, 300, "127.0.0.44");
    assertEquals(Rcode.NOERROR, signed.send(add).getRcode());
    for (String between : List.of("lab.cable.example.net.", "floor1.lab.cable.example.net.")) {
      Message nodata = ask(between, Type.A);
      assertEquals(Rcode.NOERROR, nodata.getRcode(), between);
      assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
      assertTrue(nodata.getHeader().getFlag(Flags.AA));
      assertEquals(Type.SOA, nodata.getSection(Section.AUTHORITY).get(0).getType());
    }
    assertEquals(Rcode.NXDOMAIN, ask("other.lab.cable.example.net.", Type.A).getRcode());

    Update delete = new Update(zone);
    delete.delete(Name.fromString("printer.floor1.lab", zone));
    assertEquals(Rcode.NOERROR, signed.send(delete).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("lab.cable.example.net.", Type.A).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("floor1.lab.cable.example.net.", Type.A).getRcode());
  }

  /**
   * A signed update whose record has no data (a CNAME of length 0, which dnsjava reads as an empty
   * record) is a format error (RFC 2136 section 3.4.1.3) and changes nothing. Added, it made every
   * query at its name go unanswered and every transfer of the zone carry a record no secondary
   * takes. A value-dependent prerequisite of type ANY went unanswered too.
   */
  @Test
  void anUpdateWithARecordWithoutDataIsAFormatError() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    Name bad = Name.fromString("bad", zone);
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));

    Update empty = new Update(zone);
    empty.add(Record.newRecord(bad, Type.CNAME, DClass.IN, 300));
    assertEquals(Rcode.FORMERR, signed.send(empty).getRcode());
    Update prerequisite = new Update(zone);
    prerequisite.addRecord(Record.newRecord(bad, Type.ANY, DClass.IN, 0), Section.PREREQ);
    prerequisite.add(bad, Type.A, 300, "127.0.0.45");
    assertEquals(Rcode.FORMERR, signed.send(prerequisite).getRcode());

    assertEquals(Rcode.NXDOMAIN, ask("bad.cable.example.net.", Type.A).getRcode());
    ZoneTransferIn transfer = signedAxfr();
    transfer.run();
    assertTrue(
        transfer.getAXFR().stream().noneMatch(rr -> rr.getName().equals(bad)),
        "nothing of it in the zone");
  }

  /**
   * Prerequisites of class ANY or NONE and deletions of class ANY carry no data (RFC 2136 sections
   * 3.2.1, 3.2.2, 3.4.1.3): with data they are a format error, and the update changes nothing. They
   * were taken as if the data were not there, and each of these updates applied.
   */
  @Test
  void prerequisitesAndDeletionsThatMustBeEmptyAreAFormatErrorWithData() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    Name www = Name.fromString("www", zone);
    Name added = Name.fromString("added", zone);
    byte[] address = {127, 0, 0, 5};
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));

    for (int dclass : new int[] {DClass.ANY, DClass.NONE}) {
      Update prerequisite = new Update(zone);
      prerequisite.addRecord(
          Record.newRecord(dclass == DClass.ANY ? www : added, Type.A, dclass, 0, address),
          Section.PREREQ);
      prerequisite.add(added, Type.A, 300, "127.0.0.46");
      assertEquals(
          Rcode.FORMERR,
          signed.send(prerequisite).getRcode(),
          "prerequisite " + DClass.string(dclass));
    }
    Update deletion = new Update(zone);
    deletion.addRecord(Record.newRecord(www, Type.A, DClass.ANY, 0, address), Section.UPDATE);
    assertEquals(Rcode.FORMERR, signed.send(deletion).getRcode(), "deletion");

    assertEquals(Rcode.NXDOMAIN, ask("added.cable.example.net.", Type.A).getRcode());
    assertEquals(1, ask("www.cable.example.net.", Type.A).getSection(Section.ANSWER).size());
  }

  /**
   * "Delete all RRsets from a name" (RFC 2136 section 2.5.3) at a delegation: its NS stays, as
   * clients never change NS, and the rest goes. The NS made dnsjava throw, and the whole update was
   * answered SERVFAIL.
   */
  @Test
  void deletingANameAtADelegationKeepsItsNsAndDeletesTheRest() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    Name sub = Name.fromString("sub", zone);
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    Update add = new Update(zone);
    add.add(sub, Type.TXT, 300, "\"note\"");
    assertEquals(Rcode.NOERROR, signed.send(add).getRcode());

    Update delete = new Update(zone);
    delete.delete(sub);
    assertEquals(Rcode.NOERROR, signed.send(delete).getRcode());
    ZoneTransferIn transfer = signedAxfr();
    transfer.run();
    assertEquals(
        List.of(Type.NS),
        transfer.getAXFR().stream()
            .filter(rr -> rr.getName().equals(sub))
            .map(Record::getType)
            .toList());
    Message referral = ask("host.sub.cable.example.net.", Type.A);
    assertEquals(Type.NS, referral.getSection(Section.AUTHORITY).get(0).getType());
  }

  /**
   * Wildcards as RFC 4592 has them. A walled garden's {@code *.garden A}: NODATA for AAAA (it was
   * NXDOMAIN, which a resolver applies to every type, A included); a wildcard CNAME is followed; a
   * name below an existing one ({@code cage.zoo}) is not covered by the wildcard above that ({@code
   * *.zoo}): NXDOMAIN; an empty non-terminal below a wildcard is NODATA, not the wildcard's.
   */
  @Test
  void wildcardsAnswerAsRfc4592Says() throws Exception {
    Message aaaa = ask("x.garden.cable.example.net.", Type.AAAA);
    assertEquals(Rcode.NOERROR, aaaa.getRcode());
    assertTrue(aaaa.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, aaaa.getSection(Section.AUTHORITY).get(0).getType());
    Message a = ask("x.garden.cable.example.net.", Type.A);
    assertEquals(
        "x.garden.cable.example.net.", a.getSection(Section.ANSWER).get(0).getName().toString());
    assertEquals("127.0.0.66", a.getSection(Section.ANSWER).get(0).rdataToString());

    List<Record> chain = ask("a.w.cable.example.net.", Type.A).getSection(Section.ANSWER);
    assertEquals(2, chain.size(), chain.toString());
    assertEquals("a.w.cable.example.net.", chain.get(0).getName().toString());
    assertEquals(Type.CNAME, chain.get(0).getType());
    assertEquals("127.0.0.5", chain.get(1).rdataToString());

    assertEquals(Rcode.NXDOMAIN, ask("y.cage.zoo.cable.example.net.", Type.TXT).getRcode());
    assertEquals(
        "\"zoo\"",
        ask("other.zoo.cable.example.net.", Type.TXT)
            .getSection(Section.ANSWER)
            .get(0)
            .rdataToString());

    Message emptyNonTerminal = ask("y.deep.cable.example.net.", Type.TXT);
    assertEquals(Rcode.NOERROR, emptyNonTerminal.getRcode());
    assertTrue(emptyNonTerminal.getSection(Section.ANSWER).isEmpty());
    assertEquals(1, ask("q.deep.cable.example.net.", Type.TXT).getSection(Section.ANSWER).size());
  }

  /**
   * Glue below a zone cut ({@code ns.voice}, below {@code voice NS}) is the zone's own data: an
   * update sees it ("name in use", RFC 2136 section 2.4.4) and deletes it (2.5.3). Both were taken
   * for the delegation: the prerequisite failed NXDOMAIN and the deletion left the glue in place.
   */
  @Test
  void glueBelowAZoneCutIsSeenAndDeletedByAnUpdate() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    Name glue = Name.fromString("ns.voice", zone);
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    Update update = new Update(zone);
    update.present(glue);
    update.delete(glue);
    assertEquals(Rcode.NOERROR, signed.send(update).getRcode());
    ZoneTransferIn transfer = signedAxfr();
    transfer.run();
    assertTrue(transfer.getAXFR().stream().noneMatch(rr -> rr.getName().equals(glue)));
  }

  /**
   * A CNAME of this zone that leads into a delegated child: the answer holds the CNAME with AA set
   * (it speaks of the answer's first name, this zone's), and the referral beside it. AA was cleared
   * as for a plain referral.
   */
  @Test
  void aCnameIntoADelegationIsAuthoritativeForTheCname() throws Exception {
    Message answer = ask("tovoice.cable.example.net.", Type.A);
    assertEquals(Rcode.NOERROR, answer.getRcode());
    assertTrue(answer.getHeader().getFlag(Flags.AA));
    assertEquals(Type.CNAME, answer.getSection(Section.ANSWER).get(0).getType());
    assertEquals(Type.NS, answer.getSection(Section.AUTHORITY).get(0).getType());
  }

  /** A CNAME to a name the zone lacks: NXDOMAIN, the rcode of the chain's last name (RFC 6604). */
  @Test
  void aCnameToAMissingNameIsNxdomainWithTheCname() throws Exception {
    Message dangling = ask("dangling.cable.example.net.", Type.A);
    assertEquals(Rcode.NXDOMAIN, dangling.getRcode());
    assertEquals(Type.CNAME, dangling.getSection(Section.ANSWER).get(0).getType());
    assertEquals(Type.SOA, dangling.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void refersDelegatedNamesWithoutAuthority() throws Exception {
    Message referral = ask("host.sub.cable.example.net.", Type.A);
    assertFalse(referral.getHeader().getFlag(Flags.AA));
    assertEquals(Type.NS, referral.getSection(Section.AUTHORITY).get(0).getType());
    assertTrue(
        referral.getSection(Section.ADDITIONAL).stream().allMatch(r -> r.getType() == Type.OPT),
        "its server is elsewhere");

    // A child whose server lies in this zone: the referral carries its address (glue), or a
    // resolver asking for it would get the same referral and never reach the child.
    Message voice = ask("mta1.voice.cable.example.net.", Type.A);
    assertEquals(Type.NS, voice.getSection(Section.AUTHORITY).get(0).getType());
    List<Record> glue =
        voice.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT).toList();
    assertEquals(1, glue.size(), glue.toString());
    assertEquals("127.0.0.9", ((ARecord) glue.get(0)).getAddress().getHostAddress());
  }

  @Test
  void queriesOfUnusualTypesShareOneStatistic() throws Exception {
    int before = stats.snapshot().size();
    SimpleResolver resolver = resolver();
    for (int type = 1000; type < 1200; type++) {
      resolver.send(
          Message.newQuery(
              Record.newRecord(Name.fromString("www.cable.example.net."), type, DClass.IN)));
    }
    assertEquals(200L, stats.snapshot().get("dns.query.other"));
    assertEquals(before, stats.snapshot().size(), "no statistic per type a client made up");
  }

  @Test
  void refusesNamesOutsideItsZonesSoItIsNoOpenResolver() throws Exception {
    assertEquals(Rcode.REFUSED, ask("www.example.com.", Type.A).getRcode());
    assertEquals(1L, stats.snapshot().get("dns.rcode.refused"));
  }

  @Test
  void truncatesLargeUdpAnswersAndTheResolverRetriesOverTcp() throws Exception {
    Message query =
        Message.newQuery(
            Record.newRecord(Name.fromString("many.cable.example.net."), Type.A, DClass.IN));
    byte[] reply = rawUdp(query.toWire());
    assertTrue(reply.length <= 512);
    assertTrue(new Message(reply).getHeader().getFlag(Flags.TC));
    // SimpleResolver sends EDNS0 (1280) by default; 60 A records fit in neither, so it retries on
    // TCP.
    Message full = ask("many.cable.example.net.", Type.A);
    assertEquals(60, full.getSection(Section.ANSWER).size());
  }

  @Test
  void answersEdnsWithItsOwnOpt() throws Exception {
    SimpleResolver resolver = resolver();
    resolver.setEDNS(0, 4096, 0, List.of());
    Message answer =
        resolver.send(
            Message.newQuery(
                Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN)));
    assertEquals(1232, answer.getOPT().getPayloadSize());
  }

  /**
   * The answer's OPT echoes the query's DO bit (RFC 3225 section 3), from the answer cache too,
   * whichever came first. It was always clear.
   */
  @Test
  void theAnswersOptCarriesTheQuerysDoBit() throws Exception {
    SimpleResolver plain = resolver();
    plain.setEDNS(0, 1232, 0, List.of());
    SimpleResolver dnssecOk = resolver();
    dnssecOk.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
    for (String name : List.of("www.cable.example.net.", "ns1.cable.example.net.")) {
      Message query = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
      boolean doFirst = name.startsWith("ns1");
      for (boolean withDo : new boolean[] {doFirst, !doFirst, doFirst, !doFirst}) {
        Message answer = (withDo ? dnssecOk : plain).send(query);
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertEquals(
            withDo ? ExtendedFlags.DO : 0,
            answer.getOPT().getFlags() & ExtendedFlags.DO,
            name + " DO " + withDo);
      }
    }
  }

  /** A query with two OPT records is a format error (RFC 6891 section 6.1.1); it was answered. */
  @Test
  void aQueryWithTwoOptsIsAFormatError() throws Exception {
    Message query =
        Message.newQuery(
            Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN));
    query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    Message answer = new Message(rawUdp(query.toWire()));
    assertEquals(query.getHeader().getID(), answer.getHeader().getID());
    assertEquals(Rcode.FORMERR, answer.getRcode());
    assertTrue(answer.getSection(Section.ANSWER).isEmpty());
  }

  /**
   * A TCP message may be 65535 octets long (its two-octet length prefix, RFC 7766 section 8): one
   * of 65534 or 65535 octets is answered. Netty's frame limit counted the prefix, and such a
   * message closed the connection.
   */
  @Test
  void aTcpMessageOfUpTo65535OctetsIsAnswered() throws Exception {
    for (int size : new int[] {65534, 65535}) {
      Message query =
          Message.newQuery(
              Record.newRecord(Name.fromString("www.cable.example.net."), Type.A, DClass.IN));
      int bare = query.toWire().length + 11 + 4; // an OPT, and the padding option's header
      query.addRecord(
          new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(12, new byte[size - bare]))),
          Section.ADDITIONAL);
      byte[] wire = query.toWire();
      assertEquals(size, wire.length);
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(server.localAddress(), 2000);
        socket.setSoTimeout(5000);
        java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
        out.writeShort(wire.length);
        out.write(wire);
        out.flush();
        java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
        byte[] reply = new byte[in.readUnsignedShort()];
        in.readFully(reply);
        Message answer = new Message(reply);
        assertEquals(query.getHeader().getID(), answer.getHeader().getID());
        assertEquals(Rcode.NOERROR, answer.getRcode(), "size " + size);
        assertEquals(1, answer.getSection(Section.ANSWER).size());
      }
    }
  }

  @Test
  void survivesMalformedMessagesAndAnswersFormerrWhenTheHeaderIsReadable() throws Exception {
    byte[] loop = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
    Message formerr = new Message(rawUdp(loop));
    assertEquals(0x1234, formerr.getHeader().getID());
    assertEquals(Rcode.FORMERR, formerr.getRcode());
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.send(new DatagramPacket(new byte[3], 3, server.localAddress()));
      socket.send(new DatagramPacket(new byte[9000], 9000, server.localAddress()));
    }
    assertEquals(Rcode.NOERROR, ask("www.cable.example.net.", Type.A).getRcode());
  }

  @Test
  void appliesSignedUpdatesAndRefusesOthers() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    Update update = new Update(zone);
    update.add(Name.fromString("new", zone), Type.A, 300, "127.0.0.9");
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    assertEquals(Rcode.NOERROR, signed.send(update).getRcode());
    assertEquals(Rcode.NOERROR, ask("new.cable.example.net.", Type.A).getRcode());

    Update unsigned = new Update(zone);
    unsigned.add(Name.fromString("evil", zone), Type.A, 300, "127.0.0.66");
    assertEquals(Rcode.REFUSED, resolver().send(unsigned).getRcode());
    SimpleResolver wrongKey = resolver();
    wrongKey.setTSIGKey(
        new TSIG(TSIG.HMAC_SHA256, "ddns-key.", "b3RoZXItb3RoZXItb3RoZXItb3RoZXI="));
    assertEquals(Rcode.NOTAUTH, wrongKey.send(unsigned).getRcode());
    SimpleResolver notAllowed = resolver();
    notAllowed.setTSIGKey(
        new TSIG(TSIG.HMAC_SHA256, "other-key.", "b3RoZXItb3RoZXItb3RoZXItb3RoZXI="));
    assertEquals(Rcode.REFUSED, notAllowed.send(unsigned).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("evil.cable.example.net.", Type.A).getRcode());
    assertEquals(1L, stats.snapshot().get("dns.update.accepted"));
    assertEquals(3L, stats.snapshot().get("dns.update.refused"));

    // The console sees each, newest first, and the refusals again apart.
    List<DnsUpdateView.Update> seen = server.recentUpdates().recentUpdates();
    assertEquals(
        List.of("REFUSED", "NOTAUTH", "REFUSED", "NOERROR"),
        seen.stream().map(DnsUpdateView.Update::rcode).toList());
    DnsUpdateView.Update applied = seen.get(3);
    assertTrue(applied.ok());
    assertEquals("cable.example.net.", applied.zone());
    assertEquals("ddns-key.", applied.key());
    assertEquals(List.of("add new.cable.example.net. 300 A 127.0.0.9"), applied.changes());
    assertTrue(applied.source().startsWith("RFC 2136 from 127.0.0.1:"), applied.source());
    assertEquals("TSIG BADSIG", seen.get(1).note());
    assertEquals("unsigned; the zone takes signed updates only", seen.get(2).note());
    assertEquals("key not allowed", seen.get(0).note());
    assertEquals(seen.subList(0, 3), server.recentUpdates().recentFailures());
  }

  @Test
  void honoursPrerequisites() throws Exception {
    Name zone = Name.fromString("cable.example.net.");
    long serialBefore = serial();
    SimpleResolver signed = resolver();
    signed.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    Update taken = new Update(zone);
    taken.absent(Name.fromString("www", zone));
    taken.add(Name.fromString("www", zone), Type.A, 300, "127.0.0.99");
    assertEquals(Rcode.YXDOMAIN, signed.send(taken).getRcode());
    Update valueDependent = new Update(zone);
    valueDependent.present(
        Record.fromString(Name.fromString("www", zone), Type.A, DClass.IN, 0, "127.0.0.5", zone));
    valueDependent.delete(Name.fromString("www", zone), Type.A);
    assertEquals(Rcode.NOERROR, signed.send(valueDependent).getRcode());
    assertEquals(Rcode.NXDOMAIN, ask("www.cable.example.net.", Type.A).getRcode());
    assertTrue(DnsZone.serialGreater(serial(), serialBefore), "one change, one serial step");
  }

  private long serial() throws Exception {
    return ((SOARecord) ask("cable.example.net.", Type.SOA).getSection(Section.ANSWER).get(0))
        .getSerial();
  }

  @Test
  void transfersTheZoneToAKeyItListsOnly() throws Exception {
    InetSocketAddress at = server.localAddress();
    ZoneTransferIn xfr =
        ZoneTransferIn.newAXFR(
            Name.fromString("cable.example.net."),
            at,
            new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    xfr.setTimeout(Duration.ofSeconds(5));
    xfr.run();
    List<Record> records = new ArrayList<>(xfr.getAXFR());
    assertEquals(Type.SOA, records.get(0).getType());
    assertTrue(records.size() > 60);
    ZoneTransferIn unsigned =
        ZoneTransferIn.newAXFR(Name.fromString("cable.example.net."), at, null);
    unsigned.setTimeout(Duration.ofSeconds(5));
    org.junit.jupiter.api.Assertions.assertThrows(
        org.xbill.DNS.ZoneTransferException.class, unsigned::run);
  }

  /**
   * Held while the leases' names are published again: transfers and negative answers SERVFAIL (an
   * NXDOMAIN for a modem's name not laid yet was cached by resolvers for the SOA minimum), names
   * already there answered; then the whole zone, and NXDOMAIN where due.
   */
  @Test
  void holdsTransfersAndNegativeAnswersUntilTheNamesArePublishedAgain() throws Exception {
    CompletableFuture<Void> published = new CompletableFuture<>();
    server.holdUntilNamesPublished(published);
    assertEquals(Rcode.SERVFAIL, ask("cm-001122334455.cable.example.net.", Type.A).getRcode());
    assertEquals(Rcode.SERVFAIL, ask("cm-001122334455.cable.example.net.", Type.A).getRcode());
    assertEquals(2L, stats.snapshot().get("dns.negative_held"), "never from the answer cache");
    Message www = ask("www.cable.example.net.", Type.A);
    assertEquals(Rcode.NOERROR, www.getRcode());
    assertEquals(1, www.getSection(Section.ANSWER).size());
    ZoneTransferIn held = signedAxfr();
    org.xbill.DNS.ZoneTransferException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.xbill.DNS.ZoneTransferException.class, held::run);
    assertTrue(refused.getMessage().contains("SERVFAIL"), refused.getMessage());
    assertEquals(1L, stats.snapshot().get("dns.transfer.held"));

    published.complete(null);
    ZoneTransferIn xfr = signedAxfr();
    xfr.run();
    assertTrue(xfr.getAXFR().size() > 60);
    assertEquals(Rcode.NXDOMAIN, ask("cm-001122334455.cable.example.net.", Type.A).getRcode());
  }

  private ZoneTransferIn signedAxfr() throws Exception {
    ZoneTransferIn xfr =
        ZoneTransferIn.newAXFR(
            Name.fromString("cable.example.net."),
            server.localAddress(),
            new TSIG(TSIG.HMAC_SHA256, "ddns-key.", SECRET));
    xfr.setTimeout(Duration.ofSeconds(5));
    return xfr;
  }

  private byte[] rawUdp(byte[] query) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      socket.send(new DatagramPacket(query, query.length, server.localAddress()));
      DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
      socket.receive(reply);
      return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
    }
  }
}
