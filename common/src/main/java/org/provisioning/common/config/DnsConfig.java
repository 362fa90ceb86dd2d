package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * The authoritative DNS service for the provisioning zones (RFC 1034/1035), with RFC 2136 dynamic
 * updates signed by TSIG (RFC 8945) and the names DHCP leases get (DDNS, RFC 4703).
 *
 * @param zones the zones this server serves, and (with {@code primary}) the operator's zones it
 *     only sends DDNS updates to
 * @param keys TSIG keys, named by zones for updates and transfers
 * @param ddns how DHCP leases become names
 * @param udpPayloadLimit the largest UDP answer sent to an EDNS0 client (RFC 6891); larger answers
 *     are truncated (TC) so the client retries over TCP
 * @param maxTcpConnections TCP connections open at once; a new one beyond closes the one idle the
 *     longest, so a flood of idle connections cannot lock clients out (RFC 7766 section 10)
 * @param tcpIdleSeconds a TCP connection that completes no message for this long is closed (RFC
 *     7766 section 6.2.3)
 */
public record DnsConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    List<DnsZoneConfig> zones,
    List<TsigKeyConfig> keys,
    DdnsConfig ddns,
    Integer udpPayloadLimit,
    Integer maxTcpConnections,
    Integer tcpIdleSeconds) {

  public DnsConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 53 : port;
    zones =
        zones == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(zones));
    keys =
        keys == null
            ? List.of()
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(keys));
    ddns = ddns == null ? DdnsConfig.defaults() : ddns;
    udpPayloadLimit = udpPayloadLimit == null ? 1232 : udpPayloadLimit;
    maxTcpConnections = maxTcpConnections == null ? 256 : maxTcpConnections;
    tcpIdleSeconds = tcpIdleSeconds == null ? 10 : tcpIdleSeconds;
  }

  /** The DNS service with every default: disabled, no zones. */
  public static DnsConfig defaults() {
    return new DnsConfig(null, null, null, null, null, null, null, null, null);
  }
}
