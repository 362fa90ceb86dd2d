package org.provisioning.dns.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.provisioning.dns.zone.DnsZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

/**
 * RFC 2136 section 3 on one zone, the caller having checked the key and the policy: prerequisites
 * (3.2), prescan (3.4.1), then the changes (3.4.2), all under the zone's lock so an update is
 * atomic (3.7), and the SOA serial advanced once if anything changed (3.6). DDNS for the zones
 * served here goes through the same method, so its RFC 4703 prerequisites mean the same thing.
 */
public final class DnsUpdateHandler {
  private static final Logger log = LoggerFactory.getLogger(DnsUpdateHandler.class);

  /**
   * Types whose data cannot be empty, yet arrive so: dnsjava reads any record of length 0 as an
   * empty record, whatever its type. Added, an empty CNAME broke every answer at its name (a CNAME
   * expected, an empty record found) and every transfer of the zone (RFC 2136 section 3.4.1.3:
   * FORMERR). An unknown type's data may be empty (RFC 3597), so only these are checked.
   */
  private static final Set<Integer> NEED_DATA =
      Set.of(
          Type.A,
          Type.AAAA,
          Type.CNAME,
          Type.DNAME,
          Type.PTR,
          Type.MX,
          Type.TXT,
          Type.SRV,
          Type.NAPTR,
          Type.DHCID,
          Type.SOA,
          Type.NS,
          Type.CAA,
          Type.SSHFP);

  private final DnsStatistics stats;
  private final DnsUpdateLog recent = new DnsUpdateLog(java.time.Clock.systemUTC());

  DnsUpdateHandler(DnsStatistics stats) {
    this.stats = stats;
  }

  /** Where the senders of updates (the engine, DDNS) record them for the console. */
  public DnsUpdateLog recent() {
    return recent;
  }

  /**
   * What an update did: its rcode (NOERROR when applied), and when what it changed is kept
   * (completed at once when nothing is to be kept).
   *
   * @param zoneReplaced the zone was replaced by a rebuild before the update could take its lock:
   *     nothing was done, and the update belongs to the zone that replaced it
   */
  public record Outcome(int rcode, CompletableFuture<Void> kept, boolean zoneReplaced) {
    private static final Outcome REPLACED =
        new Outcome(Rcode.SERVFAIL, CompletableFuture.completedFuture(null), true);
  }

  /** Applies the update; the rcode of the outcome (NOERROR when applied). */
  public int apply(DnsZone zone, Message update) {
    return applyAndKeep(zone, update, null).rcode();
  }

  /**
   * Applies the update and, still holding the zone, hands what it changed to {@code keeper} (the
   * journal): two updates of one RRset are then kept in the order they were made. Kept after the
   * lock, the later of two could be journaled first, and the earlier value stood after a restart
   * and on the partner while the zone here held the later.
   */
  public Outcome applyAndKeep(
      DnsZone zone,
      Message update,
      Function<List<DnsZone.ChangedRRset>, CompletableFuture<Void>> keeper) {
    int rcode;
    List<DnsZone.ChangedRRset> changed = List.of();
    CompletableFuture<Void> kept = CompletableFuture.completedFuture(null);
    synchronized (zone) {
      if (zone.retired()) {
        return Outcome.REPLACED;
      }
      rcode = prerequisites(zone, update.getSection(Section.PREREQ));
      if (rcode == Rcode.NOERROR) {
        rcode = prescan(zone, update.getSection(Section.UPDATE));
      }
      if (rcode == Rcode.NOERROR) {
        try {
          change(zone, update.getSection(Section.UPDATE));
          // one serial step for the whole update, and only if something changed
          changed = zone.commitChanges();
        } catch (RuntimeException e) {
          // All or nothing (RFC 2136 section 3.7): an update that failed halfway changed nothing,
          // not some of its records live, unjournaled and gone at the next start.
          zone.rollBack();
          log.warn("DNS_UPDATE_FAILED zone={}: rolled back: {}", zone.origin(), e.toString());
          rcode = Rcode.SERVFAIL;
        }
      }
      if (rcode == Rcode.NOERROR && keeper != null && !changed.isEmpty()) {
        try {
          kept = keeper.apply(changed);
        } catch (RuntimeException e) {
          kept = CompletableFuture.failedFuture(e); // answered SERVFAIL, as a failed write is
        }
      }
    }
    (rcode == Rcode.NOERROR ? stats.updateAccepted : stats.updateRefused).increment();
    return new Outcome(rcode, kept, false);
  }

