package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Subnet;

/**
 * A subnet served by DHCP: its pools, the options every client in it gets, and the relay addresses
 * (CMTS giaddr) behind which it lies.
 *
 * @param leaseTime seconds; null means the DHCP section's default
 */
public record SubnetConfig(
    Ipv4Subnet subnet,
    List<Ipv4Address> relays,
    List<PoolConfig> pools,
    List<Ipv4Address> routers,
    List<Ipv4Address> dnsServers,
    Long leaseTime) {

  public SubnetConfig {
    relays = relays == null ? List.of() : List.copyOf(relays);
    pools = pools == null ? List.of() : List.copyOf(pools);
    routers = routers == null ? List.of() : List.copyOf(routers);
    dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
  }
}
