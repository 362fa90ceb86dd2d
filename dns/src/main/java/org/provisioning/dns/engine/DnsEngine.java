package org.provisioning.dns.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.provisioning.dns.zone.ClientRRsets;
import org.provisioning.dns.zone.DnsKeys;
import org.provisioning.dns.zone.DnsZone;
import org.provisioning.dns.zone.DnsZoneHistory;
import org.provisioning.dns.zone.DnsZones;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Turns one request into its answers: {@code List<byte[]> handle(byte[], DnsTransport)}. Most
 * requests get one answer; an AXFR gets a stream; a message whose header cannot be read gets none
 * (there is no ID to answer to).
 *
 * <p>Authoritative only (RFC 1034 section 4.3.2 without recursion): a name outside every served
 * zone is REFUSED, never looked up elsewhere, so the server is no open resolver.
 */
public final class DnsEngine {
  private static final Logger log = LoggerFactory.getLogger(DnsEngine.class);

  /** RFC 1035 section 4.2.1: UDP without EDNS0 carries at most 512 octets. */
  static final int CLASSIC_UDP = 512;

  /**
   * Uncompressed octets of records per transfer message: with the last record (at most 64 KiB
   * itself only in theory) each stays well under the 64 KiB a TCP message may hold.
   */
  private static final int TRANSFER_MESSAGE_OCTETS = 16_000;

  /** The label a wildcard's owner starts with (RFC 4592), to put before a closest encloser. */
  private static final Name WILDCARD_LABEL = Name.fromConstantString("*");

  /** How long a client's update may wait for the journal before it is answered SERVFAIL. */
  private static final int UPDATE_DURABLE_SECONDS = 10;

  private final Supplier<DnsZones> zones;
  private final Supplier<DnsKeys> keys;
  private final DnsStatistics stats;
  private final DnsUpdateHandler updates;
  private final ClientRRsets kept;
  private volatile BooleanSupplier namesPublished = () -> true;
  private final DnsAnswerCache cache = new DnsAnswerCache();
  private volatile int udpPayloadLimit;

  public DnsEngine(
      Supplier<DnsZones> zones, Supplier<DnsKeys> keys, DnsStatistics stats, int udpPayloadLimit) {
    this(zones, keys, stats, udpPayloadLimit, null);
  }

  /**
   * An engine that answers a client's update only once {@code kept} holds what it changed durably
   * (null: updates live in the zones only).
   */
  public DnsEngine(
      Supplier<DnsZones> zones,
      Supplier<DnsKeys> keys,
      DnsStatistics stats,
      int udpPayloadLimit,
      ClientRRsets kept) {
    this.zones = zones;
    this.keys = keys;
    this.stats = stats;
    this.udpPayloadLimit = udpPayloadLimit;
    this.updates = new DnsUpdateHandler(stats);
    this.kept = kept;
  }

  /**
   * Zone transfers and negative answers are SERVFAIL (the asker tries again) until {@code
   * published} says the zones' dynamic names are in: published again at start, or after a config
   * change rebuilt the zones, they are missing meanwhile, and a transfer would copy a zone without
   * them, an NXDOMAIN for a modem's name be cached by resolvers for the SOA minimum.
   */
  public void heldUntil(BooleanSupplier published) {
    this.namesPublished = published;
  }

  public void setUdpPayloadLimit(int limit) {
    this.udpPayloadLimit = limit;
  }

  public DnsUpdateHandler updates() {
    return updates;
  }

  /** The answers to one request, in order; empty when the request is dropped. */
  /**
   * Whether a message asks for an update (opcode 5), read from its header without parsing it: the
   * server answers those on a thread of its own, as they wait for the journal.
   */
  public static boolean isUpdate(byte[] wire) {
    return wire.length >= 3 && ((wire[2] >> 3) & 0x0f) == Opcode.UPDATE;
  }

  public List<byte[]> handle(byte[] wire, DnsTransport transport) {
    return handle(wire, transport, null);
  }

