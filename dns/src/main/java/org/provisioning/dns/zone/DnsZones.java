package org.provisioning.dns.zone;

import java.io.IOException;
import java.time.Clock;
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
  public static DnsZones fromConfig(DnsConfig config, Clock clock) throws IOException {
    return fromConfig(config, clock, null);
  }

  /**
   * The served zones of a new config, replacing {@code previous} (null at start). A zone whose data
   * is configured as before is kept with its dynamic records, taking the new policy (keys,
   * secondaries); a zone whose data changed is built again from the config, its serial and history
   * carried on from the one it replaces.
   */
  public static DnsZones fromConfig(DnsConfig config, Clock clock, DnsZones previous)
      throws IOException {
    return fromConfig(config, clock, previous, SerialFloors.inMemory());
  }

  /**
   * As {@link #fromConfig(DnsConfig, Clock, DnsZones)}, each zone built with a serial above every
   * one {@code floors} says it had before this start.
   */
  public static DnsZones fromConfig(
      DnsConfig config, Clock clock, DnsZones previous, SerialFloors floors) throws IOException {
    List<DnsZone> served = new java.util.ArrayList<>();
    Map<DnsZone, DnsZoneConfig> kept = new java.util.LinkedHashMap<>();
    for (DnsZoneConfig zone : config.zones()) {
      if (!zone.servedHere()) {
        continue;
      }
      Name origin = Name.fromString(zone.name(), Name.root);
      DnsZone old = previous == null ? null : previous.zones.get(origin);
      if (old != null && DnsZone.sameData(old.config(), zone)) {
        kept.put(old, zone);
        served.add(old);
      } else {
        served.add(DnsZone.fromConfig(zone, clock, old, floors));
      }
    }
    // Only once every zone has been built: a failure above leaves the running zones as they were.
    for (Map.Entry<DnsZone, DnsZoneConfig> zone : kept.entrySet()) {
      zone.getKey().reconfigure(zone.getValue());
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
