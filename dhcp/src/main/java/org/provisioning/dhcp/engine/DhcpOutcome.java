package org.provisioning.dhcp.engine;

import org.provisioning.common.lease.LeaseRecord;
import org.provisioning.common.net.Ipv4Address;
import org.provisioning.dhcp.message.DhcpMessage;

/**
 * What the engine decided for one request: a reply and where it goes (RFC 2131 §4.1), and the lease
 * change that must be durable before the reply leaves.
 *
 * @param reply null when nothing is sent (RELEASE, DECLINE)
 * @param leaseChange null when no lease changed (OFFER, NAK, INFORM)
 */
public record DhcpOutcome(
    DhcpMessage reply, Ipv4Address destination, int destinationPort, LeaseRecord leaseChange) {}
