/** The DHCPv4 server (RFC 2131, 2132, 3046). Imports common only; never another service. */
package org.provisioning.dhcp;
