/**
 * The DHCPv4 message as an immutable record: the RFC 2131 §2 fixed header, the message type (RFC
 * 2132 §9.6, 3203, 4388, 6926, 7724) and the hardware address. Builds on the option package;
 * imports no codec, engine or I/O package, so the engine and benchmarks use it without sockets.
 */
package org.provisioning.dhcp.message;