  private static int prerequisites(DnsZone zone, List<Record> prereqs) {
    Zone data = zone.data();
    Map<Name, Map<Integer, Set<Record>>> valueDependent = new HashMap<>();
    for (Record rr : prereqs) {
      if (rr.getTTL() != 0) {
        return Rcode.FORMERR;
      }
      if (!rr.getName().subdomain(zone.origin())) {
        return Rcode.NOTZONE;
      }
      int type = rr.getType();
      if ((rr.getDClass() == DClass.ANY || rr.getDClass() == DClass.NONE) && hasData(rr)) {
        return Rcode.FORMERR; // sections 3.2.1 and 3.2.2: RDLENGTH must be zero
      }
      if (rr.getDClass() == DClass.ANY) {
        if (type == Type.ANY) {
          if (!zone.ownsRecords(rr.getName())) {
            return Rcode.NXDOMAIN;
          }
        } else if (data.findExactMatch(rr.getName(), type) == null) {
          return Rcode.NXRRSET;
        }
      } else if (rr.getDClass() == DClass.NONE) {
        if (type == Type.ANY) {
          if (zone.ownsRecords(rr.getName())) {
            return Rcode.YXDOMAIN;
          }
        } else if (data.findExactMatch(rr.getName(), type) != null) {
          return Rcode.YXRRSET;
        }
      } else if (rr.getDClass() == DClass.IN) {
        if (type == Type.ANY || type == Type.AXFR || type == Type.IXFR || lacksData(rr)) {
          return Rcode.FORMERR; // a value-dependent prerequisite names one RRset and its data
        }
        valueDependent
            .computeIfAbsent(rr.getName(), n -> new HashMap<>())
            .computeIfAbsent(type, t -> new HashSet<>())
            .add(rr);
      } else {
        return Rcode.FORMERR;
      }
    }
    for (var byName : valueDependent.entrySet()) {
      for (var byType : byName.getValue().entrySet()) {
        RRset existing = data.findExactMatch(byName.getKey(), byType.getKey());
        Set<Record> have = existing == null ? Set.of() : new HashSet<>(existing.rrs(false));
        if (!have.equals(byType.getValue())) {
          return Rcode.NXRRSET;
        }
      }
    }
    return Rcode.NOERROR;
  }

  /**
   * Whether the name holds data a CNAME may not sit beside (anything but RRSIG and NSEC), its own:
   * not a wildcard's, and glue below a zone cut counts.
   */
  private static boolean otherThanCname(DnsZone zone, Name name) {
    return zone.typesAt(name).stream()
        .anyMatch(type -> type != Type.CNAME && !DnsZone.mayJoinCname(type));
  }

  /** Whether adding this type at the name would put it beside a CNAME. */
  private static boolean cnameBesides(Zone data, Name name, int type) {
    return !DnsZone.mayJoinCname(type) && data.findExactMatch(name, Type.CNAME) != null;
  }

  /**
   * Gives an RRset the TTL of a record added to it. The update record replaces its duplicate (RFC
   * 2136 section 3.4.2.2) and an RRset has one TTL (RFC 2181 section 5.2), as BIND does; dnsjava
   * would instead keep the lower TTL, so a client could never raise one. (dnsjava offers no public
   * way to copy a record with another TTL but through its text, whose names are absolute.)
   */
  private static void retime(DnsZone zone, RRset rrset, long ttl) {
    List<Record> retimed = new ArrayList<>();
    for (Record record : rrset.rrs(false)) {
      try {
        retimed.add(
            Record.fromString(
                record.getName(),
                record.getType(),
                record.getDClass(),
                ttl,
                record.rdataToString(),
                Name.root));
      } catch (IOException e) {
        throw new IllegalStateException("dnsjava could not read its own text of " + record, e);
      }
    }
    zone.removeRRset(rrset.getName(), rrset.getType());
    retimed.forEach(zone::add);
  }