  /**
   * The answers to one request from {@code source} (named in the console's record of the updates it
   * sends; null when not known).
   */
  public List<byte[]> handle(byte[] wire, DnsTransport transport, InetSocketAddress source) {
    long start = System.nanoTime();
    try {
      DnsZones served = zones.get();
      int limit = udpPayloadLimit;
      DnsAnswerCache.Question plain = DnsAnswerCache.Question.parse(wire);
      if (plain != null) {
        int maxUdp =
            transport == DnsTransport.TCP
                ? 65535
                : plain.ednsPayload() < 0
                    ? CLASSIC_UDP
                    : Math.max(CLASSIC_UDP, Math.min(plain.ednsPayload(), limit));
        byte[] kept = cache.answer(wire, plain, served, limit, maxUdp);
        if (kept != null) {
          stats.cacheHits.increment();
          return List.of(kept);
        }
      }
      return answer(wire, transport, plain, served, limit, source);
    } finally {
      stats.latency.recordNanos(System.nanoTime() - start);
    }
  }

  /** The answers as the full way gives them, the cache neither read nor filled (tests). */
  List<byte[]> handleUncached(byte[] wire, DnsTransport transport) {
    return answer(wire, transport, null, zones.get(), udpPayloadLimit, null);
  }

  /**
   * The full way: dnsjava parses the request and renders the answer. {@code plain} is the request's
   * question if the answer cache may keep the answer (else null).
   */
  private List<byte[]> answer(
      byte[] wire,
      DnsTransport transport,
      DnsAnswerCache.Question plain,
      DnsZones served,
      int payloadLimit,
      InetSocketAddress source) {
    Message query;
    try {
      query = new Message(wire);
      // dnsjava keeps a query with TC set that ends early partly parsed: its header then counts
      // records its sections lack, and getTSIG() throws. Such a message is malformed too.
      query.getTSIG();
    } catch (IOException | RuntimeException e) {
      return formatError(wire);
    }
    Header header = query.getHeader();
    if (header.getFlag(Flags.QR)) {
      stats.malformed.increment(); // a response sent to us: answering would start a loop
      return List.of();
    }
    int maxUdp = CLASSIC_UDP;
    OPTRecord opt = query.getOPT();
    int opts = 0;
    for (Record record : query.getSection(Section.ADDITIONAL)) {
      opts += record.getType() == Type.OPT ? 1 : 0;
    }
    Message response = new Message(header.getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setOpcode(header.getOpcode());
    if (header.getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
    }
    Record question = query.getQuestion();
    if (question != null) {
      response.addRecord(question, Section.QUESTION);
    }
    if (opts > 1) {
      stats.malformed.increment(); // RFC 6891 section 6.1.1: more than one OPT is FORMERR
      return finish(response, Rcode.FORMERR, transport, maxUdp);
    }
    if (opt != null) {
      maxUdp = Math.max(CLASSIC_UDP, Math.min(opt.getPayloadSize(), payloadLimit));
      // RFC 3225 section 3: the DO bit of the query is copied into the response.
      int dnssecOk = opt.getFlags() & ExtendedFlags.DO;
      if (opt.getVersion() != 0) {
        // RFC 6891 section 6.1.3: BADVERS (16) is 1 in the OPT's extended rcode, 0 in the header.
        response.addRecord(
            new OPTRecord(payloadLimit, Rcode.BADVERS >> 4, 0, dnssecOk), Section.ADDITIONAL);
        stats.rcode(Rcode.BADVERS);
        return List.of(response.toWire(maxUdp));
      }
      response.addRecord(new OPTRecord(payloadLimit, 0, 0, dnssecOk), Section.ADDITIONAL);
    }
    // RFC 8945 section 5.2: a signed request is verified before anything else.
    TSIG key = null;
    TSIGRecord requestTsig = query.getTSIG();
    if (requestTsig != null) {
      key = keys.get().find(requestTsig.getName()).orElse(null);
      if (key == null) {
        stats.updateRefusedIfUpdate(header.getOpcode());
        recordRefusedUpdate(query, requestTsig.getName(), source, "unknown TSIG key");
        // RFC 8945 section 5.2.1: NOTAUTH with an unsigned TSIG saying BADKEY, so the client
        // (nsupdate, dig) says its key is unknown rather than that the answer was not signed.
        try {
          response.setTSIG(
              new TSIG(requestTsig.getAlgorithm(), requestTsig.getName(), new byte[32]),
              Rcode.BADKEY,
              requestTsig);
        } catch (IllegalArgumentException unknownAlgorithm) {
          // an algorithm nobody knows: NOTAUTH alone
        }
        return finish(response, Rcode.NOTAUTH, transport, maxUdp);
      }
      int verified = key.verify(query, wire, null);
      if (verified != Rcode.NOERROR) {
        stats.updateRefusedIfUpdate(header.getOpcode());
        recordRefusedUpdate(
            query, requestTsig.getName(), source, "TSIG " + Rcode.TSIGstring(verified));
        response.setTSIG(key, verified, requestTsig);
        return finish(response, Rcode.NOTAUTH, transport, maxUdp);
      }
      response.setTSIG(key, Rcode.NOERROR, requestTsig);
    }
    Name keyName = key == null ? null : requestTsig.getName();
    int opcode = header.getOpcode();
    if (opcode == Opcode.UPDATE) {
      return finish(response, update(query, keyName, source), transport, maxUdp);
    }
    if (opcode == Opcode.NOTIFY) {
      return finish(response, notified(question, header, response), transport, maxUdp);
    }
    if (opcode != Opcode.QUERY) {
      return finish(response, Rcode.NOTIMP, transport, maxUdp);
    }
    if (question == null || header.getCount(Section.QUESTION) != 1) {
      return finish(response, Rcode.FORMERR, transport, maxUdp);
    }
    int type = question.getType();
    stats.query(type);
    if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
      return finish(response, Rcode.REFUSED, transport, maxUdp);
    }
    DnsZone zone = served.find(question.getName()).orElse(null);
    if (zone == null) {
      return finish(response, Rcode.REFUSED, transport, maxUdp);
    }
    if (type == Type.AXFR || type == Type.IXFR) {
      return transfer(zone, query, response, key, keyName, requestTsig, transport, maxUdp);
    }
    long version = zone.version(); // read before the data: a change meanwhile makes this stale
    boolean steady = !zone.changing();
    int rcode = lookup(zone, question.getName(), type, response);
    if (!steady || zone.changing() || zone.version() != version) {
      // An update changed the zone while the answer was read: it may hold half of the update
      // (RFC 2136 section 3.7). Read again, holding the zone as updates do.
      clearAnswer(response);
      synchronized (zone) {
        version = zone.version();
        rcode = lookup(zone, question.getName(), type, response);
      }
    }
    if (plain == null || rcode == Rcode.SERVFAIL) {
      return finish(response, rcode, transport, maxUdp); // a held answer is never cached
    }
    response.getHeader().setRcode(rcode);
    stats.rcode(rcode);
    byte[] whole = response.toWire(65535);
    cache.keep(
        plain,
        whole,
        served,
        zone,
        version,
        payloadLimit,
        stats.queryCounter(type),
        stats.rcodeCounter(rcode));
    if (transport == DnsTransport.TCP || whole.length <= maxUdp) {
      return List.of(whole);
    }
    return List.of(response.toWire(maxUdp));
  }

