package org.provisioning.common.config;

import org.provisioning.common.net.Ipv4Address;

/**
 * A host reservation: a fixed address (and perhaps a class, options, or a block) for one client,
 * found by MAC, client id (option 61) or option 82 remote-id, in that order.
 *
 * @param mac {@code 00:11:22:33:44:55}
 * @param clientId option 61 as hex octets
 * @param remoteId option 82 remote-id as hex octets or text
 * @param address null to only class, block or set options for the client
 * @param clientClass forces this class instead of matching
 * @param blocked the client (and, for a modem, every CPE behind it) gets no address
 */
public record ReservationConfig(
    String mac,
    String clientId,
    String remoteId,
    Ipv4Address address,
    String hostname,
    String clientClass,
    Boolean blocked,
    DhcpOptionsConfig options) {

  public ReservationConfig {
    blocked = blocked != null && blocked;
    options = options == null ? DhcpOptionsConfig.NONE : options;
  }
}
