package org.provisioning.common.lease;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * Lists leases for the console ({@code GET /api/v1/leases}, {@code provisionctl leases}) without
 * the console importing DHCP. Every criterion is optional (null matches all).
 */
@FunctionalInterface
public interface LeaseQuery {

  /**
   * @param hardwareAddress chaddr octets, or null
   * @param limit at most this many, lowest addresses first
   */
  List<LeaseRecord> find(Ipv4Address address, byte[] hardwareAddress, LeaseState state, int limit);
}
