/**
 * SNMP for the network management system: alert notifications (v2c and v3 traps and informs, RFC
 * 3416, USM of RFC 3414 with SHA-2 of RFC 7860 and AES of RFC 3826) sent through {@link
 * org.provisioning.console.alert.AlertChannel}s, and a read-only agent answering GET, GETNEXT and
 * GETBULK for the statistics registry, the DHCP pools and the failover state under
 * PROVISIONING-SUITE-MIB (shipped in the distribution's {@code mibs/}). Built on SNMP4J; imports
 * only {@code common} of the suite.
 */
package org.provisioning.console.snmp;
