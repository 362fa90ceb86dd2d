package org.provisioning.dhcp.engine;

import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.DhcpMessage;

/**
 * What the engine decided for one request: a reply and where it goes (RFC 2131 §4.1), and the lease
 * changes that must be durable before the reply leaves.
 *
 * @param reply null when nothing is sent (RELEASE, DECLINE)
 * @param leaseChange null when no lease changed (OFFER, NAK, INFORM)
 * @param superseded the client's other lease on the same network, released because the ACK gives it
 *     another address (journaled before {@code leaseChange}); null almost always
 */
public record DhcpOutcome(
    DhcpMessage reply,
    Ipv4Address destination,
    int destinationPort,
    LeaseRecord leaseChange,
    LeaseRecord superseded) {

  public DhcpOutcome(
      DhcpMessage reply, Ipv4Address destination, int destinationPort, LeaseRecord leaseChange) {
    this(reply, destination, destinationPort, leaseChange, null);
  }

  /** The same decision with the client's superseded lease. */
  DhcpOutcome superseding(LeaseRecord lease) {
    return new DhcpOutcome(reply, destination, destinationPort, leaseChange, lease);
  }
}
