package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * The DHCPv4 service.
 *
 * @param listen the address to bind; {@code 0.0.0.0} for every interface
 * @param serverIdentifier option 54; defaults to {@code listen} when that is a unicast address
 * @param leaseTime default lease time in seconds
 */
public record DhcpConfig(
    Boolean enabled,
    Ipv4Address listen,
    Integer port,
    Ipv4Address serverIdentifier,
    Long leaseTime,
    List<SubnetConfig> subnets) {

  public DhcpConfig {
    enabled = enabled != null && enabled;
    listen = listen == null ? Ipv4Address.parse("127.0.0.1") : listen;
    port = port == null ? 67 : port;
    leaseTime = leaseTime == null ? 3600L : leaseTime;
    subnets = subnets == null ? List.of() : List.copyOf(subnets);
  }
}
