/** 1:1 hot-standby failover of the DHCP server. Imports common and dhcp only. */
package org.provisioning.dhcp.failover;
