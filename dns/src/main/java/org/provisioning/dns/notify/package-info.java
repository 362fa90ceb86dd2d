/**
 * Tells a served zone's secondaries that it changed (RFC 1996 NOTIFY), over a plain UDP socket of
 * its own, retransmitting until each answers. Imports the zone package, never Netty or the engine.
 */
package org.provisioning.dns.notify;
