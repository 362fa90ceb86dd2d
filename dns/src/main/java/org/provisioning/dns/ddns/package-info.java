/**
 * DHCP leases become names (RFC 4702, 4703): the A, PTR and DHCID (RFC 4701) records of each bound
 * lease, sent as RFC 2136 updates either into the zones served here or to the operator's server.
 * Reads leases from the state bus; never imports DHCP.
 */
package org.provisioning.dns.ddns;
