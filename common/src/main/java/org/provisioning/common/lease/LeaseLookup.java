package org.provisioning.common.lease;

import java.util.Optional;
import org.provisioning.common.net.Ipv4Address;

/**
 * Finds the current lease of an address: how TFTP learns which modem asks for a file (a TFTP
 * request carries no MAC). The DHCP lease store implements it; the composition root hands it to
 * whoever needs it, so no service imports another.
 */
@FunctionalInterface
public interface LeaseLookup {
  Optional<LeaseRecord> byAddress(Ipv4Address address);
}
