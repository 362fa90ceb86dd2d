/**
 * DHCPv4 wire format (RFC 2131 §2 and §4.1, RFC 2132, RFC 3396 long options, option overload):
 * {@link org.provisioning.dhcp.codec.DhcpDecoder} and {@link
 * org.provisioning.dhcp.codec.DhcpEncoder} on {@code byte[]} and {@link java.nio.ByteBuffer}.
 * Imports the message and option packages only; never Netty or sockets, so the engine, tests and
 * JMH call it directly.
 */
package org.provisioning.dhcp.codec;
