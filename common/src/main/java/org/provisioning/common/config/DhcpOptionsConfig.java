package org.provisioning.common.config;

import java.util.List;
import java.util.Map;
import org.provisioning.common.net.Ipv4Address;

/**
 * Option values handed to clients. Given globally, per subnet, per class and per reservation; the
 * most specific value wins (reservation, class, subnet, global). Null means "not set here".
 *
 * @param bootFile option 67 and the {@code file} field; {@code {mac}} becomes the client's MAC as
 *     12 lowercase hex digits (a modem's config file name)
 * @param nextServer {@code siaddr}: the TFTP server a modem fetches its file from, or {@code self}
 *     (the server that answers: in a failover pair, each server names itself)
 * @param tftpServer option 66, the TFTP server's name or address as text
 * @param tftpServers option 125, CableLabs (enterprise 4491) sub-option 2: the TFTP servers DOCSIS
 *     3.0 modems ask for
 * @param raw any other option by code, value as hex octets ({@code 01:02:0a}); for vendor options
 *     (43, 122) an operator already has encoded
 */
public record DhcpOptionsConfig(
    List<Ipv4Address> routers,
    List<Ipv4Address> dnsServers,
    List<Ipv4Address> timeServers,
    List<Ipv4Address> logServers,
    List<Ipv4Address> ntpServers,
    String domainName,
    Integer timeOffset,
    String bootFile,
    BootServer nextServer,
    String tftpServer,
    List<Ipv4Address> tftpServers,
    Map<Integer, String> raw) {

  public static final DhcpOptionsConfig NONE =
      new DhcpOptionsConfig(null, null, null, null, null, null, null, null, null, null, null, null);

  public DhcpOptionsConfig {
    routers = routers == null ? null : List.copyOf(routers);
    dnsServers = dnsServers == null ? null : List.copyOf(dnsServers);
    timeServers = timeServers == null ? null : List.copyOf(timeServers);
    logServers = logServers == null ? null : List.copyOf(logServers);
    ntpServers = ntpServers == null ? null : List.copyOf(ntpServers);
    tftpServers = tftpServers == null ? null : List.copyOf(tftpServers);
    raw = raw == null ? Map.of() : Map.copyOf(raw);
  }

  /** These values, with {@code fallback}'s where these are not set. */
  public DhcpOptionsConfig over(DhcpOptionsConfig fallback) {
    java.util.Map<Integer, String> mergedRaw = new java.util.TreeMap<>(fallback.raw);
    mergedRaw.putAll(raw);
    return new DhcpOptionsConfig(
        or(routers, fallback.routers),
        or(dnsServers, fallback.dnsServers),
        or(timeServers, fallback.timeServers),
        or(logServers, fallback.logServers),
        or(ntpServers, fallback.ntpServers),
        or(domainName, fallback.domainName),
        or(timeOffset, fallback.timeOffset),
        or(bootFile, fallback.bootFile),
        or(nextServer, fallback.nextServer),
        or(tftpServer, fallback.tftpServer),
        or(tftpServers, fallback.tftpServers),
        mergedRaw);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