  /** Takes out what a lookup added: its answer, authority and glue, not the OPT record. */
  private static void clearAnswer(Message response) {
    response.removeAllRecords(Section.ANSWER);
    response.removeAllRecords(Section.AUTHORITY);
    for (Record record : response.getSection(Section.ADDITIONAL)) {
      if (record.getType() != Type.OPT) {
        response.removeRecord(record, Section.ADDITIONAL);
      }
    }
  }

  /**
   * RFC 1034 section 4.3.2 step 3 within one zone, following CNAMEs that stay in it, with wildcards
   * as RFC 4592 has them: a name that does not exist is answered from {@code *.<closest encloser>}
   * if the zone has it (its data, its CNAME, or NODATA when it has neither), and is NXDOMAIN
   * otherwise. dnsjava's own wildcard matching answered NXDOMAIN when the wildcard lacked the type
   * asked for (a walled garden's {@code *.garden A}: NXDOMAIN for AAAA, which a resolver then took
   * for every type), ignored a wildcard CNAME, and matched wildcards above the closest encloser.
   * DNAME (RFC 6672) is not followed: the config rule, updates and the journal's replay keep it
   * out.
   */
  private int lookup(DnsZone zone, Name name, int type, Message response) {
    response.getHeader().setFlag(Flags.AA);
    for (int hops = 0; hops < 8; hops++) {
      SetResponse found = zone.data().findRecords(name, type);
      if (found.isDelegation()) {
        // A referral (RFC 1034 section 4.3.2 step 3b): not authoritative for the child; but a
        // CNAME of ours that led here is, and AA speaks of the answer's first name (RFC 1035
        // section 4.1.1).
        if (hops == 0) {
          response.getHeader().unsetFlag(Flags.AA);
        }
        addAll(response, found.getNS(), Section.AUTHORITY);
        addGlue(zone, found.getNS(), response);
        return Rcode.NOERROR;
      }
      boolean synthesised = false;
      if (!zone.ownsRecords(name)) {
        Name wildcard = zone.exists(name) ? null : coveringWildcard(zone, name);
        if (wildcard == null) {
          // An empty non-terminal exists (RFC 8020): NODATA; any other name: NXDOMAIN.
          return negative(zone, response, !zone.exists(name));
        }
        synthesised = true;
        found = zone.data().findRecords(wildcard, type);
      }
      if (found.isSuccessful()) {
        for (RRset set : found.answers()) {
          for (Record record : set.rrs(false)) {
            response.addRecord(synthesised ? record.withName(name) : record, Section.ANSWER);
          }
        }
        return Rcode.NOERROR;
      }
      if (found.isCNAME()) {
        CNAMERecord cname = found.getCNAME();
        response.addRecord(synthesised ? cname.withName(name) : cname, Section.ANSWER);
        name = cname.getTarget();
        if (!name.subdomain(zone.origin())) {
          return Rcode.NOERROR;
        }
        continue;
      }
      return negative(zone, response, false);
    }
    return Rcode.NOERROR;
  }

