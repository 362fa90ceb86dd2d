package org.provisioning.dns.zone;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.provisioning.common.config.DnsConfig;
import org.provisioning.common.config.DnsZoneConfig;
import org.xbill.DNS.Name;

/**
 * The zones this server is authoritative for, found by the longest match of a name (RFC 1034
 * section 4.3.2 step 2). Immutable: a new config builds a new set, swapped whole.
 */
public final class DnsZones {
  private final Map<Name, DnsZone> zones;

  public DnsZones(List<DnsZone> zones) {
    Map<Name, DnsZone> map = new HashMap<>();
    zones.forEach(z -> map.put(z.origin(), z));
    this.zones = Map.copyOf(map);
  }

  /** The served zones of a config; zones with an external primary are not served. */
  public static DnsZones fromConfig(DnsConfig config) throws IOException {
    List<DnsZone> served = new java.util.ArrayList<>();
    for (DnsZoneConfig zone : config.zones()) {
      if (zone.servedHere()) {
        served.add(DnsZone.fromConfig(zone));
      }
    }
    return new DnsZones(served);
  }

  /** The deepest served zone that holds the name, if any. */
  public Optional<DnsZone> find(Name name) {
    if (zones.isEmpty()) {
      return Optional.empty();
    }
    for (int labels = name.labels(); labels >= 1; labels--) {
      Name candidate = labels == name.labels() ? name : new Name(name, name.labels() - labels);
      DnsZone zone = zones.get(candidate);
      if (zone != null) {
        return Optional.of(zone);
      }
    }
    return Optional.empty();
  }

  /** The zone with exactly this apex. */
  public Optional<DnsZone> exactly(Name origin) {
    return Optional.ofNullable(zones.get(origin));
  }

  public java.util.Collection<DnsZone> all() {
    return zones.values();
  }
}
