/**
 * Where leases live: a narrow store interface (find, put, list) and its in-memory implementation
 * with indexes by address, client and option 82 remote-id. Imports common and nothing of the engine
 * or the server.
 */
package org.provisioning.dhcp.lease;
