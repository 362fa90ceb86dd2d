package org.provisioning.common.config;

import java.util.List;

/**
 * One zone. Served here (authoritative, with its SOA, NS and static records plus the names DHCP
 * leases get), or, with {@code primary} set, the operator's own zone on another server, to which
 * DDNS changes go as RFC 2136 updates.
 *
 * @param name the zone apex, e.g. {@code cable.example.net} or {@code 16.172.in-addr.arpa}
 * @param nameServers the NS names of the apex, full names ({@code ns1.cable.example.net}; a single
 *     label is relative to the zone); the first is the SOA MNAME unless {@code soa} says
 * @param records static records in zone-file syntax, owner relative to the zone ({@code "www 3600
 *     IN A 127.0.0.5"}, {@code "@ MX 10 mail"})
 * @param updateKeys TSIG keys allowed to send RFC 2136 updates to this zone; empty refuses every
 *     update (the update policy)
 * @param transferKeys TSIG keys allowed to transfer the zone (AXFR/IXFR); empty refuses transfers
 * @param alsoNotify the secondaries told by NOTIFY (RFC 1996) whenever the zone changes, so they
 *     transfer it at once instead of at their next SOA refresh
 * @param primary the operator's server that owns this zone; null when this server serves it
 */
public record DnsZoneConfig(
    String name,
    DnsSoaConfig soa,
    List<String> nameServers,
    List<String> records,
    List<String> updateKeys,
    List<String> transferKeys,
    List<DnsNotifyConfig> alsoNotify,
    DnsPrimaryConfig primary) {

  public DnsZoneConfig {
    soa = soa == null ? new DnsSoaConfig(null, null, null, null, null, null, null, null) : soa;
    nameServers = copy(nameServers);
    records = copy(records);
    updateKeys = copy(updateKeys);
    transferKeys = copy(transferKeys);
    alsoNotify =
        alsoNotify == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(alsoNotify));
  }

  /** Whether this server answers for the zone (it has no external primary). */
  public boolean servedHere() {
    return primary == null;
  }

  private static List<String> copy(List<String> list) {
    return list == null
        ? List.of()
        : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(list));
  }

  /**
   * The SOA of a served zone (RFC 1035 section 3.3.13). Times in seconds.
   *
   * @param primary MNAME; defaults to the zone's first name server
   * @param contact RNAME as a domain name; defaults to {@code hostmaster.<zone>}
   * @param serial the starting serial; every change to the zone data increments it
   * @param ttl the TTL of the SOA, NS and static records that name none
   */
  public record DnsSoaConfig(
      String primary,
      String contact,
      Long serial,
      Long refresh,
      Long retry,
      Long expire,
      Long minimum,
      Long ttl) {
    public DnsSoaConfig {
      serial = serial == null ? 1L : serial;
      refresh = refresh == null ? 3600L : refresh;
      retry = retry == null ? 600L : retry;
      expire = expire == null ? 604800L : expire;
      minimum = minimum == null ? 300L : minimum;
      ttl = ttl == null ? 3600L : ttl;
    }
  }

  /** A secondary server of a served zone, sent NOTIFY over UDP (RFC 1996 section 3.1). */
  public record DnsNotifyConfig(org.provisioning.common.net.Ipv4Address address, Integer port) {
    public DnsNotifyConfig {
      port = port == null ? 53 : port;
    }
  }

  /**
   * The operator's DNS server that owns a zone this server does not serve.
   *
   * @param key the TSIG key that signs the updates sent to it
   */
  public record DnsPrimaryConfig(
      org.provisioning.common.net.Ipv4Address address, Integer port, String key) {
    public DnsPrimaryConfig {
      port = port == null ? 53 : port;
    }
  }
}
