package org.provisioning.dhcp.engine;

import org.provisioning.dhcp.lease.ClientKey;

/**
 * What the engine knows of the client behind a request, gathered once: who it is, what it says it
 * is (option 60), where it sits (option 82), and what the config says of it.
 *
 * @param hardwareAddress chaddr, {@code hlen} octets
 * @param clientId option 61 or an empty array
 * @param circuitId option 82 circuit-id or null
 * @param remoteId option 82 remote-id or null
 * @param reserved the client has a host reservation
 * @param modemKnown the modem named by the remote-id has a reservation or a lease
 */
record ClientFacts(
    ClientKey key,
    int hardwareType,
    byte[] hardwareAddress,
    byte[] clientId,
    String vendorClass,
    byte[] circuitId,
    byte[] remoteId,
    boolean hasRelayInfo,
    boolean reserved,
    boolean modemKnown) {}
