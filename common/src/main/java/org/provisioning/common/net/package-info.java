/**
 * IPv4 address arithmetic shared by config validation, DHCP and DNS. Imports nothing of the suite.
 */
package org.provisioning.common.net;
