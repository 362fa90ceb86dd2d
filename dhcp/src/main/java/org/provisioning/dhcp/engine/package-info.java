/**
 * The DHCPv4 decisions (RFC 2131 §4.3, RFC 3046, RFC 6842): a request in, an outcome out, with
 * classes, reservations, cable policies, offers, high-water marks and statistics. Imports the
 * message, option, alloc and lease packages and common; never Netty or the server package.
 */
package org.provisioning.dhcp.engine;
