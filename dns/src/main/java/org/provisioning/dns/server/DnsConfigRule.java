package org.provisioning.dns.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.provisioning.common.config.ConfigError;
import org.provisioning.common.config.ConfigRule;
import org.provisioning.common.config.DnsZoneConfig;
import org.provisioning.common.config.ProvisioningConfig;
import org.provisioning.dns.zone.DnsZone;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNS rules that need dnsjava, reported by path ({@code dns.zones[0].records[2]}): every static
 * record of a zone must parse as zone-file syntax and lie inside its zone, and a CNAME must be
 * alone at its name (RFC 1034 section 3.6.2, RFC 2181 section 10.1): not beside other records, not
 * at the apex (which holds the SOA and NS), not twice. DNAME is refused: it is not implemented.
 */
public final class DnsConfigRule implements ConfigRule {
  @Override
  public List<ConfigError> check(ProvisioningConfig config) {
    List<ConfigError> errors = new ArrayList<>();
    List<DnsZoneConfig> zones = config.dns().zones();
    for (int z = 0; z < zones.size(); z++) {
      DnsZoneConfig zone = zones.get(z);
      Name origin;
      try {
        origin = Name.fromString(zone.name(), Name.root);
      } catch (IOException | RuntimeException e) {
        continue; // the document's own rules report the name
      }
      Map<Name, List<Integer>> atName = new HashMap<>();
      List<Record> parsed = new ArrayList<>();
      for (int r = 0; r < zone.records().size(); r++) {
        Record record = null;
        try {
          record = DnsZone.parseRecord(zone.records().get(r), origin, zone.soa().ttl());
          atName.computeIfAbsent(record.getName(), n -> new ArrayList<>()).add(r);
        } catch (IOException | RuntimeException e) {
          errors.add(
              new ConfigError(
                  path(z, r),
                  "'"
                      + zone.records().get(r)
                      + "' is not a record in zone-file syntax like 'www 300 IN A 127.0.0.5': "
                      + e.getMessage()));
        }
        parsed.add(record);
      }
      for (int r = 0; r < parsed.size(); r++) {
        Record record = parsed.get(r);
        if (record != null && record.getType() == Type.DNAME) {
          // Lookups do not synthesise from a DNAME (RFC 6672): every name below it would be
          // answered NXDOMAIN. Refused rather than served wrong.
          errors.add(
              new ConfigError(
                  path(z, r),
                  "'"
                      + zone.records().get(r)
                      + "' is a DNAME, which this server does not support (RFC 6672); give the"
                      + " names below it CNAME records instead"));
        }
        if (record != null && record.getType() == Type.CNAME) {
          String conflict = cnameConflict(z, r, record, origin, parsed, atName);
          if (conflict != null) {
            errors.add(
                new ConfigError(
                    path(z, r),
                    "'"
                        + zone.records().get(r)
                        + "' "
                        + conflict
                        + ": a CNAME must be the only record at its name (RFC 1034 section 3.6.2,"
                        + " RFC 2181 section 10.1); give the other data another name, or drop"
                        + " the CNAME"));
          }
        }
      }
    }
    return errors;
  }

  /** What the CNAME at {@code records[r]} would sit beside, or null if nothing. */
  private static String cnameConflict(
      int z,
      int r,
      Record cname,
      Name origin,
      List<Record> parsed,
      Map<Name, List<Integer>> atName) {
    if (cname.getName().equals(origin)) {
      return "puts a CNAME at the zone's apex, beside its SOA and NS records";
    }
    for (int other : atName.get(cname.getName())) {
      Record record = parsed.get(other);
      if (other == r || DnsZone.mayJoinCname(record.getType())) {
        continue;
      }
      if (record.getType() != Type.CNAME) {
        return "puts a CNAME beside the " + Type.string(record.getType()) + " " + path(z, other);
      }
      if (other < r && !record.equals(cname)) {
        return "is a second CNAME at " + cname.getName() + " after " + path(z, other);
      }
    }
    return null;
  }

  private static String path(int zone, int record) {
    return "dns.zones[" + zone + "].records[" + record + "]";
  }
}
