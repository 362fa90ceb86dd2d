package org.provisioning.common.config;

import java.util.Map;

/**
 * How DHCP leases become names (RFC 4702, 4703): a bound lease gets an A record in the forward zone
 * and a PTR in the reverse zone that holds its address, each guarded by a DHCID (RFC 4701); a
 * released or expired lease loses them.
 *
 * @param forwardZone the zone the A records go in, e.g. {@code cable.example.net}; one of {@code
 *     dns.zones}
 * @param classPatterns per client class, the name pattern ({@code cm-{mac}}, {@code mta-{ip}});
 *     {@code {mac}} is the hardware address as 12 hex digits, {@code {ip}} the address with dashes.
 *     A class with a pattern is named by it; others by the hostname the client sent (option 81 or
 *     12), and a client of no pattern and no hostname gets no name
 * @param useClientHostname whether a client's own hostname (option 81 or 12) is used at all
 * @param ttl the TTL of the records a lease gets
 */
public record DdnsConfig(
    Boolean enabled,
    String forwardZone,
    Map<String, String> classPatterns,
    Boolean useClientHostname,
    Long ttl) {

  public DdnsConfig {
    enabled = enabled != null && enabled;
    classPatterns =
        classPatterns == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classPatterns));
    useClientHostname = useClientHostname == null || useClientHostname;
    ttl = ttl == null ? 300L : ttl;
  }

  public static DdnsConfig defaults() {
    return new DdnsConfig(null, null, null, null, null);
  }
}