  /**
   * The wildcard a name that does not exist is answered from (RFC 4592 section 3.3.1): the source
   * of synthesis {@code *.<closest encloser>}, its closest encloser being the nearest ancestor that
   * exists; null if the zone has no such wildcard.
   */
  private static Name coveringWildcard(DnsZone zone, Name name) {
    Name origin = zone.origin();
    for (int strip = 1; name.labels() - strip >= origin.labels(); strip++) {
      Name ancestor = new Name(name, strip);
      if (ancestor.equals(origin) || zone.exists(ancestor)) {
        try {
          Name wildcard = Name.concatenate(WILDCARD_LABEL, ancestor);
          return zone.ownsRecords(wildcard) ? wildcard : null;
        } catch (NameTooLongException e) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * A negative answer, NXDOMAIN or NODATA, with the zone's SOA (RFC 2308 section 3; RFC 6604
   * section 2.1: the rcode says what became of the last name of a CNAME chain).
   */
  private int negative(DnsZone zone, Message response, boolean nxdomain) {
    if (!namesPublished.getAsBoolean()) {
      // The name may be a lease's not published yet: not a negative answer to cache.
      stats.negativeHeld.increment();
      response.removeAllRecords(Section.ANSWER);
      return Rcode.SERVFAIL;
    }
    // Negative answers carry the SOA, its TTL capped by the minimum.
    SOARecord soa = zone.soa();
    response.addRecord(
        new SOARecord(
            soa.getName(),
            soa.getDClass(),
            Math.min(soa.getTTL(), soa.getMinimum()),
            soa.getHost(),
            soa.getAdmin(),
            soa.getSerial(),
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum()),
        Section.AUTHORITY);
    return nxdomain ? Rcode.NXDOMAIN : Rcode.NOERROR;
  }

  /**
   * The addresses of the child's name servers that lie in this zone (glue, RFC 1034 section 4.3.2
   * step 3b): without them a resolver asks for the server's address, gets the same referral, and
   * never reaches the child.
   */
  private static void addGlue(DnsZone zone, RRset delegation, Message response) {
    for (Record record : delegation.rrs(false)) {
      Name server = ((NSRecord) record).getTarget();
      if (server.subdomain(zone.origin())) {
        for (int type : new int[] {Type.A, Type.AAAA}) {
          RRset addresses = zone.data().findExactMatch(server, type);
          if (addresses != null) {
            addAll(response, addresses, Section.ADDITIONAL);
          }
        }
      }
    }
  }

  private static void addAll(Message response, RRset set, int section) {
    for (Record record : set.rrs(false)) {
      response.addRecord(record, section);
    }
  }

  /**
   * Zone transfers, to TSIG-signed requests with a key the zone lists in transferKeys: AXFR (RFC
   * 5936) over TCP; IXFR (RFC 1995) over TCP, or over UDP when the answer fits.
   */
  private List<byte[]> transfer(
      DnsZone zone,
      Message query,
      Message response,
      TSIG key,
      Name keyName,
      TSIGRecord requestTsig,
      DnsTransport transport,
      int maxUdp) {
    Record question = query.getQuestion();
    if (!question.getName().equals(zone.origin()) || !zone.mayTransfer(keyName)) {
      stats.transferRefused.increment();
      return finish(response, Rcode.REFUSED, transport, maxUdp);
    }
    if (!namesPublished.getAsBoolean()) {
      stats.transferHeld.increment();
      return finish(response, Rcode.SERVFAIL, transport, maxUdp);
    }
    if (question.getType() == Type.IXFR) {
      return incremental(zone, query, response, key, requestTsig, transport, maxUdp);
    }
    if (transport == DnsTransport.UDP) {
      stats.transferRefused.increment();
      return finish(response, Rcode.FORMERR, transport, maxUdp);
    }
    stats.transferGranted.increment();
    stats.rcode(Rcode.NOERROR);
    return stream(question, response, whole(zone), key, requestTsig);
  }

  /**
   * IXFR (RFC 1995 section 4). The client's serial comes in the authority section's SOA. A client
   * as new as this server, or newer, gets the current SOA alone; one whose serial starts a kept
   * delta gets the difference sequences (current SOA, then per change the old SOA, what was
   * deleted, the new SOA, what was added, then the current SOA again), unless they would be larger
   * than the zone; any other gets the whole zone, AXFR-style. Over UDP (section 2) an answer that
   * does not fit one datagram is replaced by the current SOA alone, which sends the client to TCP.
   */
  private List<byte[]> incremental(
      DnsZone zone,
      Message query,
      Message response,
      TSIG key,
      TSIGRecord requestTsig,
      DnsTransport transport,
      int maxUdp) {
    SOARecord client = null;
    for (Record record : query.getSection(Section.AUTHORITY)) {
      if (record instanceof SOARecord soa && soa.getName().equals(zone.origin())) {
        client = soa;
      }
    }
    if (client == null) {
      stats.transferRefused.increment();
      return finish(response, Rcode.FORMERR, transport, maxUdp);
    }
    stats.transferGranted.increment();
    List<Record> records;
    SOARecord current;
    synchronized (zone) {
      current = zone.soa();
      if (!DnsZone.serialGreater(current.getSerial(), client.getSerial())) {
        records = List.of(current);
        stats.ixfrCurrent.increment();
      } else {
        records =
            zone.changesSince(client.getSerial()).map(d -> sequences(current, d)).orElse(null);
        if (records == null || records.size() >= zone.size()) {
          records = whole(zone);
          stats.ixfrFull.increment();
        } else {
          stats.ixfrIncremental.increment();
        }
      }
    }
    stats.rcode(Rcode.NOERROR);
    if (transport == DnsTransport.UDP) {
      Message single = new Message(response.getHeader().getID());
      single.getHeader().setFlag(Flags.QR);
      single.getHeader().setFlag(Flags.AA);
      single.getHeader().setOpcode(Opcode.QUERY);
      single.addRecord(query.getQuestion(), Section.QUESTION);
      records.forEach(r -> single.addRecord(r, Section.ANSWER));
      key.apply(single, Rcode.NOERROR, requestTsig);
      byte[] wire = single.toWire();
      if (wire.length <= maxUdp) {
        return List.of(wire);
      }
      response.getHeader().setFlag(Flags.AA);
      response.getHeader().setRcode(Rcode.NOERROR);
      response.addRecord(current, Section.ANSWER);
      return List.of(response.toWire(maxUdp));
    }
    return stream(query.getQuestion(), response, records, key, requestTsig);
  }

  /** RFC 1995 section 4: the difference sequences, framed by the current SOA. */
  private static List<Record> sequences(SOARecord current, List<DnsZoneHistory.Delta> deltas) {
    List<Record> records = new ArrayList<>();
    records.add(current);
    for (DnsZoneHistory.Delta delta : deltas) {
      records.add(delta.from());
      records.addAll(delta.deleted());
      records.add(delta.to());
      records.addAll(delta.added());
    }
    records.add(current);
    return records;
  }

  /** The zone in AXFR order: the SOA, every other record, the SOA again (RFC 5936 section 2.2). */
  private static List<Record> whole(DnsZone zone) {
    List<Record> records = new ArrayList<>();
    for (RRset set : zone.transfer()) {
      records.addAll(set.rrs(false));
    }
    records.add(records.get(0));
    return records;
  }

  /**
   * A transfer's records over TCP in as many messages as it takes, each well under 64 KiB, each
   * signed, the later ones chained on the MAC before them (RFC 8945 section 5.3.1).
   */
  private static List<byte[]> stream(
      Record question, Message response, List<Record> records, TSIG key, TSIGRecord requestTsig) {
    List<byte[]> messages = new ArrayList<>();
    TSIGRecord previous = requestTsig;
    int next = 0;
    while (next < records.size() || messages.isEmpty()) {
      Message part = new Message(response.getHeader().getID());
      part.getHeader().setFlag(Flags.QR);
      part.getHeader().setFlag(Flags.AA);
      if (messages.isEmpty()) {
        part.addRecord(question, Section.QUESTION);
      }
      int octets = 0;
      while (next < records.size() && (octets == 0 || octets < TRANSFER_MESSAGE_OCTETS)) {
        Record record = records.get(next++);
        part.addRecord(record, Section.ANSWER);
        octets += record.toWire(Section.ANSWER).length;
      }
      key.apply(part, Rcode.NOERROR, previous, messages.isEmpty());
      previous = part.getTSIG();
      messages.add(part.toWire());
    }
    return messages;
  }

  /**
   * A NOTIFY (RFC 1996) sent to us. This server is the primary of every zone it serves, so there is
   * nothing to transfer: the NOTIFY is acknowledged (section 4.7: the question echoed, AA) as BIND
   * does for its primary zones. One for a zone not served here gets NOTAUTH, a malformed one
   * FORMERR (section 3.7: one question, of type SOA).
   */
  private int notified(Record question, Header header, Message response) {
    stats.notifyReceived.increment();
    if (question == null
        || header.getCount(Section.QUESTION) != 1
        || question.getType() != Type.SOA) {
      return Rcode.FORMERR;
    }
    if (zones.get().exactly(question.getName()).isEmpty()) {
      return Rcode.NOTAUTH;
    }
    response.getHeader().setFlag(Flags.AA);
    return Rcode.NOERROR;
  }

  private int update(Message query, Name keyName, InetSocketAddress source) {
    Record zoneRecord = query.getQuestion();
    if (zoneRecord == null
        || query.getHeader().getCount(Section.ZONE) != 1
        || zoneRecord.getType() != Type.SOA) {
      stats.updateRefused.increment();
      return recorded(query, null, keyName, source, Rcode.FORMERR, "no single SOA zone section");
    }
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(UPDATE_DURABLE_SECONDS);
    while (true) {
      DnsZone zone = zones.get().exactly(zoneRecord.getName()).orElse(null);
      if (zone == null) {
        stats.updateRefused.increment();
        return recorded(
            query, zoneRecord.getName(), keyName, source, Rcode.NOTAUTH, "not a zone served here");
      }
      Integer rcode = update(query, keyName, source, zone, System.nanoTime() - giveUp > 0);
      if (rcode != null) {
        return rcode;
      }
      try {
        Thread.sleep(1); // the rebuild publishes the zone that replaced this one in a moment
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return recorded(query, zone.origin(), keyName, source, Rcode.SERVFAIL, "interrupted");
      }
    }
  }

  /**
   * The update applied to {@code zone}; null if a rebuild replaced the zone first (applied there,
   * it was answered NOERROR and lost: the new zone was built without it), unless {@code last}.
   */
  private Integer update(
      Message query, Name keyName, InetSocketAddress source, DnsZone zone, boolean last) {
    if (!zone.mayUpdate(keyName)) {
      // The zone's update policy: only the keys it names may change it.
      stats.updateRefused.increment();
      return recorded(
          query,
          zone.origin(),
          keyName,
          source,
          Rcode.REFUSED,
          keyName == null ? "unsigned; the zone takes signed updates only" : "key not allowed");
    }
    DnsUpdateHandler.Outcome outcome =
        updates.applyAndKeep(
            zone, query, kept == null ? null : changed -> kept.record(zone.origin(), changed));
    if (outcome.zoneReplaced() && !last) {
      return null;
    }
    int rcode = outcome.rcode();
    if (rcode == Rcode.NOERROR) {
      rcode = awaitKept(zone.origin(), outcome.kept());
    }
    return recorded(query, zone.origin(), keyName, source, rcode, "");
  }

  /**
   * Waits until the journal holds what the update changed, as DHCP's ACK waits for its lease:
   * NOERROR then means it survives a crash. The server runs updates off its event loops ({@link
   * #isUpdate}), so this wait delays no query.
   */
  private int awaitKept(Name zone, CompletableFuture<Void> journaled) {
    try {
      journaled.get(UPDATE_DURABLE_SECONDS, TimeUnit.SECONDS);
      return Rcode.NOERROR;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Rcode.SERVFAIL;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.error("DNS_UPDATE_NOT_DURABLE zone={}: {}", zone, e.toString());
      return Rcode.SERVFAIL;
    }
  }

  private int recorded(
      Message query, Name zone, Name keyName, InetSocketAddress source, int rcode, String note) {
    updates
        .recent()
        .record(sender(source), zone, keyName, query, rcode, rcode == Rcode.NOERROR, note);
    return rcode;
  }

  /** An update refused before its zone was looked at (its signature). */
  private void recordRefusedUpdate(
      Message query, Name keyName, InetSocketAddress source, String note) {
    if (query.getHeader().getOpcode() != Opcode.UPDATE) {
      return;
    }
    Record zoneRecord = query.getQuestion();
    updates
        .recent()
        .record(
            sender(source),
            zoneRecord == null ? null : zoneRecord.getName(),
            keyName,
            query,
            Rcode.NOTAUTH,
            false,
            note);
  }

  private static String sender(InetSocketAddress source) {
    return source == null
        ? "RFC 2136"
        : "RFC 2136 from " + source.getAddress().getHostAddress() + ":" + source.getPort();
  }

  private List<byte[]> finish(Message response, int rcode, DnsTransport transport, int maxUdp) {
    response.getHeader().setRcode(rcode);
    stats.rcode(rcode);
    return List.of(
        transport == DnsTransport.UDP ? response.toWire(maxUdp) : response.toWire(65535));
  }

  /** A message that does not parse gets FORMERR if its header and ID are readable (RFC 1035). */
  private List<byte[]> formatError(byte[] wire) {
    stats.malformed.increment();
    if (wire.length < Header.LENGTH) {
      stats.unanswerable.increment();
      return List.of();
    }
    Header header;
    try {
      header = new Header(java.util.Arrays.copyOf(wire, Header.LENGTH));
    } catch (IOException e) {
      return List.of();
    }
    if (header.getFlag(Flags.QR)) {
      return List.of();
    }
    Message response = new Message(header.getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setOpcode(header.getOpcode());
    response.getHeader().setRcode(Rcode.FORMERR);
    stats.rcode(Rcode.FORMERR);
    return List.of(response.toWire());
  }
}
