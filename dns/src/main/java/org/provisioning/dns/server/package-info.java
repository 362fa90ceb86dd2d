/**
 * The Netty glue of the DNS service (UDP and TCP on one port, RFC 1035 section 4.2, RFC 7766) and
 * its lifecycle. Thin: every decision is the engine's.
 */
package org.provisioning.dns.server;
