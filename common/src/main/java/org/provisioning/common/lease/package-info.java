/**
 * The lease as the state bus carries it: DHCP writes these records, TFTP, DNS and failover read
 * them, so their format lives here and no service imports another. Imports nothing of the suite but
 * common.
 */
package org.provisioning.common.lease;
