/**
 * RFC 868 Time of Day over TCP (send four octets, close) and UDP (answer any datagram): the time a
 * cable modem or eMTA asks for before it registers. {@link org.provisioning.tod.TodTime} is the
 * wire value, {@link org.provisioning.tod.TodServer} the Netty glue. Imports common only.
 */
package org.provisioning.tod;
