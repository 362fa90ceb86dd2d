/**
 * The data of the served zones, held in dnsjava's {@code Zone} (never re-modelled), with each
 * zone's update and transfer policy. Imports no Netty.
 */
package org.provisioning.dns.zone;
