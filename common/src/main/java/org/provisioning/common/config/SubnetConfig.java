package org.provisioning.common.config;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.common.net.Ipv4Subnet;

/**
 * A subnet served by DHCP: its pools, the options every client in it gets, and the relay addresses
 * (CMTS giaddr) behind which it lies. Subnets sharing a relay address form a shared network (modems
 * in one, CPE in another behind the same CMTS interface); a relayed request may draw from any of
 * them that its class allows.
 *
 * @param relays giaddr values that lead here besides addresses inside the subnet itself
 * @param leaseTime seconds; null for the DHCP section's default
 */
public record SubnetConfig(
    Ipv4Subnet subnet,
    List<Ipv4Address> relays,
    List<PoolConfig> pools,
    DhcpOptionsConfig options,
    Long leaseTime) {

  public SubnetConfig {
    relays = relays == null ? List.of() : List.copyOf(relays);
    pools = pools == null ? List.of() : List.copyOf(pools);
    options = options == null ? DhcpOptionsConfig.NONE : options;
  }
}
