/**
 * Socket glue of the DHCP server: the UDP sockets (blocking JDK channels; {@link
 * org.provisioning.dhcp.server.DhcpServer} says why not Netty), and the lease journal that ties the
 * lease store to the state bus. Thin: every decision is the engine's.
 */
package org.provisioning.dhcp.server;
