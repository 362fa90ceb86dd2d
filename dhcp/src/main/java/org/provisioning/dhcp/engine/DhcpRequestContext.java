package org.provisioning.dhcp.engine;

import org.provisioning.common.net.Ipv4Address;

/**
 * Where a request came from, as the socket saw it.
 *
 * @param sourceAddress the datagram's source (a relay, or the client)
 * @param sourcePort the datagram's source port
 */
public record DhcpRequestContext(Ipv4Address sourceAddress, int sourcePort) {}
