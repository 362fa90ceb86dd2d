package org.provisioning.dns.zone;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.provisioning.common.config.DnsZoneConfig;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * One served zone: dnsjava's {@link Zone} holds the data (lookups, AXFR order), this adds the
 * update policy and the serial. Reads go straight to the dnsjava zone, which synchronises them;
 * changes hold this object's lock across check-and-change (RFC 2136 section 3.7: an update is
 * atomic) and bump the SOA serial once per change.
 */
public final class DnsZone {
  private final Zone zone;
  private final DnsZoneConfig config;
  private final Set<Name> updateKeys;
  private final Set<Name> transferKeys;

  private DnsZone(Zone zone, DnsZoneConfig config) throws TextParseException {
    this.zone = zone;
    this.config = config;
    this.updateKeys = names(config.updateKeys());
    this.transferKeys = names(config.transferKeys());
  }

  /**
   * The zone from its config: SOA, NS and the static records.
   *
   * @throws IOException if a name or record does not parse (the config rule reports these first)
   */
  public static DnsZone fromConfig(DnsZoneConfig config) throws IOException {
    Name origin = absolute(config.name(), Name.root);
    DnsZoneConfig.DnsSoaConfig soa = config.soa();
    long ttl = soa.ttl();
    List<Record> records = new ArrayList<>();
    Name primary =
        soa.primary() != null
            ? absolute(soa.primary(), origin)
            : absolute(config.nameServers().get(0), origin);
    Name contact =
        soa.contact() != null
            ? absolute(soa.contact(), origin)
            : Name.fromString("hostmaster", origin);
    records.add(
        new SOARecord(
            origin,
            DClass.IN,
            ttl,
            primary,
            contact,
            soa.serial(),
            soa.refresh(),
            soa.retry(),
            soa.expire(),
            soa.minimum()));
    for (String ns : config.nameServers()) {
      records.add(new NSRecord(origin, DClass.IN, ttl, absolute(ns, origin)));
    }
    records.addAll(staticRecords(config, origin, ttl));
    return new DnsZone(new Zone(origin, records.toArray(new Record[0])), config);
  }

  /** Parses the zone's static records in zone-file syntax, relative to the zone. */
  public static List<Record> staticRecords(DnsZoneConfig config, Name origin, long ttl)
      throws IOException {
    List<Record> records = new ArrayList<>();
    for (String line : config.records()) {
      records.add(parseRecord(line, origin, ttl));
    }
    return records;
  }

  /** One record in zone-file syntax ({@code www 300 IN A 127.0.0.5}); no $INCLUDE. */
  public static Record parseRecord(String line, Name origin, long ttl) throws IOException {
    try (Master master =
        new Master(new java.io.ByteArrayInputStream(line.getBytes()), origin, ttl)) {
      master.disableIncludes();
      Record record = master.nextRecord();
      if (record == null) {
        throw new IOException("holds no record");
      }
      if (master.nextRecord() != null) {
        throw new IOException("holds more than one record; give one per entry");
      }
      if (!record.getName().subdomain(origin)) {
        throw new IOException(record.getName() + " is outside the zone " + origin);
      }
      if (record.getType() == Type.SOA) {
        throw new IOException("an SOA comes from the zone's soa settings, not from records");
      }
      return record;
    }
  }

  static Name absolute(String name, Name origin) throws TextParseException {
    return Name.fromString(name, origin);
  }

  private static Set<Name> names(List<String> keys) throws TextParseException {
    Set<Name> names = new java.util.HashSet<>();
    for (String key : keys) {
      names.add(Name.fromString(key, Name.root));
    }
    return names;
  }

  public Name origin() {
    return zone.getOrigin();
  }

  public Zone data() {
    return zone;
  }

  public DnsZoneConfig config() {
    return config;
  }

  public SOARecord soa() {
    return zone.getSOA();
  }

  public boolean mayUpdate(Name key) {
    return key != null && updateKeys.contains(key);
  }

  public boolean mayTransfer(Name key) {
    return key != null && transferKeys.contains(key);
  }

  /** The RRsets in AXFR order: SOA first (not repeated at the end; the caller adds it). */
  public synchronized List<RRset> transfer() {
    List<RRset> sets = new ArrayList<>();
    for (Iterator<RRset> it = zone.AXFR(); it.hasNext(); ) {
      sets.add(it.next());
    }
    return sets;
  }

  /** Every record in presentation format, for the console. */
  public synchronized List<String> presentation() {
    List<String> lines = new ArrayList<>();
    for (RRset set : transfer()) {
      set.rrs(false).forEach(r -> lines.add(r.toString()));
    }
    // AXFR order ends with the SOA again
    if (lines.size() > 1 && lines.get(lines.size() - 1).equals(lines.get(0))) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  /** Replaces the SOA with its serial advanced (RFC 1982 arithmetic). Caller holds the lock. */
  public synchronized void bumpSerial() {
    SOARecord soa = zone.getSOA();
    long next = (soa.getSerial() + 1) & 0xFFFFFFFFL;
    zone.addRecord(
        new SOARecord(
            soa.getName(),
            soa.getDClass(),
            soa.getTTL(),
            soa.getHost(),
            soa.getAdmin(),
            next,
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum()));
  }

  @Override
  public String toString() {
    return "DnsZone["
        + origin()
        + " keys="
        + updateKeys.stream().map(Name::toString).collect(Collectors.joining(","))
        + "]";
  }
}
