/**
 * Netty glue of the DHCP server: the UDP socket, and the lease journal that ties the lease store to
 * the state bus. Thin: every decision is the engine's.
 */
package org.provisioning.dhcp.server;
