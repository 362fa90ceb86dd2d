package org.provisioning.common.lease;

import java.util.List;
import org.provisioning.common.net.Ipv4Address;

/**
 * Searches leases for the console ({@code GET /api/v1/leases}, {@code provisionctl leases}) without
 * the console importing DHCP. The store answers a search by address, hardware address, client-id
 * and option 82 remote-id from its indexes; other criteria filter what those give, or every lease
 * when none of them is set.
 */
@FunctionalInterface
public interface LeaseQuery {

  /** The leases that meet every criterion of the filter, lowest addresses first. */
  List<LeaseRecord> find(LeaseFilter filter);

  /**
   * @param hardwareAddress chaddr octets, or null
   * @param limit at most this many, lowest addresses first
   */
  default List<LeaseRecord> find(
      Ipv4Address address, byte[] hardwareAddress, LeaseState state, int limit) {
    return find(
        LeaseFilter.builder()
            .address(address)
            .hardwareAddress(hardwareAddress)
            .state(state)
            .limit(limit)
            .build());
  }
}