  private static int prescan(DnsZone zone, List<Record> changes) {
    for (Record rr : changes) {
      if (!rr.getName().subdomain(zone.origin())) {
        return Rcode.NOTZONE;
      }
      int type = rr.getType();
      if (type == Type.NS) {
        // A zone's name servers and delegations are the config's (dns.zones[].nameServers,
        // records): an NS a client added could not be removed again (dnsjava never removes a
        // whole NS RRset), and laid again at the next start it stopped the server from starting.
        return Rcode.REFUSED;
      }
      if (type == Type.DNAME && rr.getDClass() == DClass.IN) {
        // DNAME (RFC 6672) is not served: lookups do not synthesise from it, so every name below
        // one would be NXDOMAIN while it claimed to redirect them. Refused, as in the config.
        return Rcode.REFUSED;
      }
      boolean meta = Type.isRR(type) == false || type == Type.ANY;
      if (rr.getDClass() == DClass.IN) {
        if (meta || type == Type.AXFR || type == Type.IXFR || lacksData(rr)) {
          return Rcode.FORMERR;
        }
      } else if (rr.getDClass() == DClass.ANY) {
        if (rr.getTTL() != 0 || (meta && type != Type.ANY) || hasData(rr)) {
          return Rcode.FORMERR; // a deletion of an RRset or a name has no data (3.4.1.3)
        }
      } else if (rr.getDClass() == DClass.NONE) {
        if (rr.getTTL() != 0 || meta || lacksData(rr)) {
          return Rcode.FORMERR;
        }
      } else {
        return Rcode.FORMERR;
      }
    }
    return Rcode.NOERROR;
  }

  private static boolean lacksData(Record rr) {
    return NEED_DATA.contains(rr.getType()) && rr.rdataToWireCanonical().length == 0;
  }

  /** Whether the record came with data: RDLENGTH other than 0 (dnsjava reads 0 as empty). */
  private static boolean hasData(Record rr) {
    return rr.rdataToWireCanonical().length != 0;
  }

  private void change(DnsZone zone, List<Record> changes) {
    Zone data = zone.data();
    Name apex = zone.origin();
    for (Record rr : changes) {
      Name name = rr.getName();
      int type = rr.getType();
      boolean atApex = name.equals(apex);
      if (rr.getDClass() == DClass.IN) {
        if (type == Type.SOA) {
          continue; // the serial is ours to keep
        }
        if (type == Type.CNAME ? otherThanCname(zone, name) : cnameBesides(data, name, type)) {
          // RFC 2136 section 3.4.2.2 (and RFC 2181 section 10.1): a CNAME is alone at its name;
          // the update RR that would break that is ignored, the rest of the update applies.
          stats.updateCnameIgnored.increment();
          log.info(
              "DNS_UPDATE_CNAME_CONFLICT zone={} name={} type={}: ignored, {}",
              zone.origin(),
              name,
              Type.string(type),
              type == Type.CNAME ? "the name has other data" : "the name has a CNAME");
          continue;
        }
        RRset before = data.findExactMatch(name, type);
        if (type == Type.CNAME && before != null && !before.rrs(false).contains(rr)) {
          zone.removeRRset(name, Type.CNAME); // one CNAME per name: the new one replaces it
          before = null;
        }
        if (before != null && before.getTTL() != rr.getTTL()) {
          retime(zone, before, rr.getTTL());
        }
        if (before == null || !before.rrs(false).contains(rr)) {
          zone.add(rr);
        }
      } else if (rr.getDClass() == DClass.ANY) {
        List<Integer> types = new ArrayList<>();
        if (type == Type.ANY) {
          types.addAll(zone.typesAt(name)); // its own, glue below a zone cut too
        } else {
          types.add(type);
        }
        for (int t : types) {
          if (atApex && t == Type.SOA) {
            continue; // RFC 2136 section 3.4.2.3
          }
          if (t == Type.NS) {
            // The apex's NS (section 3.4.2.3), and a delegation's: name servers are the config's
            // (prescan), and dnsjava refuses to remove an NS RRset, which failed the whole update.
            continue;
          }
          if (data.findExactMatch(name, t) != null) {
            zone.removeRRset(name, t);
          }
        }
      } else {
        if (type == Type.SOA) {
          continue;
        }
        RRset existing = data.findExactMatch(name, type);
        if (existing == null) {
          continue;
        }
        Record target = Record.newRecord(name, type, DClass.IN, 0, rr.rdataToWireCanonical());
        if (atApex && type == Type.NS && existing.size() == 1) {
          continue; // never the last NS of the zone
        }
        for (Record have : existing.rrs(false)) {
          if (have.equals(target)) {
            zone.remove(have);
          }
        }
      }
    }
  }
}
