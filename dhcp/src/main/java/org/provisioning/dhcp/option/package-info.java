/**
 * DHCPv4 options as data (RFC 2132, 3046, 3396, 3495, 3594, 3634, 3925, 4702): the open code space,
 * the definition tables, the immutable option collection with typed accessors, and the sub-option
 * models of the cable dialect. Imports only {@code common.net}; never the message, codec or any I/O
 * package.
 */
package org.provisioning.dhcp.option;
